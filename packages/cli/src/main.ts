import { runCommand, type ArgsDef, type CommandDef } from 'citty'
import { shownText } from '@metadata-service/core'
import { GLOBAL_ARGS, hoistGlobalFlags } from './config/client.js'
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js'
import type { CliIo } from './io.js'
import { groupCommand, PROGRAM, type CliContext } from './commands/command.js'
import { completionCommand } from './commands/completion.js'
import { healthCommand } from './commands/health.js'
import { migrateCommand } from './commands/migrate.js'
import { RESOURCE_COMMANDS, resourceCommand } from './commands/resource.js'
import { renderCommand } from './commands/render.js'
import { seedUrlCommand } from './commands/seed-url.js'
import { serveCommand } from './commands/serve.js'
import { statusCommand } from './commands/status.js'
import { versionCommand } from './commands/version.js'
import { renderHelp } from './help.js'
import { formatVersion, VERSION_INFO } from './version-info.js'
import { dispatchServe, type Program } from './serve-dispatch.js'

/** The command tree (CLI-1), bound to one invocation's context. */
export function createMainCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return groupCommand({
    path: PROGRAM,
    description: 'NoCloud cloud-init metadata service for HPC nodes, and a client for its resource API',
    examples: [
      `${PROGRAM} serve --port 8888 --mock-smd`,
      `${PROGRAM} --server http://localhost:8888 group list`,
      `${PROGRAM} group create --spec "$(cat compute.json)" --server http://localhost:8888`,
    ],
    args: GLOBAL_ARGS,
    subCommands: {
      serve: serveCommand(ctx),
      health: healthCommand(ctx),
      version: versionCommand(ctx),
      ...Object.fromEntries(Object.entries(RESOURCE_COMMANDS).map(([name, kind]) => [name, resourceCommand(name, kind, ctx)])),
      render: renderCommand(ctx),
      status: statusCommand(ctx),
      'seed-url': seedUrlCommand(ctx),
      migrate: migrateCommand(ctx),
      completion: completionCommand(() => createMainCommand(ctx), ctx),
    },
  })
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and resolves with the exit code (CLI-7). Results go
 * to `io.stdout`, errors to `io.stderr` as `Error: <message>` (CLI-6). `serve` resolves only after shutdown.
 * `program` is the name it was invoked by (§16 CLI): `metadata-server` serves without a command, `metadata-client`
 * never serves (see `dispatchServe`).
 */
export async function runCli(argv: readonly string[], io: CliIo, program: Program = 'metadata-service'): Promise<number> {
  // The command a usage error points to for help: the deepest one named before the mistake.
  let helpPath = PROGRAM
  try {
    // §16 CLI: the root command serves, and server flags may come before `serve`.
    const { globals, rest } = hoistGlobalFlags(dispatchServe(argv, program))
    const ctx: CliContext = { io, globals, exitCode: EXIT_OK }
    const main = createMainCommand(ctx)
    const { chain, stray, unknown } = await resolveCommand(main, rest)
    const target = chain.at(-1) as CommandDef<ArgsDef>
    helpPath = String((await target.meta)?.name ?? PROGRAM)
    if (wantsHelp(rest)) {
      io.stdout(await renderHelp(target))
      return EXIT_OK
    }
    if (rest.length === 1 && (rest[0] === '--version' || rest[0] === '-v')) {
      io.stdout(formatVersion(VERSION_INFO))
      return EXIT_OK
    }
    if (stray !== undefined) throw new UsageError(`unknown flag: ${stray}`)
    if (unknown !== undefined) throw new UsageError(`unknown command: ${unknown}`)
    if ((await target.subCommands) !== undefined) {
      // A command with subcommands but none named (CLI-1): usage, exit 2.
      io.stderr(await renderHelp(target))
      return EXIT_USAGE
    }
    await runCommand(main, { rawArgs: rest })
    return ctx.exitCode
  } catch (err) {
    return report(err, io, helpPath)
  }
}

// --- internal ---

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')
}

/**
 * Follows the positional words of `args` down the command tree. Flags before the last command word are unknown:
 * the global flags were already hoisted, and group commands have none of their own.
 */
async function resolveCommand(
  main: CommandDef<ArgsDef>,
  args: readonly string[],
): Promise<{ chain: CommandDef<ArgsDef>[]; stray: string | undefined; unknown: string | undefined }> {
  const chain = [main]
  let stray: string | undefined
  let unknown: string | undefined
  for (const arg of args) {
    const current = chain.at(-1) as CommandDef<ArgsDef>
    const subCommands = (await current.subCommands) as Record<string, CommandDef<ArgsDef>> | undefined
    if (subCommands === undefined || arg === '--') break
    if (arg.startsWith('-')) {
      if (arg !== '--help' && arg !== '-h') stray ??= arg
      continue
    }
    const next = Object.hasOwn(subCommands, arg) ? subCommands[arg] : undefined
    if (next === undefined) {
      unknown = arg
      break
    }
    chain.push(next)
  }
  return { chain, stray, unknown }
}

function report(err: unknown, io: CliIo, helpPath: string): number {
  const hint = `Run '${helpPath} --help' for usage.\n`
  if (err instanceof CliError) {
    io.stderr(err.message.split('\n').map((line) => `Error: ${shownText(line)}\n`).join('') + (err instanceof UsageError ? hint : ''))
    return err.exitCode
  }
  if ((err as { name?: unknown } | undefined)?.name === 'CLIError') {
    // citty's own argument errors (e.g. a missing positional) are usage errors (CLI-7).
    io.stderr(`Error: ${shownText(stripAnsi((err as Error).message))}\n${hint}`)
    return EXIT_USAGE
  }
  io.stderr(`Error: ${shownText(err instanceof Error ? err.message : String(err))}\n`)
  return EXIT_FAILURE
}


function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;]*m/g, '')
}
