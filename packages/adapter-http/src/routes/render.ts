import { Router } from '@koa/router'
import {
  MetadataError,
  SEED_TOKENS_OFF_MESSAGE,
  requestBase,
  shownText,
  type NoCloudPreview,
  type SeedTokenAdmin,
  type PreviewDocument,
  type RenderPreview,
  type RenderPreviewRequest,
} from '@metadata-service/core'
import type { AdminAuthorizer } from '../admin-access.js'
import { STATUS } from '../error-status.js'
import { checkAdmin } from '../_internal/admin-check.js'
import { readJsonBody } from '../_internal/read-body.js'
import { PLAIN_TEXT, sendJson } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'

/** Options of {@link renderRoutes}. */
export interface RenderRouteOptions {
  /** SEC-5 body cap in bytes. */
  readonly bodyLimitBytes: number
  /** SEC-6 hook, asked as for a Group write; absent: every request is allowed. */
  readonly authorize?: AdminAuthorizer
  /** SEED: finds the node of a `seed` (a token or a seed URL); absent with `seed_tokens: off`. */
  readonly seeds?: Pick<SeedTokenAdmin, 'nodeOf'>
}

/** One document of a `POST /render` answer: what the node would get, status and body as on the wire. */
export interface RenderedPreviewDocument {
  readonly path: string
  readonly status: number
  readonly contentType: string
  readonly body: string
  /** `/network-config` only: addresses guessed or left out, definitions not used (issue 14); absent when none. */
  readonly notes?: readonly string[]
}

/** The JSON body of a `POST /render` answer. */
export interface RenderPreviewResponse {
  readonly node: string
  readonly documents: readonly RenderedPreviewDocument[]
  /** With `template`: the group document it would give, and `diff` (unified, `""` when equal) from today's. */
  readonly proposed?: RenderedPreviewDocument & { readonly diff?: string }
}

/**
 * `POST /render` (admin): `{"node":"<xname>","group"?:"<name>","template"?:"<text>"}` answers what the node would
 * receive, per document, with the status and exact body of its own request; with `template`, also the group
 * document rendered with it and a unified diff; with `networks` (a ClusterDefaults `networks` value, issue 14)
 * instead of `group`, the node's `/network-config` today and with those networks, and the diff. Nothing is stored. Guarded by the SEC-6 hook like a Group write
 * (a template is root on every node of its group, so previewing one is an admin act). Errors are JSON: 400 body
 * and TPL-4 texts, 404 `node <xname> not found`, 503 when the inventory cannot answer.
 */
export function renderRoutes(preview: NoCloudPreview, options: RenderRouteOptions): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  router.post('/render', async (ctx: AppContext) => {
    ctx.state.errorStyle = 'json'
    await checkAdmin(ctx, options.authorize, { kind: 'Group', write: true })
    const body = await readJsonBody(ctx, { limitBytes: options.bodyLimitBytes, requireJsonType: true })
    const { node, seed, ...rest } = parseRenderRequest(body, requestBase(ctx.state.peerTrusted, ctx.req.headers))
    const request = seed === undefined ? { ...rest, node: node as string } : await bySeed(rest, seed, options.seeds)
    sendJson(ctx, 200, toResponse(await preview.preview(request)))
  })
  return router
}

// --- internal ---

/** The preview asked for: `node`, or `seed` (SEED: a token or a seed URL) for `bySeed` to look up. */
type ParsedRender = Omit<RenderPreviewRequest, 'node'> & { readonly node?: string; readonly seed?: string }

function parseRenderRequest(body: unknown, base: RenderPreviewRequest['request']): ParsedRender {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body must be a JSON object')
  const fields = body as Record<string, unknown>
  const unknown = Object.keys(fields).filter((key) => !['node', 'seed', 'group', 'template', 'networks'].includes(key)).sort()
  if (unknown.length > 0) throw invalid(`unknown fields: [${unknown.join(', ')}]`)
  const text = (name: string): string | undefined => {
    const value = fields[name]
    if (value === undefined) return undefined
    if (typeof value !== 'string') throw invalid(`${name} must be a string`)
    return value
  }
  const node = text('node')
  const seed = text('seed')
  const group = text('group')
  const template = text('template')
  if (node !== undefined && seed !== undefined) throw invalid('give node or seed, not both')
  if (seed === undefined && (node === undefined || node.trim() === '')) throw invalid('node is required')
  if (group !== undefined && group.trim() === '') throw invalid('group must not be empty')
  return {
    ...(node === undefined ? {} : { node }),
    ...(seed === undefined ? {} : { seed }),
    request: base,
    ...(group === undefined ? {} : { group }),
    ...(template === undefined ? {} : { template }),
    // Checked by the preview, with the ClusterDefaults write's messages.
    ...(fields.networks === undefined ? {} : { networks: fields.networks }),
  }
}

/**
 * SEED: the preview of the node a seed (a token or a seed URL) names, as its seed URL serves it (vendor-data's
 * `#include` lines under the seed path). 404 `unknown seed token` otherwise; 404 naming the setting when off.
 */
async function bySeed(rest: Omit<ParsedRender, 'node' | 'seed'>, seed: string, seeds: Pick<SeedTokenAdmin, 'nodeOf'> | undefined): Promise<RenderPreviewRequest> {
  if (seeds === undefined) throw new MetadataError('NOT_FOUND', SEED_TOKENS_OFF_MESSAGE)
  const { node, seedPath } = await seeds.nodeOf(seed)
  return { ...rest, node: node.xname, request: { ...rest.request, seedPath } }
}

function invalid(detail: string): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `validation failed: ${detail}`)
}

function toResponse(preview: RenderPreview): RenderPreviewResponse {
  const proposed = preview.proposed
  return {
    node: preview.node,
    documents: preview.documents.map(onTheWire),
    ...(proposed === undefined
      ? {}
      : { proposed: { ...onTheWire(proposed), ...(proposed.diff === undefined ? {} : { diff: proposed.diff }) } }),
  }
}

/** A document as the node's own request would get it: 200 with the body, or the error status and plain text. */
function onTheWire(entry: PreviewDocument): RenderedPreviewDocument {
  if (entry.document !== undefined) {
    const { contentType, body } = entry.document
    return { path: entry.path, status: 200, contentType, body, ...(entry.notes === undefined ? {} : { notes: entry.notes }) }
  }
  const error = entry.error ?? { code: 'INTERNAL' as const, message: 'internal error' }
  // As the node's own request would get it: control characters escaped (issue 16).
  return { path: entry.path, status: STATUS[error.code], contentType: PLAIN_TEXT, body: `${shownText(error.message)}\n` }
}
