import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { superviseWorkers } from '@metadata-service/adapter-cluster'
import { createRuntimeMetrics, runtimeHasReusePort } from '@metadata-service/adapter-http'
import { SMD_URL_REQUIRED_MESSAGE } from '@metadata-service/adapter-smd'
import type { Clock, Logger, ResourceStore, Tunnel } from '@metadata-service/core'
import { adminAuthorizerFor } from './admin-access.js'
import { openBootStatus } from './boot-status.js'
import { startWorker } from './cluster-worker.js'
import type { Config } from './config/schema.js'
import { CliError } from './errors.js'
import { openInventory, type OpenedInventory } from './inventory.js'
import { noCloudFor, serveHttp } from './serve-http.js'
import { openWireGuard } from './wireguard.js'
import { openStore } from './store.js'
import { openSeedTokenStore } from './seed-tokens.js'
import { queuedConnectionsMigrate } from './tcp-migrate.js'
import { VERSION_INFO } from './version-info.js'

/** What the composition root needs besides the configuration. */
export interface ComposeDeps {
  readonly logger: Logger
  readonly clock: Clock
  /** This executable's version, for the SMD User-Agent (SMD-3). */
  readonly version: string
  /** The WireGuard device; default wireguard-go. Tests (the fuzz suite) pass core's fake. */
  readonly createTunnel?: () => Tunnel
}

/** A started service. */
export interface RunningServer {
  /** The port actually bound (useful with `--port 0`). */
  readonly port: number
  /** Stops accepting, drains for up to `shutdown_timeout`, stops background work and releases the lock (OPS-4). */
  close(): Promise<void>
  /** A worker of `--workers`: resolves when the primary asks it to stop (or is gone). Absent otherwise. */
  readonly stopRequested?: Promise<string>
}

/** The server processes `workers` asks for: 0 means one per core (CFG). */
export function workerProcesses(config: Config): number {
  return config.workers === 0 ? availableParallelism() : config.workers
}

/**
 * How `--workers` spreads new connections over the workers (issue 19). `reuseport`: each worker listens on a socket
 * of its own with SO_REUSEPORT and the kernel hands each connection to one of them (no thundering herd), where the
 * runtime has it (Node 22.12+, 23.1+) and the port is fixed (with port 0 each worker would bind a different one).
 * `shared-socket`: every worker accepts from the one socket node:cluster shares (SCHED_NONE), as before.
 */
export function workerBalancing(config: Pick<Config, 'port'>): 'reuseport' | 'shared-socket' {
  return runtimeHasReusePort() && config.port !== 0 ? 'reuseport' : 'shared-socket'
}

/** In a worker process of `--workers`, its id (1, 2, …; a replacement gets the next); else undefined. */
export function clusterWorkerId(): number | undefined {
  return cluster.worker?.id
}

/**
 * The composition root (OPS-1): config → lock and storage → SMD client → TokenSmith init → WireGuard and peer
 * reconcile → listen → sync. The only place that wires several adapters together. On a startup failure everything
 * already opened is closed again, so the lock is released. With `workers` above 1 this process becomes the primary
 * (or, forked by it, a worker) of a node:cluster group.
 */
export async function startServer(config: Config, deps: ComposeDeps): Promise<RunningServer> {
  const { logger, clock } = deps
  checkSupported(config)
  // SEC-6 is settled before the data directory is touched: a bad auth setting fails startup without a lock.
  const authorize = adminAuthorizerFor(config)
  const processes = workerProcesses(config)
  if (processes > 1) return cluster.isPrimary ? startPrimary(config, deps, processes) : startClusterWorker(config, deps)

  const dataDir = resolve(config.data_dir)
  // store=postgres: no data-dir lock (replicas share the database); data_dir still keeps the WireGuard key.
  const { store, inventory, tokenSource, closers } = await openStoreAndInventory(config, deps, logger)
  const closeAll = () => closers.closeAll()
  try {
    // SEED: after the store, whose data-directory lock makes this process the secret's only writer.
    const seedStore = await openSeedTokenStore(config, logger)
    if (seedStore !== undefined) closers.push(() => seedStore.close())
    const nocloud = noCloudFor(config, { inventory, store, logger })
    const started = await openWireGuard(config, {
      store,
      dataDir,
      logger,
      clock,
      resolveNode: (a) => nocloud.resolveNode(a),
      ...(deps.createTunnel === undefined ? {} : { createTunnel: deps.createTunnel }),
    })
    // WG-9: tunnel addresses resolve before the inventory (ID-4), from the WireGuard service, which needed
    // nocloud.resolveNode to start (WG-6): bound late, documented on useTunnelAddresses.
    nocloud.useTunnelAddresses(started)
    closers.push(() => started.close())
    const boot = await openBootStatus(config, { inventory, store, clock, wireguard: started })
    if (boot !== undefined) closers.push(async () => boot.stop())
    const served = await serveHttp(
      config,
      {
        store,
        inventory,
        tokenSource,
        nocloud,
        wireguard: started,
        ...(boot === undefined ? {} : { bootStatus: boot.status }),
        ...(seedStore === undefined ? {} : { seedStore }),
      },
      { logger, clock, authorize },
    )
    const { http } = served
    closers.push(() => served.close(config.shutdown_timeout * 1000))
    logger.info('listening', { host: http.address, port: http.port, mockSmd: config.mock_smd, wireguard: started.enabled() })

    await inventory.start()
    return { port: http.port, close: closeAll }
  } catch (err) {
    await closeAll()
    throw err
  }
}

// --- internal ---

/** Startup refusals for settings this release cannot serve (kept honest in the README). */
function checkSupported(config: Config): void {
  if (!config.mock_smd && config.smd_url === '') throw new CliError(SMD_URL_REQUIRED_MESSAGE)
  if (workerProcesses(config) > 1 && config.wireguard_server !== '') {
    // wireguard-go is one device with one key owned by one process; its peers cannot be split across workers.
    throw new CliError('workers: WireGuard bootstrap (wireguard_server) runs in one process; set workers to 1 to use it')
  }
}

/** What {@link openStoreAndInventory} opened, with the closers of all of it (reverse order of opening). */
interface OpenedData extends OpenedInventory {
  readonly store: ResourceStore
  readonly closers: Closers
}

/**
 * OPS-1 "lock and storage → SMD client → TokenSmith init", the start of both the single process and the primary of
 * `--workers`: the store (its lock taken), then the inventory side. Everything opened is registered in the returned
 * closers, which the caller runs on shutdown and on a later failed start; a failure here closes what was opened.
 */
async function openStoreAndInventory(config: Config, deps: ComposeDeps, logger: Logger): Promise<OpenedData> {
  const store = await openStore(config, logger)
  const closers = closerList(logger)
  closers.push(() => store.close())
  try {
    const opened = await openInventory(config, {
      logger,
      clock: deps.clock,
      version: deps.version,
      onOpened: (close) => closers.push(close),
    })
    return { ...opened, store, closers }
  } catch (err) {
    await closers.closeAll()
    throw err
  }
}

/** Shutdown steps, run in reverse order of registration. */
interface Closers {
  push(close: () => Promise<void>): void
  closeAll(): Promise<void>
}

/** Closers run in reverse order of registration, each failure logged and skipped. */
function closerList(logger: Logger): Closers {
  const closers: (() => Promise<void>)[] = []
  return {
    push: (close) => void closers.push(close),
    async closeAll() {
      for (const close of closers.splice(0).reverse()) {
        await close().catch((err: unknown) => logger.error('shutdown step failed', { err }))
      }
    },
  }
}

/**
 * The primary of `--workers N` (OPS-1 order without WireGuard): lock and store, SMD client, TokenSmith, then the
 * workers listen on the shared port and the one SMD sync starts. It serves no HTTP itself.
 */
async function startPrimary(config: Config, deps: ComposeDeps, count: number): Promise<RunningServer> {
  const logger = deps.logger.child({ process: 'primary' })
  const { store, inventory, tokenSource, closers } = await openStoreAndInventory(config, deps, logger)
  try {
    const seedStore = await openSeedTokenStore(config, logger)
    if (seedStore !== undefined) closers.push(() => seedStore.close())
    // Workers accept themselves (from their own SO_REUSEPORT sockets, or the shared one, see workerBalancing): with
    // round-robin the primary would accept every connection and pass it over IPC, a cost per connection that a storm
    // of one-request connections cannot afford (OPS-7).
    // Set before setupPrimary, which freezes it.
    cluster.schedulingPolicy = cluster.SCHED_NONE
    // Structured clone keeps what JSON would lose (undefined memberships, Infinity in metrics).
    cluster.setupPrimary({ serialization: 'advanced' })
    const runtime = config.metrics ? createRuntimeMetrics(VERSION_INFO) : undefined
    // BOOT: the one boot record lives here; workers report to it and read it (adapter-cluster).
    const boot = await openBootStatus(config, { inventory, store, clock: deps.clock })
    if (boot !== undefined) closers.push(async () => boot.stop())
    const workers = superviseWorkers({
      store,
      inventory,
      tokenSource,
      logger,
      forker: cluster,
      count,
      ...(runtime && { runtimeMetrics: runtime.snapshot }),
      ...(boot === undefined ? {} : { bootStatus: boot.status }),
      ...(seedStore === undefined ? {} : { seedTokens: seedStore }),
    })
    // The workers drain first (OPS-4), then the inventory and the store close.
    closers.push(() => workers.stop(config.shutdown_timeout * 1000 + 5_000))
    const port = await workers.ready
    const balancing = workerBalancing(config)
    const migrate = balancing === 'reuseport' ? queuedConnectionsMigrate() : undefined
    logger.info('listening', {
      host: config.host,
      port,
      workers: count,
      balancing,
      ...(migrate === undefined ? {} : { migrateQueued: migrate }),
      mockSmd: config.mock_smd,
      wireguard: false,
    })
    // Each worker has its own accept queue: without this the connections waiting in it are reset when it exits.
    if (migrate === false) {
      logger.info('connections queued on a worker that exits are reset', {
        hint: 'sysctl -w net.ipv4.tcp_migrate_req=1 hands them to the other workers (Linux 5.14+)',
      })
    }
    await inventory.start()
    return { port, close: () => closers.closeAll() }
  } catch (err) {
    await closers.closeAll()
    throw err
  }
}

/** A worker of `--workers N`: every route, from the primary's store and snapshot (see `cluster-worker.ts`). */
async function startClusterWorker(config: Config, deps: ComposeDeps): Promise<RunningServer> {
  const channel = cluster.worker
  if (channel === undefined) throw new Error('not a cluster worker')
  const reusePort = workerBalancing(config) === 'reuseport'
  const running = await startWorker(config, { logger: deps.logger, clock: deps.clock, channel, reusePort })
  return { port: running.port, stopRequested: running.stopRequested, close: () => running.close() }
}
