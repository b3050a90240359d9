import type { GroupSpec } from '../domain/group.js'
import { MetadataError } from '../errors.js'
import { MAX_METADATA_BYTES, MAX_METADATA_DEPTH, MAX_TEMPLATE_BYTES } from './limits.js'

/** Standard base64 with padding (what `base64` and Go's `StdEncoding` write), white space removed first. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * The Group spec rules of SPEC §16 beyond the RES-9 types, run on every create, replace and patch before TPL-4:
 *
 * - `templateEncoding: base64`: the template is decoded (white space ignored, padding required) and must be UTF-8
 *   text; the spec returned holds the decoded template and no `templateEncoding` (the stored and served template
 *   is the decoded text). `plain` is dropped too.
 * - the template is at most 256 KiB (UTF-8 bytes, after decoding);
 * - `metaData` nests at most 16 levels (the map is level 1) and is at most 64 KiB as JSON.
 *
 * @throws MetadataError `VALIDATION_FAILED` `validation failed: <m1>; <m2>` naming each field and its limit;
 *   nothing is stored then.
 */
export function checkGroupSpec(spec: GroupSpec): GroupSpec {
  const problems: string[] = []
  const { templateEncoding, ...rest } = spec
  let template = spec.template
  if (templateEncoding === 'base64') {
    const decoded = decodeBase64Text(template)
    if (typeof decoded === 'string') template = decoded
    else problems.push(decoded.problem)
  }
  const bytes = utf8Bytes(template)
  if (problems.length === 0 && bytes > MAX_TEMPLATE_BYTES) {
    problems.push(`template must be at most ${MAX_TEMPLATE_BYTES} bytes (256 KiB), got ${bytes}`)
  }
  if (spec.metaData !== undefined) problems.push(...metaDataProblems(spec.metaData))
  if (problems.length > 0) throw new MetadataError('VALIDATION_FAILED', `validation failed: ${problems.join('; ')}`)
  return { ...rest, template }
}

// --- internal ---

function decodeBase64Text(encoded: string): string | { problem: string } {
  const compact = encoded.replace(/\s+/g, '')
  if (!BASE64.test(compact)) return { problem: 'template is not valid base64 (templateEncoding is base64)' }
  const binary = atob(compact)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return { problem: 'template decoded from base64 is not UTF-8 text (templateEncoding is base64)' }
  }
}

function metaDataProblems(metaData: Readonly<Record<string, unknown>>): string[] {
  // Depth first, without recursion, so a deep value is refused before anything recursive looks at it.
  const stack: [unknown, number][] = [[metaData, 1]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, depth] = item
    if (typeof value !== 'object' || value === null) continue
    if (depth > MAX_METADATA_DEPTH) return [`metaData must nest at most ${MAX_METADATA_DEPTH} levels deep`]
    for (const child of Object.values(value)) stack.push([child, depth + 1])
  }
  const bytes = utf8Bytes(JSON.stringify(metaData))
  if (bytes > MAX_METADATA_BYTES) return [`metaData must be at most ${MAX_METADATA_BYTES} bytes as JSON (64 KiB), got ${bytes}`]
  return []
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length
}
