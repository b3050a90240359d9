import { resolve } from 'node:path'
import { openFileStore } from '@metadata-service/adapter-fs'
import { openPostgresStore } from '@metadata-service/adapter-postgres'
import { isMetadataError, redactUrlCredentials, type Logger, type ResourceStore } from '@metadata-service/core'
import type { Config } from './config/schema.js'
import { CliError } from './errors.js'

/** File-system failures that mean the directory itself cannot be used (as opposed to a lock held by another process). */
const UNUSABLE_DIR_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOENT', 'EISDIR', 'ENOSPC', 'EDQUOT', 'ELOOP'])

/**
 * Opens the configured resource store: the JSON files in `data_dir` (taking its lock, STO-5), or the PostgreSQL
 * database at `database_url` that several replicas share (no lock: the database arbitrates every write).
 * Logs which one opened, never the database password (SEC-4).
 */
export async function openStore(config: Config, logger: Logger): Promise<ResourceStore> {
  if (config.store === 'postgres') {
    const store = await openPostgresStore({ connectionString: config.database_url, logger })
    logger.info('resource store opened', { store: 'postgres', database: redactUrlCredentials(config.database_url) })
    reportSuperseded(store, logger)
    return store
  }
  const dataDir = resolve(config.data_dir)
  const store = await openFileStore({ dataDir, logger }).catch((err: unknown) => {
    throw unusableDataDir(dataDir, err) ?? err
  })
  logger.info('resource store opened', { dataDir, corruptFiles: store.problems().length })
  reportSuperseded(store, logger)
  return store
}

/**
 * §16 CFG data_dir: a data dir that cannot be created or written stops startup with a message naming the path and
 * the setting (the default moved to `/data`, which a checkout run without root cannot create). `undefined` for
 * other failures (a lock held by another process keeps its STO-5 text).
 */
export function unusableDataDir(dataDir: string, err: unknown): CliError | undefined {
  if (!isMetadataError(err, 'STORAGE_FAILED')) return undefined
  const code = (err.cause as NodeJS.ErrnoException | undefined)?.code
  if (code === undefined || !UNUSABLE_DIR_CODES.has(code)) return undefined
  return new CliError(
    `data directory ${dataDir} cannot be created or written (${err.message}); choose another with --data-dir ` +
      '(env METADATA_SERVICE_DATA_DIR, data_dir in the config file)',
    undefined,
    { cause: err },
  )
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

