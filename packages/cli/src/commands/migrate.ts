import { resolve } from 'node:path'
import type { ArgsDef, CommandDef } from 'citty'
import { openFileStore, readFileSeedTokenState } from '@metadata-service/adapter-fs'
import { importSeedTokenState, openPostgresStore } from '@metadata-service/adapter-postgres'
import { silentLogger } from '@metadata-service/core'
import { lastFlag } from '../argv.js'
import { EXIT_FAILURE, UsageError } from '../errors.js'
import { copyResources } from '../migrate-store.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `migrate --from-dir <data_dir> --to <postgres url>`: copies a file store into PostgreSQL so replicas can share it.
 * Idempotent (see `copyResources`); takes the data directory's lock, so stop the file-store server first. Prints one
 * line per kind, then one for the seed tokens (SEED: the secret and epochs go along, so every node keeps its seed
 * URL); exits 1 when any resource was refused or the database already holds another seed token secret.
 */
export function migrateCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} migrate`,
    description: 'Copy a file store (data_dir) into PostgreSQL; running it again changes nothing',
    examples: [`${PROGRAM} migrate --from-dir ./data --to postgres://mds@db:5432/mds`],
    args: {
      'from-dir': { type: 'string', description: 'The data_dir to copy from (required)', valueHint: 'dir' },
      to: {
        type: 'string',
        description: 'PostgreSQL URL to copy into (default: METADATA_SERVICE_DATABASE_URL)',
        valueHint: 'postgres://…',
      },
    },
    run: async (args) => {
      const fromDir = lastFlag(args, 'from-dir')
      const to = lastFlag(args, 'to') ?? ctx.io.env.METADATA_SERVICE_DATABASE_URL
      if (fromDir === undefined || fromDir.trim() === '') throw new UsageError('migrate needs --from-dir <data_dir>')
      if (to === undefined || to.trim() === '') throw new UsageError('migrate needs --to <postgres url>')
      const source = await openFileStore({ dataDir: resolve(fromDir), logger: silentLogger })
      try {
        const target = await openPostgresStore({ connectionString: to, logger: silentLogger })
        try {
          for (const problem of source.problems()) ctx.io.stderr(`skipped unloadable ${problem.location}: ${problem.reason}\n`)
          for (const counts of await copyResources(source, target)) {
            const { kind, created, updated, unchanged, failed } = counts
            ctx.io.stdout(`${kind}: ${created} created, ${updated} updated, ${unchanged} unchanged, ${failed.length} failed\n`)
            for (const line of failed) ctx.io.stderr(`failed ${line}\n`)
            if (failed.length > 0) ctx.exitCode = EXIT_FAILURE
          }
          await migrateSeedTokens(ctx, resolve(fromDir), to)
        } finally {
          await target.close()
        }
      } finally {
        await source.close()
      }
    },
  })
}

// --- internal ---

/** SEED: the data directory's seed token secret and epochs into the database (see `importSeedTokenState`). */
async function migrateSeedTokens(ctx: CliContext, dataDir: string, to: string): Promise<void> {
  const state = await readFileSeedTokenState(dataDir)
  if (state === undefined) {
    ctx.io.stdout('Seed tokens: none in the data directory\n')
    return
  }
  const outcome = await importSeedTokenState({ connectionString: to, logger: silentLogger, state })
  if (outcome !== 'conflict') {
    ctx.io.stdout(`Seed tokens: ${outcome === 'copied' ? 'secret and epochs copied' : 'unchanged'}\n`)
    return
  }
  ctx.io.stderr(
    'failed seed tokens: the database already holds another seed token secret (a replica started on it before this ' +
      "migration made one); keeping it would change every node's seed URL. Stop the replicas, run " +
      "'DELETE FROM seed_tokens; DELETE FROM seed_token_epochs;' on the database and migrate again, or keep the " +
      "database's secret and hand out the new seed URLs (metadata-service seed-url)\n",
  )
  ctx.exitCode = EXIT_FAILURE
}
