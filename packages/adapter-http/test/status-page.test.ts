import { describe, expect, it } from 'vitest'
import { startHarness } from './_harness.js'

// BOOT /status: the page and its files, served by the service itself (air-gapped: nothing from another host).

describe('GET /status (BOOT)', () => {
  it('serves the page with a same-origin-only CSP, loading its script and stylesheet from /status/assets', async () => {
    const h = await startHarness({ bootStatus: {} })
    const res = await h.fetch('/status')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
    const html = await res.text()
    expect(html).toContain('<script src="/status/assets/status-page.js"></script>')
    expect(html).toContain('<link rel="stylesheet" href="/status/assets/status-page.css">')
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('serves the script, its map and the stylesheet; anything else under /status/assets is 404', async () => {
    const h = await startHarness({ bootStatus: {} })
    for (const [file, type] of [
      ['status-page.js', 'text/javascript; charset=utf-8'],
      ['status-page.js.map', 'application/json'],
      ['status-page.css', 'text/css; charset=utf-8'],
    ] as const) {
      const res = await h.fetch(`/status/assets/${file}`)
      expect([file, res.status, res.headers.get('content-type')]).toEqual([file, 200, type])
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100)
    }
    for (const file of ['status-page.html', 'package.json', '..%2Fpackage.json', 'events.js']) {
      expect((await h.fetch(`/status/assets/${file}`)).status).toBe(404)
    }
  })
})
