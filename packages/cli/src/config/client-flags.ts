import type { ArgsDef } from 'citty'
import { UsageError } from '../errors.js'
import { RESOURCE_COMMANDS } from '../commands/resource-kinds.js'

/** The global flags of the client commands as given on the command line (before or after the subcommand, CLI-2). */
export interface GlobalFlags {
  server?: string
  output?: string
  timeout?: string
  token?: string
  /** The client's own config file (not `serve --config`). */
  config?: string
  logLevel?: string
  verbose?: boolean
  /** Sent as `Accept: application/json;version=<v>`, as the Go client's `--version`/`-v <v>` did. */
  apiVersion?: string
}

/**
 * The commands that talk to a server and take every client flag. `version` takes only `-o`; every other command
 * (`serve`, `migrate`, `completion`) parses its own flags, so `serve --config` stays the server's config file.
 */
export const CLIENT_COMMANDS: ReadonlySet<string> = new Set(['health', 'render', 'status', 'seed-url', ...Object.keys(RESOURCE_COMMANDS)])

/** Default `--server` (CLI-2). */
export const DEFAULT_SERVER = 'http://localhost:8080'
/** Default `--timeout`, in seconds (CLI-2). */
export const DEFAULT_TIMEOUT_SECONDS = 30
/** Where the Go client reads its config file, relative to `$HOME` (viper: `.metadata_service-cli` + extension). */
export const CLIENT_CONFIG_NAME = '.metadata_service-cli'
/** An API version as the Go client takes it: `v1`, `v2beta1`. */
export const API_VERSION_PATTERN = /^v\d+(?:(?:alpha|beta)\d*)?$/

/** The `-o` flag alone: `version` takes it. */
export const OUTPUT_ARG = {
  output: {
    type: 'string',
    alias: 'o',
    description: 'json, yaml or table (default: table on a terminal, json otherwise)',
    valueHint: 'format',
  },
} as const satisfies ArgsDef

/** citty definitions of the client's global flags, shown in every client command's help. */
export const GLOBAL_ARGS = {
  server: {
    type: 'string',
    description: `Service URL (env METADATA_SERVICE_SERVER, else "server:" in ~/${CLIENT_CONFIG_NAME}.yaml; default ${DEFAULT_SERVER})`,
    valueHint: 'url',
  },
  ...OUTPUT_ARG,
  timeout: {
    type: 'string',
    description: `Per-request timeout: seconds, or a duration such as 2m (default ${DEFAULT_TIMEOUT_SECONDS})`,
    valueHint: 'duration',
  },
  token: { type: 'string', description: 'Bearer token (env METADATA_SERVICE_TOKEN); never printed', valueHint: 'token' },
  config: {
    type: 'string',
    description: `Client config file (YAML: server, output, timeout, token, log-level; default ~/${CLIENT_CONFIG_NAME}.yaml)`,
    valueHint: 'file',
  },
  'log-level': {
    type: 'string',
    alias: 'l',
    description: 'What to say on stderr: error, warn (default), info (as -v) or debug (also the headers)',
    valueHint: 'level',
  },
  verbose: { type: 'boolean', alias: 'v', description: 'Say which server answered each request, and how (same as -l info)' },
  'api-version': {
    type: 'string',
    description: 'API version to ask for, e.g. v1 (also spelled --version <v>, as the Go client does)',
    valueHint: 'version',
  },
} as const satisfies ArgsDef

/**
 * Takes the global flags out of `argv` wherever they appear before `--`, so that
 * `metadata-service --server URL group list` and `metadata-service group list --server URL` both work (CLI-2);
 * citty only sees a command's own flags after its name. Which flags are global depends on the command (the first
 * word that is not a flag): every client flag for {@link CLIENT_COMMANDS}, `-o` for `version`, none otherwise.
 * Returns the flags and the remaining arguments.
 */
export function hoistGlobalFlags(argv: readonly string[]): { globals: GlobalFlags; rest: string[] } {
  const command = commandWord(argv)
  const accepted = command === undefined ? NONE : CLIENT_COMMANDS.has(command) ? ALL : command === 'version' ? OUTPUT_ONLY : NONE
  const globals: GlobalFlags = {}
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string
    if (token === '--') {
      rest.push(...argv.slice(i))
      break
    }
    const match = matchGlobal(token, argv[i + 1])
    if (match === undefined || !accepted.has(match.name)) {
      rest.push(token)
      continue
    }
    i += match.consumed
    if (match.name === 'verbose') {
      globals.verbose = parseBoolean(match.value)
      continue
    }
    if (match.value === undefined) throw new UsageError(missingValue(match.flag))
    globals[match.name] = match.value
  }
  return { globals, rest }
}

// --- internal ---

type GlobalName = keyof GlobalFlags

const ALL: ReadonlySet<GlobalName> = new Set<GlobalName>([
  'server',
  'output',
  'timeout',
  'token',
  'config',
  'logLevel',
  'verbose',
  'apiVersion',
])
const OUTPUT_ONLY: ReadonlySet<GlobalName> = new Set<GlobalName>(['output'])
const NONE: ReadonlySet<GlobalName> = new Set<GlobalName>()

const LONG_NAMES: Readonly<Record<string, GlobalName>> = {
  server: 'server',
  output: 'output',
  timeout: 'timeout',
  token: 'token',
  config: 'config',
  'log-level': 'logLevel',
  verbose: 'verbose',
  'api-version': 'apiVersion',
  version: 'apiVersion',
}
const SHORT_NAMES: Readonly<Record<string, GlobalName>> = { o: 'output', l: 'logLevel' }

interface GlobalMatch {
  readonly name: GlobalName
  /** As written, for messages: `--server`, `-o`. */
  readonly flag: string
  readonly value: string | undefined
  /** How many following arguments the value took (0 or 1). */
  readonly consumed: number
}

/** Recognises one global flag at `token`; `next` is the argument after it (a separate value). */
function matchGlobal(token: string, next: string | undefined): GlobalMatch | undefined {
  if (token === '-v') {
    // The Go client's `-v` was `--version <api version>`; here `-v` is verbose (issue 17) unless an API version
    // such as `v1` follows it, so upstream scripts keep working.
    return next !== undefined && API_VERSION_PATTERN.test(next)
      ? { name: 'apiVersion', flag: '-v', value: next, consumed: 1 }
      : { name: 'verbose', flag: '-v', value: undefined, consumed: 0 }
  }
  if (token.startsWith('--')) {
    const eq = token.indexOf('=')
    const key = eq === -1 ? token.slice(2) : token.slice(2, eq)
    const name = Object.hasOwn(LONG_NAMES, key) ? LONG_NAMES[key] : undefined
    if (name === undefined) return undefined
    const flag = `--${key}`
    if (eq !== -1) return { name, flag, value: token.slice(eq + 1), consumed: 0 }
    if (name === 'verbose') return { name, flag, value: undefined, consumed: 0 }
    // `--version` takes the next word only when it is an API version: `--version group list` is a mistake to report.
    if (key === 'version' && (next === undefined || !API_VERSION_PATTERN.test(next))) return { name, flag, value: undefined, consumed: 0 }
    return { name, flag, value: next, consumed: next === undefined ? 0 : 1 }
  }
  const short = /^-([a-z])(=?)(.*)$/.exec(token)
  const name = short === null ? undefined : SHORT_NAMES[short[1] as string]
  if (short === null || name === undefined) return undefined
  const flag = `-${short[1]}`
  // `-ojson`, `-o=json`, `-o json`
  if (short[2] === '=' || short[3] !== '') return { name, flag, value: short[3], consumed: 0 }
  return { name, flag, value: next, consumed: next === undefined ? 0 : 1 }
}

/** The first argument that is neither a flag nor a global flag's value: the command being run. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string
    if (token === '--') return undefined
    if (!token.startsWith('-')) return token
    const match = matchGlobal(token, argv[i + 1])
    if (match !== undefined) i += match.consumed
  }
  return undefined
}

function parseBoolean(value: string | undefined): boolean {
  if (value === undefined || /^(true|1|yes)$/i.test(value)) return true
  if (/^(false|0|no)$/i.test(value)) return false
  throw new UsageError(`invalid value for --verbose: ${JSON.stringify(value)} (expected true or false)`)
}

function missingValue(flag: string): string {
  if (flag === '--version') {
    return "flag --version requires a value: the API version, e.g. v1 (to print this program's version, run 'metadata-service version')"
  }
  return `flag ${flag.startsWith('--') ? flag : LONG_FORM[flag] ?? flag} requires a value`
}

const LONG_FORM: Readonly<Record<string, string>> = { '-o': '--output', '-l': '--log-level' }
