import { relative } from 'node:path'
import type { DataDirInspection } from '@metadata-service/adapter-fs'
import {
  KIND_LIST,
  isMetadataError,
  parseGoWireGuardState,
  templateKind,
  validateGroupTemplate,
  type AnyResource,
  type Group,
} from '@metadata-service/core'
import { createResourceTable } from '@metadata-service/core/store'

/** The WireGuard state file `migrate --check` looked at, as read (or not found). */
export interface CheckedStateFile {
  readonly path: string
  /** The file's text; `undefined` when there is none. */
  readonly text: string | undefined
}

/** The report of `migrate --check`: its lines, and whether something will not load (exit 1). */
export interface MigrateCheckReport {
  readonly lines: readonly string[]
  /** Files that will not load, a state file that cannot be imported, or a served template that does not validate. */
  readonly failures: number
}

/**
 * `metadata-service migrate --check <data dir>` (§16, issue 13): what a start on `dataDir` will load, before anything
 * is switched. Per kind, every resource with its name and whether it is served or superseded (§16 RES-3: the
 * latest by createdAt, then uid, serves a name; ClusterDefaults one per cluster); for each Group, its template's
 * engine and whether it validates (core's `templateKind` and `validateGroupTemplate`, so an engine core learns
 * shows up here); the files that will not load and why (STO-4); leftover temp files a start removes; and what the
 * WireGuard state file would import.
 */
export function migrateCheckReport(dataDir: string, found: DataDirInspection, state: CheckedStateFile): MigrateCheckReport {
  const lines: string[] = [`data directory ${dataDir} (read only: nothing is changed)`]
  let failures = 0
  const table = createResourceTable({ seed: found.resources })
  for (const kind of KIND_LIST) {
    const resources = table.list(kind.kind)
    const superseded = resources.filter((r) => r.status.supersededBy !== undefined).length
    lines.push('', `${kind.kind}: ${resources.length} will load${superseded === 0 ? '' : `, ${superseded} superseded`}`)
    for (const resource of resources) {
      const line = resourceLine(resource)
      if (line.failed) failures += 1
      lines.push(`  ${line.text}`)
    }
  }
  if (found.problems.length > 0) {
    lines.push('', `will not load (${found.problems.length}; left on disk and reported at start):`)
    for (const problem of found.problems) lines.push(`  ${relative(dataDir, problem.location)}: ${problem.reason}`)
    failures += found.problems.length
  }
  if (found.tempFiles.length > 0) {
    lines.push('', `leftover temp files of interrupted writes, removed at start: ${found.tempFiles.join(', ')}`)
  }
  const wireguard = stateLine(state)
  if (wireguard.failed) failures += 1
  lines.push('', wireguard.text)
  lines.push('', failures === 0 ? 'result: everything will load' : `result: ${failures} ${failures === 1 ? 'problem' : 'problems'} to fix before switching`)
  return { lines, failures }
}

// --- internal ---

/** `<uid>  <name>  served|superseded by <uid>[  template: <engine>, valid|does not validate: <why>]`. */
function resourceLine(resource: AnyResource): { text: string; failed: boolean } {
  const by = resource.status.supersededBy
  const served = by === undefined
  let text = `${resource.metadata.uid}  ${resource.metadata.name}  ${served ? 'served' : `superseded by ${by}`}`
  if (resource.kind !== 'Group') return { text, failed: false }
  const { engine, problem } = checkTemplate(resource)
  text += `  template: ${engine}${problem === undefined ? (engine === 'empty' ? '' : ', valid') : `, does not validate: ${problem}`}`
  // A superseded template is never rendered; only a served one that does not validate stops a switch.
  return { text, failed: served && problem !== undefined }
}

function checkTemplate(group: Group): { engine: string; problem: string | undefined } {
  const engine = templateKind(group.spec.template)
  try {
    validateGroupTemplate(group.spec, group.metadata.name)
    return { engine, problem: undefined }
  } catch (err) {
    if (!isMetadataError(err)) throw err
    return { engine, problem: err.message.replace(/^validation failed: /, '') }
  }
}

function stateLine(state: CheckedStateFile): { text: string; failed: boolean } {
  if (state.text === undefined) return { text: `WireGuard state file ${state.path}: none, nothing to import`, failed: false }
  try {
    const parsed = parseGoWireGuardState(state.text)
    const peers = `${parsed.peers.length} ${parsed.peers.length === 1 ? 'peer' : 'peers'}`
    return {
      text: `WireGuard state file ${state.path}: its server key and ${peers} are imported on the first start with --wireguard-server`,
      failed: false,
    }
  } catch (err) {
    if (!isMetadataError(err)) throw err
    return { text: `WireGuard state file ${state.path}: cannot be imported: ${err.message}`, failed: true }
  }
}
