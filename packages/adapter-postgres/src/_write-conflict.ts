import { MetadataError, type AnyResource } from '@metadata-service/core'
import { nameConflict } from '@metadata-service/core/store'
import type pg from 'pg'
import { uniqueViolation } from './_errors.js'
import { NAME_KEY, UID_KEY, WIREGUARD_IP_KEY } from './_schema.js'

/**
 * The CONFLICT a unique violation stands for, naming the current holder (RES-3), or undefined when `err` is not
 * one. A taken `allowed_ip` (WG-6) is a CONFLICT too, so `/wg-init` can allocate again.
 */
export async function writeConflict(pool: pg.Pool, err: unknown, resource: AnyResource): Promise<MetadataError | undefined> {
  const constraint = uniqueViolation(err)
  if (constraint === undefined) return undefined
  const { kind } = resource
  const { name, uid } = resource.metadata
  if (constraint === UID_KEY) {
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM resources WHERE kind = $1 AND uid = $2', [kind, uid])
    return nameConflict(kind, rows[0]?.name ?? name, uid)
  }
  if (constraint === NAME_KEY) {
    const { rows } = await pool.query<{ uid: string }>('SELECT uid FROM resources WHERE kind = $1 AND name = $2', [kind, name])
    return nameConflict(kind, name, rows[0]?.uid ?? '(unknown)')
  }
  if (constraint === WIREGUARD_IP_KEY) {
    const ip = String((resource.spec as { allowed_ip?: unknown }).allowed_ip)
    const { rows } = await pool.query<{ uid: string }>(
      "SELECT uid FROM resources WHERE kind = 'WireGuardPeer' AND resource->'spec'->>'allowed_ip' = $1",
      [ip],
    )
    return new MetadataError('CONFLICT', `WireGuardPeer with allowed_ip ${ip} already exists: ${rows[0]?.uid ?? '(unknown)'}`)
  }
  return new MetadataError('CONFLICT', `${kind} ${uid} conflicts with a stored resource (${constraint})`, { cause: err })
}
