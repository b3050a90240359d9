import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  createMockInventory,
  createSmdClient,
  createSmdInventory,
  createSyncProcess,
  createStaticTokenSource,
  createTokenSmithSource,
  selectTokenMode,
} from '@metadata-service/adapter-smd'
import { redactUrlCredentials, type Clock, type Inventory, type Logger, type TokenSource } from '@metadata-service/core'
import type { Config } from './config/schema.js'

/** The inventory side of the service, started in OPS-1 order by {@link openInventory}. */
export interface OpenedInventory {
  readonly inventory: Inventory
  /** Absent with `--mock-smd`. */
  readonly tokenSource: TokenSource | undefined
}

/** What {@link openInventory} needs besides the configuration. */
export interface InventoryDeps {
  readonly logger: Logger
  readonly clock: Clock
  /** For the SMD and TokenSmith User-Agent (SMD-3). */
  readonly version: string
  /** Receives a close function for everything opened, so a later failure can undo it. */
  readonly onOpened: (close: () => Promise<void>) => void
}

/**
 * OPS-1 "SMD client → TokenSmith init": the mock inventory with `--mock-smd` (SMD-15); otherwise the token source
 * chosen by TOK-1 (static `SMD_JWT`/`SMD_TOKEN`, or TokenSmith, whose first exchange completes here, before the
 * server listens: TOK-8), the SMD client and the snapshot inventory. Syncing starts later with `inventory.start()`.
 * Rejects with the TOK-1 or TOK-7 message when dynamic auth cannot start.
 */
export async function openInventory(config: Config, deps: InventoryDeps): Promise<OpenedInventory> {
  const logger = deps.logger.child({ component: 'smd' })
  if (config.mock_smd) {
    const inventory = createMockInventory({ logger })
    deps.onOpened(() => inventory.close())
    return { inventory, tokenSource: undefined }
  }

  const selection = await selectTokenMode(config)
  let tokenSource: TokenSource
  let init = async () => {}
  if (selection.mode === 'static') {
    tokenSource = createStaticTokenSource({ jwt: config.smd_jwt, token: config.smd_token, logger })
  } else {
    const dynamic = createTokenSmithSource({
      url: selection.url,
      mode: selection.mode,
      ...(selection.mode === 'mtls'
        ? { cert: selection.cert, key: selection.key, ...(selection.ca === undefined ? {} : { ca: selection.ca }) }
        : { bootstrapToken: selection.bootstrapToken }),
      targetService: config.tokensmith_target_service,
      scopes: config.tokensmith_scopes,
      refreshSkewSec: config.tokensmith_refresh_skew_sec,
      logger: deps.logger.child({ component: 'tokensmith' }),
      clock: deps.clock,
      userAgentVersion: deps.version,
    })
    deps.onOpened(() => dynamic.close())
    tokenSource = dynamic
    init = () => dynamic.init()
  }
  logger.info('SMD auth', { mode: tokenSource.mode })

  const clientOptions = {
    baseUrl: config.smd_url,
    tokenSource,
    timeoutMs: config.smd_timeout * 1000,
    maxResponseBytes: config.smd_max_response_bytes,
    userAgentVersion: deps.version,
  }
  const client = createSmdClient({ ...clientOptions, logger })
  // Bulk syncs in a child process (issue 19), from the child entry built beside the bundle; run from the sources
  // (tests) there is none, and syncs run on this thread, the same code.
  const entryUrl = new URL('./smd-sync-child.js', import.meta.url)
  const syncSource = existsSync(fileURLToPath(entryUrl)) ? createSyncProcess({ ...clientOptions, entryUrl }) : undefined
  await init()
  const inventory = createSmdInventory({
    client,
    ...(syncSource === undefined ? {} : { syncSource }),
    syncEnabled: config.smd_sync_enabled,
    syncIntervalSec: config.smd_sync_interval,
    negativeCacheTtlSec: config.smd_negative_cache_ttl,
    logger,
    clock: deps.clock,
  })
  deps.onOpened(() => inventory.close())
  // SPEC §16 Secrets: the URL is shown without its password.
  logger.info('SMD client ready', {
    baseUrl: redactUrlCredentials(client.baseUrl),
    syncEnabled: config.smd_sync_enabled,
    syncIn: syncSource === undefined ? 'main thread' : 'child process',
  })
  return { inventory, tokenSource }
}
