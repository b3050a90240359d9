import { MetadataError, type TokenSource } from '@metadata-service/core'
import type { ReplicaInventory } from './replica-inventory.js'

/**
 * The primary's token source as a worker shows it: its mode, TOK-9 health and SVC-4 counters, as of the primary's
 * last status (`inventory.status()`), for the worker's `/health` and `/metrics`. `undefined` when the primary has
 * no token source (`--mock-smd`, fixed for the primary's lifetime). A worker never calls SMD, so `token()` and
 * `refreshAfterRejection()` reject with `TOKEN_UNAVAILABLE`.
 */
export function mirroredTokenSource(inventory: ReplicaInventory): TokenSource | undefined {
  const first = inventory.status().token
  if (first === undefined) return undefined
  const token = () => inventory.status().token ?? first
  const unavailable = async (): Promise<never> => {
    throw new MetadataError('TOKEN_UNAVAILABLE', 'worker processes do not call SMD')
  }
  return {
    get mode() {
      return token().mode
    },
    token: unavailable,
    refreshAfterRejection: unavailable,
    health: () => token().health,
    stats: () => token().stats,
    async close() {},
  }
}
