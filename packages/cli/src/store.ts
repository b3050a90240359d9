import { resolve } from 'node:path'
import { openFileStore } from '@metadata-service/adapter-fs'
import { openPostgresStore } from '@metadata-service/adapter-postgres'
import { redactUrlCredentials, type Logger, type ResourceStore } from '@metadata-service/core'
import type { Config } from './config/schema.js'

/**
 * Opens the configured resource store: the JSON files in `data_dir` (taking its lock, STO-5), or the PostgreSQL
 * database at `database_url` that several replicas share (no lock: the database arbitrates every write).
 * Logs which one opened, never the database password (SEC-4).
 */
export async function openStore(config: Config, logger: Logger): Promise<ResourceStore> {
  if (config.store === 'postgres') {
    const store = await openPostgresStore({ connectionString: config.database_url, logger })
    logger.info('resource store opened', { store: 'postgres', database: redactUrlCredentials(config.database_url) })
    return store
  }
  const dataDir = resolve(config.data_dir)
  const store = await openFileStore({ dataDir, logger })
  logger.info('resource store opened', { dataDir, corruptFiles: store.problems().length })
  return store
}

