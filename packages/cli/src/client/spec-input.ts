import { parse as parseYaml } from 'yaml'
import { UsageError } from '../errors.js'
import type { CliIo } from '../io.js'

/**
 * The value of a JSON-taking flag (`--spec`, `--json-patch`; issue 17): the JSON or YAML text itself, `@<file>` for
 * a file's contents, or `-` for standard input. When the flag is absent, standard input is read if it is not a
 * terminal (CLI-3); `undefined` means there was nothing to read.
 *
 * Throws a UsageError (exit 2, CLI-7) that says what to fix: `invalid --spec JSON: <detail>` for broken JSON
 * (AT-47), a hint to use `@<file>` when a file name was passed as the value, `cannot read --spec @<file>: …`.
 */
export async function readDocumentFlag(flag: string, given: string | undefined, io: CliIo): Promise<unknown> {
  if (given === undefined) {
    if (io.stdinIsTty) return undefined
    const text = await io.readStdin()
    return text.trim() === '' ? undefined : parseDocument(flag, text, io)
  }
  if (given === '-') return parseDocument(flag, await io.readStdin(), io)
  if (given.startsWith('@')) {
    const path = given.slice(1)
    let text: string | undefined
    try {
      text = io.readFile(path)
    } catch (err) {
      throw new UsageError(`cannot read --${flag} @${path}: ${(err as Error).message}`, { cause: err })
    }
    if (text === undefined) throw new UsageError(`cannot read --${flag} @${path}: no such file`)
    return parseDocument(flag, text, io)
  }
  return parseDocument(flag, given, io)
}

// --- internal ---

function parseDocument(flag: string, text: string, io: CliIo): unknown {
  const trimmed = text.trim()
  if (trimmed === '') throw new UsageError(`--${flag} is empty: pass JSON or YAML, @<file>, or - for standard input`)
  let jsonError: Error
  try {
    return JSON.parse(trimmed) as unknown
  } catch (err) {
    jsonError = err as Error
  }
  if (looksLikeFileName(trimmed, io)) {
    throw new UsageError(`--${flag} takes the JSON or YAML itself, not a file name: to read ${trimmed}, pass --${flag} @${trimmed}`)
  }
  const jsonLike = trimmed.startsWith('{') || trimmed.startsWith('[')
  let yaml: unknown
  try {
    yaml = parseYaml(trimmed) as unknown
  } catch (err) {
    if (jsonLike) throw new UsageError(`invalid --${flag} JSON: ${jsonError.message}`, { cause: jsonError })
    throw new UsageError(`invalid --${flag}: neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
  if (typeof yaml === 'object' && yaml !== null) return yaml
  if (jsonLike) throw new UsageError(`invalid --${flag} JSON: ${jsonError.message}`, { cause: jsonError })
  throw new UsageError(`invalid --${flag}: expected a JSON or YAML object, got ${JSON.stringify(trimmed.slice(0, 60))}`)
}

/** One word that names an existing file, or ends like a JSON/YAML file name. */
function looksLikeFileName(text: string, io: CliIo): boolean {
  if (/\s/.test(text) || /^[{["']/.test(text)) return false
  if (/\.(json|ya?ml)$/i.test(text)) return true
  try {
    return io.readFile(text) !== undefined
  } catch {
    // a directory or unreadable: still a path someone typed
    return true
  }
}
