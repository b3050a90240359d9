import type { ArgsDef } from 'citty'
import { UsageError } from '../errors.js'

/** Output formats of the client commands (CLI-4). */
export const OUTPUT_FORMATS = ['json', 'yaml', 'table'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** The global flags as given on the command line (before or after the subcommand, CLI-2). */
export interface GlobalFlags {
  server?: string
  output?: string
  timeout?: string
  token?: string
}

/** Settings of the client commands, resolved from the global flags and the environment. */
export interface ClientOptions {
  /** Base URL of the service, without a trailing `/`. */
  readonly server: string
  readonly output: OutputFormat
  /** Per-request deadline in milliseconds. */
  readonly timeoutMs: number
  /** Bearer token (SEC-6); never printed (SEC-4). */
  readonly token: string | undefined
}

/** Default `--server` (CLI-2). */
export const DEFAULT_SERVER = 'http://localhost:8080'
/** Default `--timeout`, in seconds (CLI-2). */
export const DEFAULT_TIMEOUT_SECONDS = 30

/** citty definitions of the global flags, shown in every client command's help. */
export const GLOBAL_ARGS = {
  server: {
    type: 'string',
    description: `Service URL (env METADATA_SERVICE_SERVER; default ${DEFAULT_SERVER})`,
    valueHint: 'url',
  },
  output: { type: 'string', alias: 'o', description: 'Output format: json, yaml or table (default table)', valueHint: 'format' },
  timeout: { type: 'string', description: `Request timeout in seconds (default ${DEFAULT_TIMEOUT_SECONDS})`, valueHint: 'seconds' },
  token: { type: 'string', description: 'Bearer token (env METADATA_SERVICE_TOKEN); never printed', valueHint: 'token' },
} as const satisfies ArgsDef

/**
 * Takes the global flags out of `argv` wherever they appear before `--`, so that
 * `metadata-service --server URL group list` and `metadata-service group list --server URL` both work (CLI-2);
 * citty only sees a command's own flags after its name. Returns the flags and the remaining arguments.
 */
export function hoistGlobalFlags(argv: readonly string[]): { globals: GlobalFlags; rest: string[] } {
  const globals: GlobalFlags = {}
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string
    if (token === '--') {
      rest.push(...argv.slice(i))
      break
    }
    const match = matchGlobal(token)
    if (match === undefined) {
      rest.push(token)
      continue
    }
    const name = match.name
    let value = match.value
    if (value === undefined) {
      const next = argv[i + 1]
      if (next === undefined) throw new UsageError(`flag --${name} requires a value`)
      value = next
      i++
    }
    globals[name] = value
  }
  return { globals, rest }
}

/**
 * Resolves the client settings: flag, else `METADATA_SERVICE_SERVER` / `METADATA_SERVICE_TOKEN`, else the default.
 * Throws a UsageError (exit 2) for a bad `--output`, `--timeout` or `--server`.
 */
export function resolveClientOptions(
  globals: GlobalFlags,
  env: Readonly<Record<string, string | undefined>>,
): ClientOptions {
  const server = (globals.server ?? nonEmpty(env.METADATA_SERVICE_SERVER) ?? DEFAULT_SERVER).replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]/i.test(server) || !URL.canParse(server)) {
    throw new UsageError(`invalid value for --server: ${JSON.stringify(server)} (expected an http or https URL)`)
  }
  const output = globals.output ?? 'table'
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    throw new UsageError(`invalid value for --output: ${JSON.stringify(output)} (expected json, yaml or table)`)
  }
  const seconds = globals.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(globals.timeout)
  if (globals.timeout?.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`invalid value for --timeout: ${JSON.stringify(globals.timeout)} (expected seconds > 0)`)
  }
  return {
    server,
    output: output as OutputFormat,
    timeoutMs: Math.round(seconds * 1000),
    token: globals.token ?? nonEmpty(env.METADATA_SERVICE_TOKEN),
  }
}

const GLOBAL_NAMES: ReadonlySet<string> = new Set(['server', 'output', 'timeout', 'token'])

function matchGlobal(token: string): { name: keyof GlobalFlags; value?: string } | undefined {
  if (token.startsWith('--')) {
    const eq = token.indexOf('=')
    const key = eq === -1 ? token.slice(2) : token.slice(2, eq)
    if (!GLOBAL_NAMES.has(key)) return undefined
    return eq === -1 ? { name: key as keyof GlobalFlags } : { name: key as keyof GlobalFlags, value: token.slice(eq + 1) }
  }
  if (token === '-o') return { name: 'output' }
  // `-ojson` and `-o=json`
  if (token.startsWith('-o')) return { name: 'output', value: token.slice(token[2] === '=' ? 3 : 2) }
  return undefined
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}
