import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { heldMetaData, read, startHarness } from './_harness.js'

// SVC-3 and the /docs half of AT-50, over HTTP. docs-browser.test.ts renders the page in Chromium.

const SWAGGER_UI_DIST = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

describe('GET /docs (SVC-3, AT-50)', () => {
  it.each(['/docs', '/docs/'])('%s answers the Swagger UI page for /openapi.json, with no external host', async (path) => {
    const h = await startHarness()
    const res = await h.fetch(path)
    const { status, type, body } = await read(res)
    expect(status).toBe(200)
    expect(type).toBe('text/html; charset=utf-8')
    expect(body.startsWith('<!DOCTYPE html>\n')).toBe(true)
    expect(body).toContain('swagger-ui')
    expect(body).toContain("url: '/openapi.json'")
    expect(body).toContain('<script src="/docs/assets/swagger-ui-bundle.js"></script>')
    expect(body).toContain('<link rel="stylesheet" href="/docs/assets/swagger-ui.css">')
    // No absolute or protocol-relative URL at all: every reference is a path on this server.
    expect(body).not.toMatch(/(https?:)?\/\/|url\(\s*["']?http/i)
    // The browser is told the same: same origin only, the one inline script by its hash.
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/)
    expect(csp).toContain("connect-src 'self'")
  })

  it('serves the page script, the bundle, the stylesheet and the icons from the installed swagger-ui-dist', async () => {
    const h = await startHarness()
    const files = [
      ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['swagger-ui.css', 'text/css; charset=utf-8'],
      ['favicon-32x32.png', 'image/png'],
      ['favicon-16x16.png', 'image/png'],
      ['swagger-ui-bundle.js.map', 'application/json'],
    ] as const
    for (const [name, type] of files) {
      const res = await h.fetch(`/docs/assets/${name}`)
      expect({ name, status: res.status, type: res.headers.get('content-type') }).toEqual({ name, status: 200, type })
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(SWAGGER_UI_DIST, name)))).toBe(true)
    }
  })

  it.each([
    '/docs/assets/index.html',
    '/docs/assets/swagger-initializer.js',
    '/docs/assets/package.json',
    '/docs/assets/..%2Fpackage.json',
    '/docs/assets/nope.js',
    '/docs/nope',
  ])('%s is 404 plain `not found` (only the files the page loads are served)', async (path) => {
    const h = await startHarness()
    expect(await read(await h.fetch(path))).toEqual({ status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' })
  })

  it('a POST to /docs is 405 with Allow (OPS-6)', async () => {
    const h = await startHarness()
    const res = await h.fetch('/docs', { method: 'POST' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('HEAD, GET')
  })

  it('/docs and /openapi.json still answer while the service sheds load (SVC routes skip OPS-3)', async () => {
    const held = heldMetaData()
    const h = await startHarness({
      app: { maxInflight: 1 },
      wrapNocloud: held.wrapNocloud,
    })
    const slow = h.fetch('/meta-data', { as: '10.252.0.26' })
    await held.inside
    expect((await h.fetch('/user-data')).status).toBe(503)
    expect((await h.fetch('/docs')).status).toBe(200)
    expect((await h.fetch('/docs/assets/swagger-ui.css')).status).toBe(200)
    expect((await h.fetch('/openapi.json')).status).toBe(200)
    held.open()
    expect((await slow).status).toBe(200)
  })
})
