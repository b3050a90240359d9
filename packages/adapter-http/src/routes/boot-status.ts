import { Router } from '@koa/router'
import { MetadataError, parseBootQuery, type BootCursor, type BootStatusReader } from '@metadata-service/core'
import type { AdminAuthorizer } from '../admin-access.js'
import { checkAdmin } from '../_internal/admin-check.js'
import { openEventStream } from '../_internal/event-stream.js'
import { sendJson } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'

/** Options of {@link bootStatusRoutes}. */
export interface BootStatusRouteOptions {
  /** SEC-6 hook, asked as for a resource read (`kind` `BootStatus`); absent: every request is allowed. */
  readonly authorize?: AdminAuthorizer
  /** Throttle of `/boot-status/events`: at most one event per this many ms. */
  readonly eventsIntervalMs: number
  /** Registers what ends an event stream at shutdown (OPS-4). */
  readonly onShutdown: (end: () => void) => () => void
}

/**
 * The boot record's admin API (BOOT), JSON, guarded like a resource read (SEC-6):
 * - `GET /boot-status`: summary per state and per group, the nodes matching `state`, `group`, `since`, `until`
 *   (at most `limit`), and the unknown addresses; a bad parameter answers 400 naming it;
 * - `GET /boot-status/nodes/{xname}`: one node's record, 404 when the record has no such node;
 * - `GET /boot-status/events[?group=]`: server-sent events, a `snapshot` at once, then `changes` at most once per
 *   `eventsIntervalMs` while something changed.
 */
export function bootStatusRoutes(status: BootStatusReader, options: BootStatusRouteOptions): Router<AppState> {
  const router = new Router<AppState>({ sensitive: true })
  const guard = async (ctx: AppContext) => {
    ctx.state.errorStyle = 'json'
    await checkAdmin(ctx, options.authorize, { kind: 'BootStatus', write: false })
  }
  router.get('/boot-status', async (ctx: AppContext) => {
    await guard(ctx)
    sendJson(ctx, 200, await status.report(parseBootQuery(ctx.query, Date.now())))
  })
  router.get('/boot-status/nodes/:xname', async (ctx: AppContext) => {
    await guard(ctx)
    const xname = ctx.params.xname ?? ''
    const node = await status.node(xname)
    if (node === undefined) throw new MetadataError('NOT_FOUND', `node ${xname} not found in the boot record`)
    sendJson(ctx, 200, node)
  })
  router.get('/boot-status/events', async (ctx: AppContext) => {
    await guard(ctx)
    const { group } = parseBootQuery(ctx.query, Date.now(), ['group'])
    // Asked before the stream opens, so an unknown group still answers a plain 400.
    const first = await status.changes(undefined, group)
    let cursor: BootCursor = first.cursor
    openEventStream(ctx, { event: 'snapshot', data: first }, {
      intervalMs: options.eventsIntervalMs,
      onShutdown: options.onShutdown,
      poll: async () => {
        const next = await status.changes(cursor, group)
        cursor = next.cursor
        if (!next.full && next.xnames.length === 0 && next.unknownAddresses === undefined) return undefined
        return { event: next.full ? 'snapshot' : 'changes', data: next }
      },
    })
  })
  return router
}
