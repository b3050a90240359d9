import { createHash } from 'node:crypto'
import { Router } from '@koa/router'
import { MetadataError } from '@metadata-service/core'
import { send } from '../_internal/respond.js'
import type { AppContext, AppState } from '../_internal/state.js'
import { readStaticFile, swaggerUiFiles } from '../_internal/swagger-ui-files.js'

const ASSETS = '/docs/assets'

// SVC-3: our own page instead of swagger-ui-dist's index.html (which points at a public petstore). validatorUrl:
// null keeps Swagger UI from calling its public validator: the page works offline and talks only to this server.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  docExpansion: 'list',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});`

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>metadata-service API</title>
  <link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${ASSETS}/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${ASSETS}/swagger-ui-bundle.js"></script>
  <script>${INIT_SCRIPT}</script>
</body>
</html>
`

// Same origin only, so the browser itself refuses any other host; the one inline script is allowed by its hash.
// Swagger UI sets inline styles and uses data: images.
const CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${createHash('sha256').update(INIT_SCRIPT).digest('base64')}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

// The files change only with the installed package; an hour keeps reloads cheap without pinning old versions.
const CACHE = { 'Cache-Control': 'public, max-age=3600' }

/**
 * SVC-3 `GET/HEAD /docs` and `/docs/` (Swagger UI for `/openapi.json`) and `/docs/assets/{file}` (its files, from
 * the installed swagger-ui-dist package; anything else is `404 not found`). The package is located when the router
 * is built, so a missing install fails at startup.
 */
export function docsRoutes(): Router<AppState> {
  const files = swaggerUiFiles()
  const router = new Router<AppState>({ sensitive: true })
  router.get('/docs', (ctx: AppContext) => send(ctx, 200, 'text/html; charset=utf-8', PAGE, { 'Content-Security-Policy': CSP }))
  router.get(`${ASSETS}/:file`, async (ctx: AppContext) => {
    const file = files.get(ctx.params.file ?? '')
    if (file === undefined) throw new MetadataError('NOT_FOUND', 'not found')
    send(ctx, 200, file.contentType, await readStaticFile(file), CACHE)
  })
  return router
}
