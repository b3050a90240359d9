// The snapshot's IP index (SMD-9): every component and interface IP to its node, canonical keys, first owner
// wins on a duplicate and the conflict is logged (at most 20 lines per sync).
import { addressKey, type InventoryNode, type Logger } from '@metadata-service/core'
import type { SmdSnapshot } from './snapshot.js'

// Past this many duplicate IPs, only a summary line is logged: a broken SMD must not flood the log every sync.
const MAX_CONFLICT_LOGS = 20

/** Nodes per slice of work between yields to the event loop: ~5 ms at 100k nodes (p99 ≤ 50 ms during a sync, OPS-7). */
export const NODES_PER_SLICE = 2048

/** The duplicate IPs found while indexing a snapshot: the first few, and how many in all. */
export interface Conflicts {
  readonly logged: ReadonlyArray<{ readonly ip: string; readonly kept: string; readonly ignored: string }>
  readonly count: number
}

const conflictsOf = new WeakMap<SmdSnapshot, Conflicts>()

/** Remembers the conflicts found while indexing `snapshot`, for {@link replayConflicts}. */
export function setConflicts(snapshot: SmdSnapshot, conflicts: Conflicts): void {
  conflictsOf.set(snapshot, conflicts)
}

function logConflicts({ logged, count }: Conflicts, logger: Logger): void {
  for (const c of logged) logger.warn('duplicate IP in SMD inventory; the first owner wins', c)
  if (count > MAX_CONFLICT_LOGS) logger.warn('duplicate IPs in SMD inventory', { conflicts: count })
}

/** Logs again the conflicts of `snapshot`, when a sync keeps it as it is. */
export function replayConflicts(snapshot: SmdSnapshot, logger: Logger): void {
  const conflicts = conflictsOf.get(snapshot)
  if (conflicts) logConflicts(conflicts, logger)
}

/** The IP index of `nodes`, yielding every few thousand nodes; logs the conflicts. */
export function* indexByIp(
  nodes: ReadonlyMap<string, InventoryNode>,
  logger: Logger,
): Generator<undefined, { index: Map<string, InventoryNode>; conflicts: Conflicts }> {
  const byIp = new Map<string, InventoryNode>()
  const logged: Array<{ ip: string; kept: string; ignored: string }> = []
  let count = 0
  const add = (text: string, node: InventoryNode): void => {
    if (text === '') return
    const ip = addressKey(text)
    const owner = byIp.get(ip)
    if (owner === undefined) {
      byIp.set(ip, node)
    } else if (owner !== node) {
      count++
      if (count <= MAX_CONFLICT_LOGS) logged.push({ ip, kept: owner.xname, ignored: node.xname })
    }
  }
  for (const node of nodes.values()) if (node.componentIp) add(node.componentIp, node)
  let k = 0
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) for (const a of iface.ipAddresses) add(a.ip, node)
    if (++k % NODES_PER_SLICE === 0) yield
  }
  const conflicts = { logged, count }
  logConflicts(conflicts, logger)
  return { index: byIp, conflicts }
}
