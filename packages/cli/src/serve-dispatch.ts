import type { ArgsDef } from 'citty'
import { GLOBAL_ARGS } from './config/client.js'
import { SERVE_ARGS } from './config/flags.js'
import { UsageError } from './errors.js'

/** The names the one program is installed under (§16 CLI). */
export const PROGRAMS = ['metadata-service', 'metadata-server', 'metadata-client'] as const
export type Program = (typeof PROGRAMS)[number]

/**
 * The program an executable path names (`/usr/bin/metadata-server`, `…/.bin/metadata-client`, `metadata-server.js`),
 * `metadata-service` for any other name.
 */
export function programOf(executable: string | undefined): Program {
  const base = (executable ?? '').split(/[\\/]/).at(-1)?.replace(/\.[cm]?js$/, '') ?? ''
  return (PROGRAMS as readonly string[]).includes(base) ? (base as Program) : 'metadata-service'
}

/**
 * §16 CLI, "the root command serves", as the Go service's `metadata-server` did: rewrites `argv` so the command tree
 * sees `serve <flags>`.
 * - Server flags may come before `serve` (`--mock-smd --debug serve --port 8888`): they are moved after it.
 * - `metadata-server` without a command serves (`metadata-server --port 8888`, and bare `metadata-server`);
 *   `--version` alone stays the version.
 * - `metadata-service` without a command serves when it is given at least one server flag; bare (or with only
 *   `--help`/client flags) it prints its usage as before, since it is the client too.
 * - `metadata-client` never serves: `serve` is refused with a usage error that names the server executables.
 * Anything that names another command (`group list`, `health`) is returned unchanged.
 */
export function dispatchServe(argv: readonly string[], program: Program): string[] {
  const { command, flagsBefore, serverFlag } = scan(argv)
  if (program === 'metadata-client') {
    if (command === 'serve') throw new UsageError('metadata-client does not run the server: use metadata-server, or metadata-service serve')
    return [...argv]
  }
  if (command === 'serve') return ['serve', ...argv.slice(0, flagsBefore), ...argv.slice(flagsBefore + 1)]
  if (command !== undefined || argv.includes('--version')) return [...argv]
  if (program === 'metadata-server' || serverFlag) return ['serve', ...argv]
  return [...argv]
}

/** True when `argv` runs the server under `program` (see {@link dispatchServe}); false for a usage error. */
export function serves(argv: readonly string[], program: Program): boolean {
  try {
    return dispatchServe(argv, program)[0] === 'serve'
  } catch {
    return false
  }
}

// --- internal ---

interface Flag {
  readonly takesValue: boolean
  readonly server: boolean
}

/**
 * Every long and short flag name of `serve` and of the client globals, and whether it takes a value. A name both
 * define (say `--config`) does not count as a server flag: alone, it does not make `metadata-service` serve.
 */
const FLAGS: ReadonlyMap<string, Flag> = (() => {
  const globals = new Map(index(GLOBAL_ARGS, false))
  const serve = index(SERVE_ARGS, true).map(([name, flag]): [string, Flag] => [name, globals.has(name) ? { ...flag, server: false } : flag])
  return new Map([...globals, ...serve])
})()

function index(defs: ArgsDef, server: boolean): [string, Flag][] {
  return Object.entries(defs).flatMap(([name, def]) => {
    if (def.type === 'positional') return []
    const flag = { takesValue: def.type !== 'boolean', server }
    const aliases = 'alias' in def && def.alias !== undefined ? [def.alias].flat() : []
    return [name, ...aliases].map((n) => [n, flag] as [string, Flag])
  })
}

/**
 * The first command word of `argv` (skipping flags and their values), its index, and whether a server flag came
 * before it. `--` ends the scan.
 */
function scan(argv: readonly string[]): { command: string | undefined; flagsBefore: number; serverFlag: boolean } {
  let serverFlag = false
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string
    if (token === '--') break
    if (!token.startsWith('-') || token === '-') return { command: token, flagsBefore: i, serverFlag }
    const long = token.startsWith('--')
    const body = token.slice(long ? 2 : 1)
    const eq = body.indexOf('=')
    // `-p8888`: a single letter with its value attached.
    const name = long ? (eq === -1 ? body : body.slice(0, eq)) : body.slice(0, 1)
    const attached = long ? eq !== -1 : body.length > 1
    const negated = long && !FLAGS.has(name) && name.startsWith('no-')
    const flag = FLAGS.get(negated ? name.slice(3) : name)
    if (flag?.server === true) serverFlag = true
    // `--port 8888`: the value is not a command word. Attached values, booleans and `--no-x` carry none.
    if (flag?.takesValue === true && !attached && !negated) i++
  }
  return { command: undefined, flagsBefore: argv.length, serverFlag }
}
