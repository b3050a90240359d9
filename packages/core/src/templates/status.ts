import { createHash } from 'node:crypto'
import type { GroupSpec, GroupStatus, TemplateHistoryEntry } from '../domain/group.js'
import type { TemplateValidation } from './validate.js'

/** TPL-8: at most this many `templateHistory` entries are kept, the newest last. */
const HISTORY_LIMIT = 10

/** SHA-256 of the template text (UTF-8), lower-case hex (TPL-8 `templateHash`). */
function templateHash(template: string): string {
  return createHash('sha256').update(template, 'utf8').digest('hex')
}

/**
 * The Group status to store after an accepted create, update or patch (TPL-8).
 *
 * Sets `valid: true`, `errorMessage: ""`, `requiredVariables`, `templateHash` (SHA-256 hex of `spec.template`)
 * and `currentTemplateVersion` (`v-` + 8 hex). Appends `{version, timestamp: nowIso, valid: true}` to
 * `templateHistory`, replacing in place an entry with the same version, and keeps the last 10. Every kind of
 * template gets a version, the empty one included (`v-e3b0c442`, the hash of `""`), so the history records
 * each accepted write. `lastApplied`, `errorDetails`, `templateVersion` and `version` are never set by the
 * server: whatever `previous` holds is kept. `previous` absent (a create) means no earlier status.
 *
 * With `validation`, also sets `engine` and `warnings` (SPEC §16, issue 17: `[{code, message}]`, `[]` when
 * there is nothing to say).
 *
 * @param nowIso the write time, RFC 3339 (from the Clock port).
 */
export function groupStatusAfterWrite(
  previous: GroupStatus | undefined,
  spec: GroupSpec,
  requiredVariables: string[],
  nowIso: string,
  validation?: Pick<TemplateValidation, 'engine' | 'warnings'>,
): GroupStatus {
  const hash = templateHash(spec.template)
  const version = `v-${hash.slice(0, 8)}`
  const entry: TemplateHistoryEntry = { version, timestamp: nowIso, valid: true }
  const history = [...(previous?.templateHistory ?? [])]
  const same = history.findIndex((h) => h.version === version)
  if (same === -1) history.push(entry)
  else history[same] = entry
  return {
    ...previous,
    valid: true,
    errorMessage: '',
    requiredVariables: [...requiredVariables],
    ...(validation === undefined ? {} : { engine: validation.engine, warnings: validation.warnings.map((w) => ({ ...w })) }),
    templateHash: hash,
    currentTemplateVersion: version,
    templateHistory: history.slice(-HISTORY_LIMIT),
  }
}
