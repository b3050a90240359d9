import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeXname } from '@metadata-service/adapter-smd/testing'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../adapter-http/test/_chromium.js'
import { CONFIGURED, FAILING, HALFWAY, IDLE, NODES, startBoot, UNKNOWN, waitForReport, type BootRun } from './_boot-script.js'

// BOOT /status in headless Chromium (Debian's, as .ci/run installs it) against the scripted boot of
// _boot-script.ts: the grid holds one cell per node with the right state, the unknown addresses are listed, a
// change arrives over the event stream without a reload, and the page asks nothing of any other host.

// Browser-side code is passed as strings: this package is type-checked without the DOM library.

/** The canvas's own account of its cells (data-cells, data-<state>, data-updates). */
async function gridData(page: Page): Promise<Record<string, string>> {
  return (await page.evaluate("({ ...document.getElementById('grid').dataset })")) as Record<string, string>
}

/**
 * Waits (up to a minute) until the canvas's `data-<key>` is `value`. Polled from here: the page's CSP forbids the
 * string evaluation `waitForFunction` would do in the page.
 */
async function gridShows(page: Page, key: string, value: string | number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await gridData(page))[key] === String(value)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the grid never showed ${key}=${value}: ${JSON.stringify(await gridData(page))}`)
}

let boot: BootRun
let browser: Browser
beforeAll(async () => {
  ;[boot, browser] = await Promise.all([startBoot(), launchChromium()])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await boot?.close()
})

describe('/status in headless Chromium (BOOT)', { timeout: 120_000 }, () => {
  it('draws a cell per node coloured by state, lists the unknown addresses, and updates live over SSE', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const requests: string[] = []
    const problems: string[] = []
    page.on('request', (request) => void requests.push(request.url()))
    page.on('pageerror', (err) => void problems.push(`page error: ${err.message}`))
    page.on('console', (message) => void (message.type() === 'error' && problems.push(`console: ${message.text()}`)))

    expect((await page.goto(`${boot.url}/status`, { waitUntil: 'load' }))?.status()).toBe(200)
    await gridShows(page, 'cells', NODES)
    expect(await gridData(page)).toMatchObject({
      cells: String(NODES),
      idle: String(IDLE.length),
      booting: '0',
      configured: String(CONFIGURED),
      phonedHome: '0',
      stuck: String(HALFWAY.length),
      failing: '1',
    })
    // The summary bar says the same.
    const shown = await page.locator('#summary [data-count]').evaluateAll((bs) => Object.fromEntries(bs.map((b) => [b.getAttribute('data-count'), b.textContent])))
    expect(shown).toEqual({ idle: '4', booting: '0', configured: '280', 'phoned-home': '0', stuck: '15', failing: '1' })
    expect((await page.locator('.unknown-address').allTextContents()).sort()).toEqual(UNKNOWN.map((u) => u.address))
    expect(await page.locator('#unknown-caption').textContent()).toBe('2 addresses, 5 requests')

    // The screenshot is kept as an artifact: in a temp dir, or where STATUS_PAGE_SCREENSHOT says.
    const screenshot = process.env.STATUS_PAGE_SCREENSHOT || join(await mkdtemp(join(tmpdir(), 'mds-status-page-')), 'status-page.png')
    await page.screenshot({ path: screenshot, fullPage: true })
    expect(existsSync(screenshot)).toBe(true)

    // Live: a node that was idle starts booting; the page hears it without reloading.
    await page.evaluate("window.marker = 'same page'")
    const updates = Number((await gridData(page)).updates)
    expect(await boot.fetchAs('/meta-data', IDLE[0] as number)).toBe(200)
    await gridShows(page, 'booting', 1)
    expect(await gridData(page)).toMatchObject({ idle: String(IDLE.length - 1), booting: '1', cells: String(NODES) })
    expect(Number((await gridData(page)).updates)).toBeGreaterThan(updates)
    expect(await page.evaluate('window.marker')).toBe('same page')

    expect(problems).toEqual([])
    expect(requests.filter((url) => !url.startsWith(`${boot.url}/`))).toEqual([])
    await page.close()
  })

  it('opens a node’s boot record on click, with its documents, and a render preview for an admin', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${boot.url}/status`)
    await gridShows(page, 'cells', NODES)
    const xname = fakeXname(FAILING)
    const cell = (await page.evaluate(`window.__statusPage.cellOf(${JSON.stringify(xname)})`)) as { x: number; y: number }
    const box = await page.locator('#grid').boundingBox()
    await page.mouse.click((box?.x ?? 0) + cell.x, (box?.y ?? 0) + cell.y)
    await page.locator('#detail h2').filter({ hasText: xname }).waitFor({ timeout: 30_000 })
    expect(await page.locator('#detail .state').textContent()).toBe('failing')
    expect(await page.locator('#detail td').allTextContents()).toEqual(expect.arrayContaining(['meta-data', 'storage.yaml', '404']))
    // The test browser is on loopback, an admin peer (admin_cidrs): the preview shows what the node gets.
    await page.locator('#detail button', { hasText: 'meta-data' }).first().click()
    await page.locator('#preview pre').waitFor({ timeout: 30_000 })
    expect(await page.locator('#preview pre').textContent()).toMatch(new RegExp(`^instance-id: ${xname}\\n`))
    await page.close()
  })

  it('filters the grid by group: the events of that group only, its counts in the summary bar', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    // IDLE[0] (in rack4; the first test started its boot too) asks for meta-data only: stuck once STUCK_AFTER_S has
    // passed. Wait for that first, so the counts below do not depend on how fast the tests before this one ran.
    expect(await boot.fetchAs('/meta-data', IDLE[0] as number)).toBe(200)
    await waitForReport(boot.url, (report) => report.summary.stuck === HALFWAY.length + 1)
    await page.goto(`${boot.url}/status`)
    await gridShows(page, 'cells', NODES)
    // rack4 holds nodes 256..299: 24 configured, the 15 stuck and IDLE[0], the failing one and the idle ones.
    await page.locator('#group').selectOption('rack4')
    await gridShows(page, 'cells', 44)
    expect(await gridData(page)).toMatchObject({ configured: '24', stuck: String(HALFWAY.length + 1), failing: '1' })
    expect(await page.locator('#summary .scope').textContent()).toBe('rack4: 44 nodes')
    await page.close()
  })
})
