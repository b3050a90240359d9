import type { Worker } from 'node:cluster'
import type { BootStatus, Inventory, Logger, ResourceStore, SeedTokenStore, TokenSource } from '@metadata-service/core'
import { serveBootStatus } from './boot-status.js'
import { GATHER_METRICS_CALL, LISTENING_EVENT, METRICS_SNAPSHOT_CALL, SHUTDOWN_EVENT } from './_protocol.js'
import { serveReplicaInventory } from './replica-inventory.js'
import { serveReplicaSeedTokens } from './replica-seed-tokens.js'
import { serveReplicaStore } from './replica-store.js'
import { connectRpc, type RpcPeer } from './rpc.js'

/** Forks worker processes (node:cluster in production, a stand-in in tests). */
export interface WorkerForker {
  fork(): Worker
}

/** What {@link superviseWorkers} serves to its workers and how it reports. */
export interface SupervisorDeps {
  readonly store: ResourceStore
  readonly inventory: Inventory
  readonly tokenSource: TokenSource | undefined
  /** SEED: the seed token store the workers copy and rotate through; absent with `seed_tokens: off`. */
  readonly seedTokens?: SeedTokenStore
  readonly logger: Logger
  readonly forker: WorkerForker
  /** How many workers to keep running. */
  readonly count: number
  /** The primary's own process and runtime families, gathered with the workers' (absent with `--metrics=false`). */
  readonly runtimeMetrics?: () => Promise<unknown>
  /** How often the primary checks for a new SMD snapshot and refreshes the workers' status, ms. Default 250. */
  readonly pollMs?: number
  /** BOOT: the one boot record, fed by every worker's batches and read by their calls; absent: off. */
  readonly bootStatus?: BootStatus
}

/** The running workers of the primary. */
export interface WorkerSupervisor {
  /** Resolves with the bound port once every first worker listens; rejects when one exits before it does. */
  readonly ready: Promise<number>
  /** OPS-4: asks every worker to drain and exit; kills what is left after `graceMs`. No worker is forked again. */
  stop(graceMs: number): Promise<void>
}

/**
 * The primary of `--workers N`: keeps N workers running (a worker that dies is replaced and logged), answers their
 * store writes on the one store, their snapshot misses on the one inventory (so SMD load does not grow with N,
 * OPS-7), copies each new SMD snapshot and every store change to all of them, and gathers every worker's metrics
 * snapshot for whichever worker is scraped, and keeps the one boot record (BOOT) that every worker feeds and reads.
 * Each worker runs `connectToPrimary` at its end.
 */
export function superviseWorkers(deps: SupervisorDeps): WorkerSupervisor {
  const { store, inventory, logger } = deps
  const peers = new Map<Worker, RpcPeer>()
  // Workers that finished starting: only they have connected their end of the RPC channel.
  const started = new Set<Worker>()
  let stopping = false
  const broadcast = (event: string, data: unknown) => {
    for (const peer of peers.values()) peer.emit(event, data)
  }
  const replicaStore = serveReplicaStore(store, broadcast)
  const replicaInventory = serveReplicaInventory(inventory, deps.tokenSource, deps.pollMs)
  const replicaSeeds = serveReplicaSeedTokens(deps.seedTokens, broadcast)
  const boot = deps.bootStatus === undefined ? undefined : serveBootStatus(deps.bootStatus)
  const handlers = {
    ...replicaStore.handlers,
    ...replicaInventory.handlers,
    ...replicaSeeds.handlers,
    ...boot?.handlers,
    // A worker that dies meanwhile is left out rather than failing the scrape.
    [GATHER_METRICS_CALL]: async () => {
      const asked = [...started].map((worker) => peers.get(worker)?.call<unknown>(METRICS_SNAPSHOT_CALL))
      if (deps.runtimeMetrics !== undefined) asked.push(deps.runtimeMetrics())
      const settled = await Promise.allSettled(asked)
      return settled.flatMap((result) => (result.status === 'fulfilled' && result.value !== undefined ? [result.value] : []))
    },
  }

  let firstListening = 0
  let settleReady: { resolve(port: number): void; reject(err: Error): void } = { resolve() {}, reject() {} }
  const ready = new Promise<number>((resolve, reject) => (settleReady = { resolve, reject }))
  const exited = new Set<Promise<void>>()

  const start = (first: boolean): void => {
    const worker = deps.forker.fork()
    const peer = connectRpc(worker, handlers)
    replicaInventory.listen(peer)
    boot?.listen(peer)
    peers.set(worker, peer)
    // node:cluster reports a listen on its shared handle; a worker on its own SO_REUSEPORT socket says so itself.
    const listened = (port: number): void => {
      if (started.has(worker)) return
      started.add(worker)
      if (first && ++firstListening === deps.count) settleReady.resolve(port)
    }
    worker.once('listening', (address) => listened(address.port))
    peer.onEvent(LISTENING_EVENT, (port) => listened(port as number))
    const done = new Promise<void>((resolve) => {
      worker.once('exit', (code, signal) => {
        peers.get(worker)?.close('worker exited')
        peers.delete(worker)
        const listened = started.delete(worker)
        exited.delete(done)
        resolve()
        if (stopping) return
        if (!listened && first) {
          settleReady.reject(new Error(`worker ${worker.id} exited during startup (${signal ?? `code ${code}`}); see its log above`))
          return
        }
        logger.error('worker exited; starting a new one', { worker: worker.id, code, signal })
        start(false)
      })
    })
    exited.add(done)
  }
  for (let i = 0; i < deps.count; i++) start(true)

  return {
    ready,
    async stop(graceMs) {
      stopping = true
      replicaInventory.stop()
      replicaStore.stop()
      replicaSeeds.stop()
      // A worker still starting has not connected its end yet and would miss the event; it has no requests yet
      // either, so a signal ends it.
      for (const [worker, peer] of peers) {
        if (started.has(worker)) peer.emit(SHUTDOWN_EVENT, null)
        else worker.process.kill('SIGTERM')
      }
      const all = Promise.all(exited)
      const timer = setTimeout(() => {
        for (const worker of peers.keys()) worker.process.kill('SIGKILL')
      }, graceMs)
      await all
      clearTimeout(timer)
    },
  }
}
