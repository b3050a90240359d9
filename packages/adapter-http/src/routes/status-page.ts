import { Router } from '@koa/router'
import { MetadataError } from '@metadata-service/core'
import { send } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'
import { readStaticFile } from '../_internal/static-files.js'
import { STATUS_PAGE_HTML, statusPageFiles } from '../_internal/status-page-files.js'

const ASSETS = '/status/assets'

// Same origin only, no inline script or style (the page sets styles through the CSSOM), nothing from elsewhere:
// the page works air-gapped and its data only ever comes from this server's API.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * BOOT `GET /status` (the live boot status page) and `/status/assets/{file}` (its script, source map and
 * stylesheet; anything else is `404 not found`). The page holds no data: it reads `/boot-status` and its events
 * with the viewer's own access (SEC-6), so it is served to anyone like `/docs`. The files are located when the
 * router is built, so a missing build fails at startup.
 */
export function statusPageRoutes(): Router<AppState> {
  const files = statusPageFiles()
  const page = files.get(STATUS_PAGE_HTML)
  const router = new Router<AppState>({ sensitive: true })
  router.get('/status', async (ctx: AppContext) => {
    if (page === undefined) throw new MetadataError('NOT_FOUND', 'not found')
    // The page changes with the build: always revalidate it, unlike the assets.
    send(ctx, 200, page.contentType, await readStaticFile(page), { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' })
  })
  router.get(`${ASSETS}/:file`, async (ctx: AppContext) => {
    const name = ctx.params.file ?? ''
    const file = name === STATUS_PAGE_HTML ? undefined : files.get(name)
    if (file === undefined) throw new MetadataError('NOT_FOUND', 'not found')
    send(ctx, 200, file.contentType, await readStaticFile(file), { 'Cache-Control': 'no-cache' })
  })
  return router
}
