import type { ClientLog } from '../client/client-log.js'

/**
 * The texts of the `status.warnings` of a resource the server returned, or none when the field is absent or not an
 * array (issue 17: e.g. a template cloud-init would ignore is stored with a warning, never silently). The server
 * writes each warning as `{code, message}` (Group status, TPL-8); a plain string is taken as its own message. Works
 * for any kind.
 */
export function statusWarnings(resource: unknown): string[] {
  if (typeof resource !== 'object' || resource === null) return []
  const status = (resource as { status?: unknown }).status
  if (typeof status !== 'object' || status === null) return []
  const warnings = (status as { warnings?: unknown }).warnings
  return Array.isArray(warnings) ? warnings.flatMap(warningText) : []
}

/**
 * Prints the status warnings of a resource just written (create, update, patch) on stderr as
 * `Warning: <Kind> <name>: <text>`, whatever the output format, so a script piping JSON still sees them.
 */
export function reportStatusWarnings(resource: unknown, log: ClientLog): void {
  const warnings = statusWarnings(resource)
  if (warnings.length === 0) return
  const { kind, metadata } = resource as { kind?: unknown; metadata?: { name?: unknown } }
  const label = [kind, metadata?.name].filter((part) => typeof part === 'string' && part !== '').join(' ')
  for (const warning of warnings) log.warn(label === '' ? warning : `${label}: ${warning}`)
}

// --- internal ---

function warningText(warning: unknown): string[] {
  if (typeof warning === 'string') return [warning]
  const message = (warning as { message?: unknown } | null)?.message
  return typeof message === 'string' ? [message] : []
}
