import { Router } from '@koa/router'
import { MetadataError, SEED_TOKENS_OFF_MESSAGE, requestBase, type SeedRotation, type SeedTokenAdmin } from '@metadata-service/core'
import type { AdminAuthorizer } from '../admin-access.js'
import { readJsonBody } from '../_internal/read-body.js'
import { sendJson } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'

/** Options of {@link seedTokenRoutes}. */
export interface SeedTokenRouteOptions {
  /** SEC-5 body cap in bytes. */
  readonly bodyLimitBytes: number
  /** SEC-6 hook, asked as for a resource write; absent: every request is allowed. */
  readonly authorize?: AdminAuthorizer
}

/**
 * The seed token admin API (SEED), guarded as a resource write (SEC-6: a seed URL is a node's credential, so even
 * reading one is an admin act), errors as JSON:
 *
 * - `GET /seed-tokens[?node=<xname>|?group=<name>][&base=<url>]`: the seed URLs of one node, a group's members or
 *   every node, as a JSON array of `{node, url, kernelArgument, fingerprint, baseFrom}`;
 * - `POST /seed-tokens/rotate` with `{"node":"<xname>"}`, `{"group":"<name>"}` or `{"all":true}` (and an optional
 *   `"base"`): rotates those tokens and answers the new seed URLs of the rotated nodes, in the same shape.
 *
 * With `seed_tokens: off` (`admin` absent) both answer 404 naming the setting.
 */
export function seedTokenRoutes(admin: SeedTokenAdmin | undefined, options: SeedTokenRouteOptions): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  const guard = async (ctx: AppContext): Promise<SeedTokenAdmin> => {
    ctx.state.errorStyle = 'json'
    if (options.authorize) {
      const authorization = ctx.get('Authorization')
      await options.authorize({
        peer: ctx.state.peer,
        method: ctx.method,
        kind: 'SeedToken',
        write: true,
        ...(authorization === '' ? {} : { authorization }),
      })
    }
    if (admin === undefined) throw new MetadataError('NOT_FOUND', SEED_TOKENS_OFF_MESSAGE)
    return admin
  }

  router.get('/seed-tokens', async (ctx: AppContext) => {
    const seeds = await guard(ctx)
    const node = queryValue(ctx, 'node')
    const group = queryValue(ctx, 'group')
    const base = queryValue(ctx, 'base')
    const request = requestBase(ctx.state.peerTrusted, ctx.req.headers)
    sendJson(
      ctx,
      200,
      await seeds.list({ request, ...(node === undefined ? {} : { node }), ...(group === undefined ? {} : { group }), ...(base === undefined ? {} : { base }) }),
    )
  })
  router.post('/seed-tokens/rotate', async (ctx: AppContext) => {
    const seeds = await guard(ctx)
    const { target, base } = parseRotation(await readJsonBody(ctx, { limitBytes: options.bodyLimitBytes, requireJsonType: true }))
    const request = requestBase(ctx.state.peerTrusted, ctx.req.headers)
    sendJson(ctx, 200, await seeds.rotate(target, { request, ...(base === undefined ? {} : { base }) }))
  })
  return router
}

// --- internal ---

/** The first value of a query parameter; an empty one counts as absent. */
function queryValue(ctx: AppContext, name: string): string | undefined {
  const raw = ctx.query[name]
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined || value === '') return undefined
  return value
}

const ROTATE_FIELDS = ['all', 'base', 'group', 'node']

function parseRotation(body: unknown): { target: SeedRotation; base: string | undefined } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body must be a JSON object')
  const fields = body as Record<string, unknown>
  const unknown = Object.keys(fields).filter((key) => !ROTATE_FIELDS.includes(key)).sort()
  if (unknown.length > 0) throw invalid(`unknown fields: [${unknown.join(', ')}]`)
  const text = (name: string): string | undefined => {
    const value = fields[name]
    if (value === undefined) return undefined
    if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} must be a non-empty string`)
    return value
  }
  const node = text('node')
  const group = text('group')
  const base = text('base')
  if (fields.all !== undefined && fields.all !== true) throw invalid('all must be true')
  const chosen = [node, group, fields.all].filter((v) => v !== undefined).length
  if (chosen !== 1) throw invalid('give exactly one of node, group or all')
  const target: SeedRotation = node !== undefined ? { node } : group !== undefined ? { group } : { all: true }
  return { target, base }
}

function invalid(detail: string): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `validation failed: ${detail}`)
}
