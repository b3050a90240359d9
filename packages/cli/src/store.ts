import { resolve } from 'node:path'
import { openFileStore } from '@metadata-service/adapter-fs'
import { openPostgresStore, redactUrl } from '@metadata-service/adapter-postgres'
import type { Logger, ResourceStore } from '@metadata-service/core'
import type { Config } from './config/schema.js'

/**
 * Opens the configured resource store: the JSON files in `data_dir` (taking its lock, STO-5), or the PostgreSQL
 * database at `database_url` that several replicas share (no lock: the database arbitrates every write).
 * Logs which one opened, never the database password (SEC-4).
 */
export async function openStore(config: Config, logger: Logger): Promise<ResourceStore> {
  if (config.store === 'postgres') {
    const store = await openPostgresStore({ connectionString: config.database_url, logger })
    logger.info('resource store opened', { store: 'postgres', database: redactUrl(config.database_url) })
    reportSuperseded(store, logger)
    return store
  }
  const dataDir = resolve(config.data_dir)
  const store = await openFileStore({ dataDir, logger })
  logger.info('resource store opened', { dataDir, corruptFiles: store.problems().length })
  reportSuperseded(store, logger)
  return store
}

/**
 * §16 RES-3: one warning per name held by several resources (a data dir of the Go service keeps every version as
 * its own file), saying which one is served and which are kept but superseded. Nothing refuses to start over it.
 */
export function reportSuperseded(store: Pick<ResourceStore, 'superseded'>, logger: Logger): void {
  for (const { kind, name, served, superseded } of store.superseded()) {
    const what = kind === 'ClusterDefaults' ? 'several ClusterDefaults (one per cluster)' : `several ${kind}s named ${name}`
    logger.warn(`${what}: serving the latest, ${served}; the older ones stay stored, marked superseded`, {
      kind,
      name,
      served,
      superseded,
    })
  }
}

