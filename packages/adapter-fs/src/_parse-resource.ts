import { MetadataSchema, type AnyResource, type KindInfo } from '@metadata-service/core'

/** A parsed file, or why it cannot be loaded (STO-4). */
export type ParsedFile = { ok: true; resource: AnyResource } | { ok: false; reason: string }

/** apiVersions earlier versions wrote (RES-8 accepts the same two). */
const LEGACY_API_VERSIONS = new Set([undefined, 'v1', 'cloud-init.openchami.io/v1'])

/**
 * Parses the text of `<dir>/<fileName>` as a resource of `kind` with the kind's schemas (STYLE 11). Files from
 * earlier versions load (STO-1): a missing apiVersion, kind, status or `resourceVersion` ("1", RES-5) is filled
 * in memory only, and timestamps are kept verbatim. The uid must match the file name.
 */
export function parseResourceFile(kind: KindInfo, fileName: string, text: string): ParsedFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` }
  }
  if (!isRecord(raw)) return { ok: false, reason: 'not a JSON object' }
  if (!LEGACY_API_VERSIONS.has(raw.apiVersion as string | undefined)) {
    return { ok: false, reason: `unsupported apiVersion ${JSON.stringify(raw.apiVersion)}` }
  }
  if (raw.kind !== undefined && raw.kind !== kind.kind) {
    return { ok: false, reason: `kind ${JSON.stringify(raw.kind)} does not belong in ${kind.dir}/` }
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
    return { ok: false, reason: `metadata.uid ${JSON.stringify(uid)} does not match the file name` }
  }
  const resource = { apiVersion: 'v1', kind: kind.kind, metadata: metadata.data, spec: spec.data, status: status.data }
  return { ok: true, resource: resource as AnyResource }
}

// --- internal ---

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
