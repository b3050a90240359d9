import { createSeedSubscribers, MetadataError, seedStoreClosed, type SeedTokenState, type SeedTokenStore } from '@metadata-service/core'
import type { RpcPeer } from './rpc.js'

/** The state the primary hands out, numbered so a worker knows which of the broadcasts its seed already holds. */
interface NumberedState {
  readonly seq: number
  readonly state: SeedTokenState
}

// The event the primary broadcasts after each change of its seed token store.
const SEED_CHANGE_EVENT = 'seed.change'

/**
 * Opens a worker's {@link SeedTokenStore} (SEED with `--workers`): the primary's state, copied (node:cluster's
 * advanced serialization keeps the secret's bytes and the epoch map), and kept current by its broadcasts; rotations
 * go to the primary, whose store makes them durable. Resolves with `undefined` when the primary has no seed tokens
 * (`seed_tokens: off`). The secret crosses only the IPC channel between the processes of one server.
 */
export async function openReplicaSeedTokenStore(peer: RpcPeer): Promise<SeedTokenStore | undefined> {
  const early: NumberedState[] = []
  let follow = (numbered: NumberedState): void => void early.push(numbered)
  peer.onEvent(SEED_CHANGE_EVENT, (data) => follow(data as NumberedState))
  const seed = await peer.call<NumberedState | null>('seed.init')
  if (seed === null) return undefined
  let current = seed
  const listeners = createSeedSubscribers()
  let closed = false
  follow = (numbered) => {
    if (closed || numbered.seq <= current.seq) return
    current = numbered
    listeners.publish(numbered.state)
  }
  for (const numbered of early) follow(numbered)
  const open = () => {
    if (closed) throw seedStoreClosed()
  }
  // The change is broadcast before the reply, so the state returned is already the current one.
  const rotated = (): SeedTokenState => current.state

  return {
    current: () => current.state,
    async rotateNodes(xnames) {
      open()
      await peer.call('seed.rotateNodes', xnames)
      return rotated()
    },
    async rotateAll() {
      open()
      await peer.call('seed.rotateAll')
      return rotated()
    },
    subscribe: listeners.subscribe,
    async close() {
      closed = true
      listeners.clear()
    },
  }
}

/**
 * The primary's side of {@link openReplicaSeedTokenStore}: the seed and the rotation calls on its real `store`
 * (`undefined` with seed tokens off), and every change of it, numbered, to `broadcast` before the rotation's reply.
 * `stop` ends the broadcasting.
 */
export function serveReplicaSeedTokens(store: SeedTokenStore | undefined, broadcast: (event: string, data: unknown) => void) {
  let seq = 0
  const stop = store?.subscribe((state) => broadcast(SEED_CHANGE_EVENT, { seq: ++seq, state } satisfies NumberedState)) ?? (() => {})
  const handlers = {
    'seed.init': async (): Promise<NumberedState | null> => (store === undefined ? null : { seq, state: store.current() }),
    'seed.rotateNodes': async (xnames: readonly string[]): Promise<void> => {
      await required(store).rotateNodes(xnames)
    },
    'seed.rotateAll': async (): Promise<void> => {
      await required(store).rotateAll()
    },
  }
  return { handlers, stop }
}

function required(store: SeedTokenStore | undefined): SeedTokenStore {
  if (store === undefined) throw new MetadataError('NOT_FOUND', 'seed tokens are off')
  return store
}
