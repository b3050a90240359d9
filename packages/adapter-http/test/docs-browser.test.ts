import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildOpenApiDocument } from '../src/openapi/document.js'
import { launchChromium } from './_chromium.js'
import { startHarness } from './_harness.js'

// SVC-3 in a real browser: Debian's Chromium (installed by .ci/run) loads /docs from the server, Swagger UI renders
// every operation of /openapi.json, and the page reaches nothing but the server. The browser cannot reach anything
// else anyway: every host name but 127.0.0.1 fails to resolve.

/** Every operation of the document with its (first) tag, as Swagger UI names its DOM ids. */
function documentedOperations(): Array<{ tag: string; operationId: string; method: string; path: string }> {
  const doc = buildOpenApiDocument()
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const { tags, operationId } = op as { tags: string[]; operationId: string }
      return { tag: tags[0]!, operationId, method, path }
    }),
  )
}

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
})

describe('/docs in headless Chromium (SVC-3)', () => {
  // Generous limits: on a busy 2-core machine Chromium needs several seconds to render Swagger UI.
  it('renders every operation of /openapi.json, requesting only the server, without errors', { timeout: 120_000 }, async () => {
    const h = await startHarness()
    const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } })
    const requests: string[] = []
    const problems: string[] = []
    page.on('request', (request) => void requests.push(request.url()))
    page.on('requestfailed', (request) => void problems.push(`request failed: ${request.url()}`))
    page.on('pageerror', (err) => void problems.push(`page error: ${err.message}`))
    // CSP violations and failed loads are reported as console errors.
    page.on('console', (message) => void (message.type() === 'error' && problems.push(`console: ${message.text()}`)))

    const response = await page.goto(`${h.url}/docs`, { waitUntil: 'load' })
    expect(response?.status()).toBe(200)
    const operations = documentedOperations()
    // Swagger UI renders after fetching /openapi.json; wait for the last operation block.
    await page.locator('.opblock').nth(operations.length - 1).waitFor({ timeout: 60_000 })

    expect(await page.locator('.opblock').count()).toBe(operations.length)
    // One block per operation (Swagger UI ids them `operations-<tag>-<operationId>`), showing its method and path.
    const missing: string[] = []
    for (const { tag, operationId, method, path } of operations) {
      const block = page.locator(`[id="operations-${tag}-${operationId}"]`)
      if ((await block.count()) !== 1) {
        missing.push(operationId)
        continue
      }
      expect(await block.locator('.opblock-summary-method').innerText()).toBe(method.toUpperCase())
      expect(await block.locator('.opblock-summary-path').getAttribute('data-path')).toBe(path)
    }
    expect(missing).toEqual([])
    expect(await page.locator('.info .title').innerText()).toContain('metadata-service API')

    if (process.env.DOCS_SCREENSHOT !== undefined) {
      await page.screenshot({ path: process.env.DOCS_SCREENSHOT || join(tmpdir(), 'metadata-service-docs.png'), fullPage: false })
    }
    await page.close()

    expect(problems).toEqual([])
    expect(requests.length).toBeGreaterThanOrEqual(4)
    expect(requests.filter((url) => !url.startsWith(`${h.url}/`))).toEqual([])
    expect(requests).toEqual(
      expect.arrayContaining([`${h.url}/docs`, `${h.url}/docs/assets/swagger-ui-bundle.js`, `${h.url}/docs/assets/swagger-ui.css`, `${h.url}/openapi.json`]),
    )
  })
})
