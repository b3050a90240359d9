import { resolve } from 'node:path'
import { openFileSeedTokenStore } from '@metadata-service/adapter-fs'
import { openPostgresSeedTokenStore } from '@metadata-service/adapter-postgres'
import {
  createSeedTokenAdmin,
  createSeedTokens,
  type InstrumentedNoCloudService,
  type Inventory,
  type Logger,
  type ResourceStore,
  type SeedTokenAdmin,
  type SeedTokenStore,
  type SeedTokens,
} from '@metadata-service/core'
import type { Config } from './config/schema.js'

/**
 * Opens the seed token store (SEED) of a serving process that owns the stores (the single server or the
 * `--workers` primary): none with `seed_tokens: off`; with `store: file` the secret and epochs in
 * `<data_dir>/seed-tokens/` (after `openStore` took the data-directory lock); with `store: postgres` the rows every
 * replica shares. Logs which, never the secret (SEC-4).
 */
export async function openSeedTokenStore(config: Config, logger: Logger): Promise<SeedTokenStore | undefined> {
  if (config.seed_tokens === 'off') return undefined
  const store =
    config.store === 'postgres'
      ? await openPostgresSeedTokenStore({ connectionString: config.database_url, logger })
      : await openFileSeedTokenStore({ dataDir: resolve(config.data_dir) })
  logger.info('seed tokens on', { mode: config.seed_tokens, bindAddress: config.seed_tokens_bind_address, store: config.store })
  return store
}

/** A serving process's seed tokens: identification on the NoCloud path, and the admin API's use cases. */
export interface ServedSeedTokens {
  readonly seeds: SeedTokens
  readonly admin: SeedTokenAdmin
}

/**
 * The seed token service over `seedStore` (absent: `seed_tokens: off`, nothing), resolving addresses as the NoCloud
 * service does (ID-4, tunnel addresses first) for `seed_tokens_bind_address`.
 */
export function seedTokensFor(
  config: Config,
  parts: {
    readonly seedStore: SeedTokenStore | undefined
    readonly inventory: Inventory
    readonly store: ResourceStore
    readonly nocloud: InstrumentedNoCloudService
    readonly logger: Logger
  },
): ServedSeedTokens | undefined {
  if (parts.seedStore === undefined || config.seed_tokens === 'off') return undefined
  const seeds = createSeedTokens({
    store: parts.seedStore,
    inventory: parts.inventory,
    logger: parts.logger,
    policy: { mode: config.seed_tokens, bindAddress: config.seed_tokens_bind_address },
    resolveAddress: (address) => parts.nocloud.resolveNode(address),
  })
  const admin = createSeedTokenAdmin({ seeds, inventory: parts.inventory, store: parts.store, publicUrl: config.public_url })
  return { seeds, admin }
}
