import { redactUrlCredentials } from '@metadata-service/core'
import { parse as parseYaml } from 'yaml'
import { lastFlag, parseStrict } from '../argv.js'
import { CliError, UsageError } from '../errors.js'
import { CONFIG_FLAG, flagName, namesOf, prefixedEnvName, SERVE_ARGS } from './flags.js'
import { CONFIG_KEYS, ConfigSchema, type Config, type ConfigKey } from './schema.js'

/** What {@link loadConfig} reads; everything injected so tests never touch the real environment. */
export interface LoadConfigInput {
  /** The `serve` arguments (after the subcommand name). */
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  /** A file's text, or `undefined` when it does not exist; other failures throw. */
  readonly readFile: (path: string) => string | undefined
}

/** The loaded configuration and what the caller should log once a logger exists. */
export interface LoadedConfig {
  /** Validated and deeply frozen (CFG-4). */
  readonly config: Config
  /** The config file read, if any. */
  readonly file: string | undefined
  /** Non-fatal problems, e.g. unknown keys in the file (CFG-3). */
  readonly warnings: readonly string[]
  /** Where each value came from: `flag --port`, `env SMD_URL`, `file <path>` or `default`. */
  readonly sources: Readonly<Record<ConfigKey, string>>
}

/**
 * Environment names the Go service's deployment guide shows but the Go service never read (its `viper` binds only
 * `METADATA_SERVICE_<KEY>` and the bare SMD and TokenSmith names). They are not read here either, and a warning
 * says which name to use instead (§16: a difference explains itself where it bites).
 */
const UNREAD_GO_ENV: Readonly<Record<string, ConfigKey>> = {
  LOG_LEVEL: 'log_level',
  WIREGUARD_SERVER: 'wireguard_server',
  WIREGUARD_STATE_FILE: 'wireguard_state_file',
}

/** Keys whose values are never shown (SEC-4). */
export const SECRET_KEYS: readonly ConfigKey[] = CONFIG_KEYS.filter(([, info]) => info.secret === true).map(([key]) => key)

/**
 * Loads the `serve` configuration (CFG-1..CFG-4): explicit flag > env > systemd credential > config file > default.
 * A flag counts only when it is on the command line, so a config-file value beats an unchanged flag default. A
 * secret key (`smd_jwt`, …) is also read from the file of that name in `$CREDENTIALS_DIRECTORY` when systemd passes
 * one (`LoadCredential=`, deploy/metadata-service.service), so secrets stay out of unit files and environments.
 *
 * Throws a UsageError (exit 2) for an unknown flag or any invalid value, listing every problem as
 * `invalid value for <key>: <detail>` (one per line); a CliError (exit 1) when a config file cannot be read.
 */
export function loadConfig(input: LoadConfigInput): LoadedConfig {
  const flags = parseStrict(input.argv, SERVE_ARGS)
  const env = (name: string) => nonEmpty(input.env[name])
  const { file, values: fileValues, warnings: fileWarnings } = readConfigFile(lastFlag(flags, CONFIG_FLAG), input)
  const warnings = [
    ...fileWarnings,
    ...Object.entries(UNREAD_GO_ENV)
      .filter(([name]) => env(name) !== undefined)
      .map(([name, key]) => `environment variable ${name} is not read (nor was it by the Go service); set ${prefixedEnvName(key)} or --${flagName(key)}`),
  ]
  const credential = credentialReader(input)

  const raw: Record<string, unknown> = {}
  const sources = {} as Record<ConfigKey, string>
  for (const [key, info] of CONFIG_KEYS) {
    const names = namesOf(key, info.aliases)
    const candidates: (readonly [string, () => unknown])[] = [
      ...(info.noFlag === true ? [] : names.map((n) => [`flag --${flagName(n)}`, () => lastFlag(flags, flagName(n))] as const)),
      ...[...names.map(prefixedEnvName), ...(info.env ?? [])].map((n) => [`env ${n}`, () => env(n)] as const),
      ...(info.secret === true ? [[`credential ${key}`, () => credential(key)] as const] : []),
      ...names.map((n) => [`file ${file}`, () => fileValues[n]] as const),
    ]
    sources[key] = 'default'
    for (const [source, read] of candidates) {
      const value = read()
      if (value === undefined || value === null) continue
      raw[key] = value
      sources[key] = source
      break
    }
  }

  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as ConfigKey
      return `invalid value for ${key}: ${issue.message} (from ${sources[key]})`
    })
    throw new UsageError([...new Set(problems)].join('\n'))
  }
  // `debug` is shorthand for log_level debug (CFG-4).
  const config = parsed.data.debug ? { ...parsed.data, log_level: 'debug' as const } : parsed.data
  return { config: deepFreeze(config), file, warnings, sources }
}

/**
 * A copy of `config` with every secret shown as `***` (SEC-4; empty secrets stay empty) and every URL without the
 * password inside it (`smd_url`, `database_url`, `tokensmith_url`, `auth_jwks_url`, `public_url`: SPEC §16 Secrets).
 */
export function redactConfig(config: Config): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config }
  for (const [key, value] of Object.entries(copy)) if (typeof value === 'string') copy[key] = redactUrlCredentials(value)
  for (const key of SECRET_KEYS) if (copy[key] !== '') copy[key] = '***'
  return copy
}

// --- internal ---

const KNOWN_FILE_KEYS: ReadonlySet<string> = new Set(CONFIG_KEYS.flatMap(([key, info]) => namesOf(key, info.aliases)))

function readConfigFile(
  flagPath: string | undefined,
  input: LoadConfigInput,
): { file: string | undefined; values: Record<string, unknown>; warnings: string[] } {
  const explicit = flagPath ?? nonEmpty(input.env.METADATA_SERVICE_CONFIG)
  const xdg = nonEmpty(input.env.XDG_CONFIG_HOME) ?? (input.env.HOME ? `${input.env.HOME}/.config` : undefined)
  const candidates = explicit === undefined
    ? ['./config.yaml', '/etc/metadata-service/config.yaml', ...(xdg ? [`${xdg}/metadata-service/config.yaml`] : [])]
    : [explicit]

  for (const path of candidates) {
    let text: string | undefined
    try {
      text = input.readFile(path)
    } catch (err) {
      throw new CliError(`cannot read config file ${path}: ${(err as Error).message}`, undefined, { cause: err })
    }
    if (text === undefined) continue
    let doc: unknown
    try {
      doc = parseYaml(text)
    } catch (err) {
      throw new UsageError(`invalid config file ${path}: ${(err as Error).message}`, { cause: err })
    }
    if (doc === null || doc === undefined) return { file: path, values: {}, warnings: [] }
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      throw new UsageError(`invalid config file ${path}: expected a mapping of config keys`)
    }
    const values = doc as Record<string, unknown>
    const warnings = Object.keys(values)
      .filter((key) => !KNOWN_FILE_KEYS.has(key))
      .map((key) => `unknown config key ${key} in ${path}`)
    return { file: path, values, warnings }
  }
  if (explicit !== undefined) throw new UsageError(`cannot read config file ${explicit}: file not found`)
  return { file: undefined, values: {}, warnings: [] }
}

/** The text of systemd credential `name` (trailing newline dropped), or undefined without one. */
function credentialReader(input: LoadConfigInput): (name: string) => string | undefined {
  const dir = nonEmpty(input.env.CREDENTIALS_DIRECTORY)
  return (name) => {
    if (dir === undefined) return undefined
    const path = `${dir}/${name}`
    try {
      return nonEmpty(input.readFile(path)?.replace(/\r?\n$/, ''))
    } catch (err) {
      throw new CliError(`cannot read credential ${name} (${path}): ${(err as Error).message}`, undefined, { cause: err })
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
