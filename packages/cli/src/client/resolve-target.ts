import { KINDS, type KindName } from '@metadata-service/core'
import { CliError } from '../errors.js'
import type { ApiClient } from './api-client.js'
import type { ClientLog } from './client-log.js'

/**
 * The uid a command argument names (SPEC §16 CLI: a name or a uid wherever a resource is named). An argument made
 * of the kind's uid prefix and hex digits (`group-0123abcd`) is the uid itself; anything else is a name, looked up
 * with `GET /<collection>?name=<name>`. When a data dir holds several resources of that name (the Go service kept
 * every version), the one the server serves wins: the one without `status.supersededBy` (SPEC §16 RES-3), else the
 * last of the list, which is ordered by creation time, then uid (RES-1). Throws a CliError (exit 1) when no
 * resource has that name.
 */
export async function resolveTarget(client: ApiClient, kind: KindName, target: string, log: ClientLog): Promise<string> {
  const { uidPrefix, collection } = KINDS[kind]
  if (target.startsWith(uidPrefix) && /^[0-9a-f]+$/.test(target.slice(uidPrefix.length))) return target
  const listed = await client.call({ method: 'GET', path: `/${collection}?name=${encodeURIComponent(target)}` })
  // Filtered again here: a server that ignores `?name=` answers the whole list.
  const matches = (Array.isArray(listed) ? listed : []).filter((item) => nameOf(item) === target)
  const served = matches.find((item) => !isSuperseded(item))
  const chosen = served ?? matches.at(-1)
  const uid = uidOf(chosen)
  if (uid === undefined) {
    throw new CliError(`${kind} ${JSON.stringify(target)} not found: no ${kind} has that name, and it is not a uid (${uidPrefix}…)`)
  }
  if (matches.length > 1 && served === undefined) {
    log.warn(`${matches.length} ${kind} resources are named ${target}; using the newest, ${uid}`)
  } else if (matches.length > 1) {
    log.info(`* ${kind} ${target} is ${uid}, the one served (${matches.length - 1} superseded)`)
  } else {
    log.info(`* ${kind} ${target} is ${uid}`)
  }
  return uid
}

// --- internal ---

function nameOf(item: unknown): string | undefined {
  const name = (item as { metadata?: { name?: unknown } } | undefined)?.metadata?.name
  return typeof name === 'string' ? name : undefined
}

function isSuperseded(item: unknown): boolean {
  return typeof (item as { status?: { supersededBy?: unknown } } | undefined)?.status?.supersededBy === 'string'
}

function uidOf(item: unknown): string | undefined {
  const uid = (item as { metadata?: { uid?: unknown } } | undefined)?.metadata?.uid
  return typeof uid === 'string' ? uid : undefined
}
