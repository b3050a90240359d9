import { resolve } from 'node:path'
import { openFileStore } from '@metadata-service/adapter-fs'
import { createMockInventory } from '@metadata-service/adapter-smd'
import type { Clock, Logger } from '@metadata-service/core'
import type { Config } from './config/schema.js'
import { CliError } from './errors.js'

/** `serve` startup failure when neither SMD nor the mock is configured (SMD-1, AT-28). */
export const SMD_URL_REQUIRED = 'SMD_URL is required unless --mock-smd is set'

/** What the composition root needs besides the configuration. */
export interface ComposeDeps {
  readonly logger: Logger
  readonly clock: Clock
  /** This executable's version, for the SMD User-Agent (SMD-3). */
  readonly version: string
}

/** A started service. */
export interface RunningServer {
  /** The port actually bound (useful with `--port 0`). */
  readonly port: number
  /** Stops accepting, drains for up to `shutdown_timeout`, stops background work and releases the lock (OPS-4). */
  close(): Promise<void>
}

/**
 * The composition root (OPS-1): config → lock and storage → SMD client → TokenSmith init → listen → sync. The only
 * place that wires several adapters together. On a startup failure everything already opened is closed again, so
 * the lock is released.
 */
export async function startServer(config: Config, deps: ComposeDeps): Promise<RunningServer> {
  const { logger } = deps
  if (!config.mock_smd && config.smd_url === '') throw new CliError(SMD_URL_REQUIRED)

  const store = await openFileStore({ dataDir: resolve(config.data_dir), logger })
  const cleanup: (() => Promise<void>)[] = [() => store.close()]
  try {
    logger.info('resource store opened', { dataDir: resolve(config.data_dir), corruptFiles: store.problems().length })
    const inventory = createMockInventory({ logger })
    cleanup.unshift(() => inventory.close())
    // TODO(0.1.0): wire createResourceService, createNoCloudService and adapter-http createApp/listen once they land.
    throw new CliError('serve: the HTTP adapter is not wired yet')
  } catch (err) {
    for (const close of cleanup) await close().catch(() => {})
    throw err
  }
}
