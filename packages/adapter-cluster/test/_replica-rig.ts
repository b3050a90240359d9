import type { Inventory, InventoryNode, TokenSource } from '@metadata-service/core'
import { createFakeInventory, MOCK_NODE_FIXTURES } from '@metadata-service/core/testing'
import { openReplicaInventory, serveReplicaInventory } from '../src/replica-inventory.js'
import { connectRpc, type IpcChannel } from '../src/rpc.js'
import { ipcPair } from './_ipc-pair.js'

/** One message the primary sent: its event (or `call`/`reply`), the snapshot it belongs to, its table bytes. */
export interface SentMessage {
  readonly event: string
  readonly seq: number | undefined
  readonly tableBytes: number
}

/**
 * The primary's end of an IPC stand-in, recording what it sends, and holding it back while `hold()` is on (the
 * worker is not reading): `release()` lets what is held go, `open()` that and everything after.
 */
export function watchedEnd(end: IpcChannel) {
  const sent: SentMessage[] = []
  let holding = false
  let held: (() => void)[] = []
  const send = end.send
  end.send = (message, callback) => {
    const { rpc, event, data } = message as { rpc: string; event?: string; data?: { seq?: unknown } }
    const seq = typeof data?.seq === 'number' ? data.seq : undefined
    sent.push({ event: event ?? rpc, seq, tableBytes: viewBytes(message) })
    if (!holding) return send(message, callback)
    held.push(() => send(message, callback))
    return true
  }
  const release = () => {
    const now = held
    held = []
    for (const go of now) go()
  }
  return {
    sent,
    /** What the primary sent of snapshots, in order: `<event> <seq>`. */
    snapshotMessages: () => sent.filter((m) => m.event.startsWith('inventory.')).map((m) => `${m.event} ${m.seq}`),
    hold: () => void (holding = true),
    release,
    open: () => {
      holding = false
      release()
    },
    held: () => held.length,
  }
}

/** Bytes of every typed array or DataView in `value`. */
export function viewBytes(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength
  if (value === null || typeof value !== 'object') return 0
  return Object.values(value).reduce((sum: number, v) => sum + viewBytes(v), 0)
}

/** `inventory` served by a primary (polling every 5 ms) to one worker replica over an IPC stand-in. */
export async function replicate(inventory: Inventory, tokens: TokenSource | undefined) {
  const [primaryEnd, workerEnd] = ipcPair()
  const channel = watchedEnd(primaryEnd)
  const served = serveReplicaInventory(inventory, tokens, 5)
  served.listen(connectRpc(primaryEnd, served.handlers))
  return { replica: await openReplicaInventory(connectRpc(workerEnd, {})), stop: served.stop, channel }
}

/**
 * A primary inventory whose syncs we play: `sync(nodes, changed)` gives a new `lastSuccessAt`, and a new
 * generation only when SMD changed, as adapter-smd does.
 */
export function playedInventory(nodes: readonly InventoryNode[]) {
  const fake = createFakeInventory(nodes)
  let lastSuccessAt = 1_000
  let generation = 1
  const primary: Inventory & { calls: typeof fake.calls; failNext: typeof fake.failNext } = Object.assign(Object.create(fake) as typeof fake, {
    health: () => ({ ...fake.health(), lastSuccessAt }),
    generation: () => generation,
  })
  const sync = (next: readonly InventoryNode[], changed: boolean) => {
    if (changed) {
      fake.setNodes(next)
      generation++
    }
    lastSuccessAt += 60_000
  }
  return { primary, sync }
}

/** A {@link playedInventory} published to one worker replica over an IPC stand-in. */
export async function rig(nodes: readonly InventoryNode[] = MOCK_NODE_FIXTURES.slice(0, 2)) {
  const { primary, sync } = playedInventory(nodes)
  const { replica, stop, channel } = await replicate(primary, undefined)
  return { primary, replica, sync, stop, channel }
}
