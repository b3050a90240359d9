import { parse as parseYaml } from 'yaml'
import { CliError } from '../errors.js'
import { CLIENT_CONFIG_NAME } from './client-flags.js'

/** The values of a client config file, by key, as written (strings, numbers or booleans). */
export type ClientFileValues = Readonly<Record<string, unknown>>

/** A client config file that was read. */
export interface ClientFile {
  readonly path: string
  readonly values: ClientFileValues
  /** Unknown keys, each as a sentence for a warning. */
  readonly warnings: readonly string[]
}

/**
 * The keys the Go client reads from its file (viper, keys case-insensitive): `server`, `output`, `timeout`, `token`,
 * `log-level`, `version` (the API version) and `show-token` (accepted; tokens are never shown here).
 */
export const CLIENT_FILE_KEYS: readonly string[] = ['server', 'output', 'timeout', 'token', 'log-level', 'version', 'show-token']

/**
 * Reads the client's config file: `explicit` (`--config`) when given, which must exist; else the first of
 * `$HOME/.metadata_service-cli.yaml`, `.yml`, `.json` or without extension, as the Go client finds it. YAML (JSON is
 * YAML). Returns `undefined` when no file was named and none exists. Throws a CliError (exit 1) for a named file
 * that is missing or unreadable, or any file that is not a YAML mapping.
 */
export function readClientFile(
  explicit: string | undefined,
  home: string | undefined,
  readFile: (path: string) => string | undefined,
): ClientFile | undefined {
  const candidates =
    explicit !== undefined
      ? [explicit]
      : home === undefined || home === ''
        ? []
        : ['.yaml', '.yml', '.json', ''].map((ext) => `${home.replace(/\/+$/, '')}/${CLIENT_CONFIG_NAME}${ext}`)
  for (const path of candidates) {
    let text: string | undefined
    try {
      text = readFile(path)
    } catch (err) {
      throw new CliError(`cannot read client config file ${path}: ${(err as Error).message}`, undefined, { cause: err })
    }
    if (text === undefined) continue
    return parse(path, text)
  }
  if (explicit !== undefined) throw new CliError(`cannot read client config file ${explicit} (--config): no such file`)
  return undefined
}

// --- internal ---

function parse(path: string, text: string): ClientFile {
  let doc: unknown
  try {
    doc = text.trim() === '' ? {} : (parseYaml(text) as unknown)
  } catch (err) {
    throw new CliError(`client config file ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, undefined, {
      cause: err,
    })
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new CliError(`client config file ${path} must be a YAML mapping of keys (${CLIENT_FILE_KEYS.join(', ')})`)
  }
  const values: Record<string, unknown> = {}
  const warnings: string[] = []
  for (const [key, value] of Object.entries(doc)) {
    const known = key.toLowerCase()
    if (CLIENT_FILE_KEYS.includes(known)) values[known] = value
    else warnings.push(`${path}: unknown key ${JSON.stringify(key)} ignored (known: ${CLIENT_FILE_KEYS.join(', ')})`)
  }
  return { path, values, warnings }
}
