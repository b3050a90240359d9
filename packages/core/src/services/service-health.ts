import type { Inventory } from '../ports/inventory.js'
import type { TokenSource } from '../ports/token-source.js'

/** The service's own health, as `/health` reports it (SVC-1). */
export interface HealthReport {
  readonly healthy: boolean
  /** Why not healthy: the TOK-9 text, else `smd initial refresh pending` (SMD-14). */
  readonly reason?: string
}

/**
 * SVC-1, the use case behind `/health`: unhealthy while dynamic auth is (TOK-9, with the token source's reason), else
 * until the inventory's first sync is done (SMD-14, `smd initial refresh pending`). A stale snapshot stays healthy:
 * it is still served (SMD-7). `tokenSource` is absent with `--mock-smd` (no SMD auth at all). Read on every
 * `/health` request, so it only reads the ports' in-memory state.
 */
export function serviceHealth(inventory: Pick<Inventory, 'health'>, tokenSource: Pick<TokenSource, 'health'> | undefined): HealthReport {
  const token = tokenSource?.health()
  if (token !== undefined && !token.healthy) return { healthy: false, reason: token.reason ?? 'dynamic TokenSmith auth unhealthy' }
  return inventory.health().ready ? { healthy: true } : { healthy: false, reason: 'smd initial refresh pending' }
}
