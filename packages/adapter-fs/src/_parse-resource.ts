import { MetadataSchema, type AnyResource, type KindInfo } from '@metadata-service/core'

/** A parsed file, or why it cannot be loaded (STO-4). */
export type ParsedFile = { ok: true; resource: AnyResource } | { ok: false; reason: string }

/** apiVersions earlier versions wrote (RES-8 accepts the same two). */
const LEGACY_API_VERSIONS = new Set([undefined, 'v1', 'cloud-init.openchami.io/v1'])

/**
 * Parses the text of `<dir>/<fileName>` as a resource of `kind` with the kind's schemas (STYLE 11). Files from
 * earlier versions load (STO-1): a missing apiVersion, kind, status or `resourceVersion` ("1", RES-5) is filled
 * in memory only, and timestamps are kept verbatim. The uid must match the file name. A reason names fields and
 * rules, never the file's values (logs quote no file contents, issue 16).
 */
export function parseResourceFile(kind: KindInfo, fileName: string, text: string): ParsedFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    // JSON.parse quotes the text around the error (the first bytes of a linked /etc/shadow, issue 16): say where only.
    return { ok: false, reason: `invalid JSON${jsonErrorPlace(text, err)}` }
  }
  if (!isRecord(raw)) return { ok: false, reason: 'not a JSON object' }
  if (!LEGACY_API_VERSIONS.has(raw.apiVersion as string | undefined)) {
    return { ok: false, reason: 'unsupported apiVersion (expected v1 or cloud-init.openchami.io/v1)' }
  }
  if (raw.kind !== undefined && raw.kind !== kind.kind) {
    return { ok: false, reason: `kind is not ${kind.kind}, so the file does not belong in ${kind.dir}/` }
  }
  const metadataIn = isRecord(raw.metadata) ? { resourceVersion: '1', ...raw.metadata } : raw.metadata
  const metadata = MetadataSchema.safeParse(metadataIn)
  const spec = kind.specSchema.safeParse(raw.spec ?? {})
  const status = kind.statusSchema.safeParse(raw.status ?? {})
  const problems = [
    ...issues('metadata', metadata),
    ...issues('spec', spec),
    ...issues('status', status),
  ]
  if (problems.length > 0) return { ok: false, reason: `schema: ${problems.join('; ')}` }
  const uid = metadata.data!.uid
  if (`${uid}.json` !== fileName) {
    return { ok: false, reason: 'metadata.uid does not match the file name' }
  }
  const resource = { apiVersion: 'v1', kind: kind.kind, metadata: metadata.data, spec: spec.data, status: status.data }
  return { ok: true, resource: resource as AnyResource }
}

// --- internal ---

/**
 * ` at line <l>, column <c>` when the engine's message gives a position (`… in JSON at position 5`), ` (unexpected
 * end)` for a cut file, else ``. Only the place is kept: the message itself may quote the text.
 */
function jsonErrorPlace(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : ''
  const position = /at position (\d+)/.exec(message)?.[1]
  if (position === undefined) return /end of JSON input/.test(message) ? ' (unexpected end)' : ''
  const before = text.slice(0, Number(position))
  return ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface SafeParseLike {
  success: boolean
  error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } | undefined
}

/** `<prefix>.<path>: <message>` per zod issue. */
function issues(prefix: string, result: SafeParseLike): string[] {
  return (result.error?.issues ?? []).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].join('.')
    return `${path}: ${issue.message}`
  })
}
