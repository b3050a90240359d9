import { join, resolve } from 'node:path'
import type { ArgsDef, CommandDef } from 'citty'
import { inspectDataDir, openFileStore, readFileSeedTokenState } from '@metadata-service/adapter-fs'
import { importSeedTokenState, openPostgresStore } from '@metadata-service/adapter-postgres'
import { readGoStateFile } from '@metadata-service/adapter-wireguard'
import { copyResources, silentLogger } from '@metadata-service/core'
import { lastFlag, type StrictArgs } from '../argv.js'
import { CliError, EXIT_FAILURE, UsageError } from '../errors.js'
import { migrateCheckReport } from '../output/migrate-check-report.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `migrate --from-dir <data_dir> --to <postgres url>`: copies a file store into PostgreSQL so replicas can share it.
 * Idempotent (see `copyResources`); takes the data directory's lock, so stop the file-store server first. Prints one
 * line per kind, then one for the seed tokens (SEED: the secret and epochs go along, so every node keeps its seed
 * URL); exits 1 when any resource was refused or the database already holds another seed token secret.
 *
 * `migrate --check <data dir>` (§16, issue 13): reads a data dir (the Go service's, or ours) strictly read-only and
 * prints what a start will load (see `migrateCheckReport`); exits 1 when something will not load.
 */
export function migrateCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} migrate`,
    description: 'Check a data dir before switching (--check), or copy a file store into PostgreSQL',
    examples: [
      `${PROGRAM} migrate --check /data`,
      `${PROGRAM} migrate --check /data --wireguard-state-file /data/wireguard/state.yaml`,
      `${PROGRAM} migrate --from-dir ./data --to postgres://mds@db:5432/mds`,
    ],
    args: {
      dir: { type: 'positional', required: false, description: 'With --check: the data dir to read', valueHint: 'data dir' },
      check: {
        type: 'boolean',
        description: 'Read the data dir read-only and print what will load, what is superseded, and each template\'s engine',
      },
      'wireguard-state-file': {
        type: 'string',
        description: 'With --check: the WireGuard state file to check (default <data dir>/wireguard/state.yaml)',
        valueHint: 'path',
      },
      'from-dir': { type: 'string', description: 'The data_dir to copy from (required to copy)', valueHint: 'dir' },
      to: {
        type: 'string',
        description: 'PostgreSQL URL to copy into (default: METADATA_SERVICE_DATABASE_URL)',
        valueHint: 'postgres://…',
      },
    },
    run: async (args) => {
      if (['true', '1', 'yes'].includes(lastFlag(args, 'check')?.toLowerCase() ?? '')) return check(ctx, args)
      if (args.positionals.length > 0) throw new UsageError(`unexpected argument: ${args.positionals[0]} (a data dir goes with --check)`)
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

/** `migrate --check`: reads only, never takes the lock, prints the report, exit 1 when something will not load. */
async function check(ctx: CliContext, args: StrictArgs): Promise<void> {
  const given = args.positionals[0] ?? lastFlag(args, 'from-dir')
  if (given === undefined || given.trim() === '') throw new UsageError('migrate --check needs a data dir: migrate --check <data dir>')
  const dataDir = resolve(given)
  const statePath = lastFlag(args, 'wireguard-state-file') ?? join(dataDir, 'wireguard', 'state.yaml')
  let found
  try {
    found = await inspectDataDir(dataDir)
  } catch (err) {
    throw new CliError((err as Error).message, undefined, { cause: err })
  }
  let stateText: string | undefined
  try {
    stateText = (await readGoStateFile(statePath))?.text
  } catch (err) {
    throw new CliError((err as Error).message, undefined, { cause: err })
  }
  const report = migrateCheckReport(dataDir, found, { path: statePath, text: stateText })
  ctx.io.stdout(`${report.lines.join('\n')}\n`)
  if (report.failures > 0) ctx.exitCode = EXIT_FAILURE
}

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
