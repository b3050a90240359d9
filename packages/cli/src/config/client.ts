import { parseDurationSeconds } from '@metadata-service/core'
import { createClientLog, parseClientLogLevel, type ClientLog, type ClientLogLevel } from '../client/client-log.js'
import type { CliIo } from '../io.js'
import { UsageError } from '../errors.js'
import { readClientFile, type ClientFile } from './client-file.js'
import { API_VERSION_PATTERN, CLIENT_CONFIG_NAME, DEFAULT_SERVER, DEFAULT_TIMEOUT_SECONDS, type GlobalFlags } from './client-flags.js'

export { DEFAULT_SERVER, DEFAULT_TIMEOUT_SECONDS, GLOBAL_ARGS, hoistGlobalFlags, type GlobalFlags } from './client-flags.js'

/** Output formats of the client commands (CLI-4). */
export const OUTPUT_FORMATS = ['json', 'yaml', 'table'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** Settings of the client commands, resolved from the flags, the environment and the client config file. */
export interface ClientOptions {
  /** Base URL of the service, without a trailing `/`. */
  readonly server: string
  /** Where `server` came from: `--server`, `METADATA_SERVICE_SERVER`, `<file>`, or `default`. */
  readonly serverSource: string
  readonly output: OutputFormat
  /** Per-request deadline in milliseconds. */
  readonly timeoutMs: number
  /** Bearer token (SEC-6); never printed (SEC-4). */
  readonly token: string | undefined
  /** Sent as `Accept: application/json;version=<v>` when set. */
  readonly apiVersion: string | undefined
  /** Diagnostics on stderr at the chosen `-l/--log-level`. */
  readonly log: ClientLog
}

/**
 * Resolves the client settings, each from the first of: flag, environment, client config file (`--config`, else
 * `~/.metadata_service-cli.yaml` as the Go client reads it), default (issue 17):
 * - server: `--server`, `METADATA_SERVICE_SERVER`, `METADATA_SERVER` (the Go client's docs), `server:`, else
 *   `http://localhost:8080` with a warning on stderr saying so, so a forgotten setting never goes unnoticed;
 * - output: `-o`, `METADATA_SERVICE_OUTPUT`, `output:`, else `table` on a terminal and `json` otherwise;
 * - timeout (seconds or a duration such as `2m`), token and API version likewise (`METADATA_SERVICE_TIMEOUT`,
 *   `METADATA_SERVICE_TOKEN`, `METADATA_SERVICE_VERSION`); log level from `-l`, `log-level:`, else `warn`, at
 *   least `info` with `-v`.
 *
 * Throws a UsageError (exit 2) naming the flag, variable or file of a bad value; a CliError (exit 1) for a client
 * config file that cannot be read.
 */
export function resolveClientOptions(globals: GlobalFlags, io: CliIo): ClientOptions {
  const file = readClientFile(globals.config, io.env.HOME, io.readFile)
  const log = createClientLog(logLevel(globals, file), io.stderr)
  if (file !== undefined) log.debug(`* Using config file ${file.path}`)
  for (const warning of file?.warnings ?? []) log.warn(warning)

  const pick = (flag: string | undefined, flagName: string, envNames: readonly string[], key: string) =>
    firstValue(flag, flagName, envNames, key, io, file)

  const serverValue = pick(globals.server, '--server', ['METADATA_SERVICE_SERVER', 'METADATA_SERVER'], 'server')
  const server = (serverValue?.value ?? DEFAULT_SERVER).replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]/i.test(server) || !URL.canParse(server)) {
    throw new UsageError(`invalid value for ${serverValue?.label ?? '--server'}: ${JSON.stringify(server)} (expected an http or https URL)`)
  }

  const outputValue = pick(globals.output, '--output', ['METADATA_SERVICE_OUTPUT'], 'output')
  const output = outputValue?.value ?? (io.stdoutIsTty ? 'table' : 'json')
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    throw new UsageError(`invalid value for ${outputValue?.label}: ${JSON.stringify(output)} (expected json, yaml or table)`)
  }

  const timeoutValue = pick(globals.timeout, '--timeout', ['METADATA_SERVICE_TIMEOUT'], 'timeout')
  const seconds = timeoutValue === undefined ? DEFAULT_TIMEOUT_SECONDS : parseDurationSeconds(timeoutValue.value)
  if (seconds === undefined || seconds <= 0) {
    throw new UsageError(
      `invalid value for ${timeoutValue?.label}: ${JSON.stringify(timeoutValue?.value)} (expected seconds > 0, or a duration such as 30s or 2m)`,
    )
  }

  const apiValue = pick(globals.apiVersion, '--api-version', ['METADATA_SERVICE_VERSION'], 'version')
  if (apiValue !== undefined && !API_VERSION_PATTERN.test(apiValue.value)) {
    throw new UsageError(`invalid value for ${apiValue.label}: ${JSON.stringify(apiValue.value)} (expected an API version such as v1)`)
  }

  if (serverValue === undefined) {
    log.warn(
      `no server configured (--server, METADATA_SERVICE_SERVER, or "server:" in ~/${CLIENT_CONFIG_NAME}.yaml); using ${DEFAULT_SERVER}`,
    )
  }
  const serverSource = serverValue?.label ?? 'default'
  log.info(`* Server ${server} (from ${serverSource})`)
  return {
    server,
    serverSource,
    output: output as OutputFormat,
    timeoutMs: Math.round(seconds * 1000),
    token: pick(globals.token, '--token', ['METADATA_SERVICE_TOKEN'], 'token')?.value,
    apiVersion: apiValue?.value,
    log,
  }
}

/** The format `version` prints in: `-o` when given, else its text (`table`), whatever stdout is. */
export function resolveVersionFormat(globals: GlobalFlags): OutputFormat {
  const output = globals.output ?? 'table'
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    throw new UsageError(`invalid value for --output: ${JSON.stringify(output)} (expected json, yaml or table)`)
  }
  return output as OutputFormat
}

// --- internal ---

interface SourcedValue {
  readonly value: string
  /** Where it came from, for messages: `--server`, `METADATA_SERVICE_SERVER`, `server in <file>`. */
  readonly label: string
}

function firstValue(
  flag: string | undefined,
  flagName: string,
  envNames: readonly string[],
  key: string,
  io: CliIo,
  file: ClientFile | undefined,
): SourcedValue | undefined {
  if (flag !== undefined) return { value: flag, label: flagName }
  for (const name of envNames) {
    const value = io.env[name]
    if (value !== undefined && value.trim() !== '') return { value, label: name }
  }
  const value = file?.values[key]
  if (value === undefined || value === null) return undefined
  const label = `${key} in ${file?.path}`
  if (typeof value === 'object') throw new UsageError(`invalid value for ${label}: expected a single value, got ${JSON.stringify(value)}`)
  return { value: String(value), label }
}

function logLevel(globals: GlobalFlags, file: ClientFile | undefined): ClientLogLevel {
  const fromFile = file?.values['log-level']
  const given = globals.logLevel ?? (fromFile === undefined || fromFile === null ? undefined : String(fromFile))
  const label = globals.logLevel !== undefined ? '--log-level' : `log-level in ${file?.path}`
  const level = given === undefined ? 'warn' : parseClientLogLevel(given)
  if (level === undefined) {
    throw new UsageError(`invalid value for ${label}: ${JSON.stringify(given)} (expected error, warn, info or debug)`)
  }
  return globals.verbose === true && (level === 'warn' || level === 'error') ? 'info' : level
}
