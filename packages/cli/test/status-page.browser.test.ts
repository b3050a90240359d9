import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeXname } from '@metadata-service/adapter-smd/testing'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONFIGURED, FAILING, HALFWAY, IDLE, NODES, startBoot, UNKNOWN, type BootRun } from './_boot-script.js'

// BOOT /status in headless Chromium (Debian's, as .ci/run installs it) against the scripted boot of
// _boot-script.ts: the grid holds one cell per node with the right state, the unknown addresses are listed, a
// change arrives over the event stream without a reload, and the page asks nothing of any other host.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
]

/** The canvas's own account of its cells (data-cells, data-<state>, data-updates). */
async function gridData(page: Page): Promise<Record<string, string>> {
  return page.locator('#grid').evaluate((canvas) => ({ ...(canvas as HTMLCanvasElement).dataset }) as Record<string, string>)
}

let boot: BootRun
let browser: Browser
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`)
  // Faster events than the default second, so the live update shows up soon.
  ;[boot, browser] = await Promise.all([startBoot(), chromium.launch({ executablePath: CHROMIUM, args: ARGS })])
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
    await page.waitForFunction((n) => document.getElementById('grid')?.dataset.cells === String(n), NODES, { timeout: 60_000 })
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
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'))
    const updates = Number((await gridData(page)).updates)
    expect(await boot.fetchAs('/meta-data', IDLE[0] as number)).toBe(200)
    await page.waitForFunction(() => document.getElementById('grid')?.dataset.booting === '1', undefined, { timeout: 30_000 })
    expect(await gridData(page)).toMatchObject({ idle: String(IDLE.length - 1), booting: '1', cells: String(NODES) })
    expect(Number((await gridData(page)).updates)).toBeGreaterThan(updates)
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page')

    expect(problems).toEqual([])
    expect(requests.filter((url) => !url.startsWith(`${boot.url}/`))).toEqual([])
    await page.close()
  })

  it('opens a node’s boot record on click, with its documents, and a render preview for an admin', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${boot.url}/status`)
    await page.waitForFunction((n) => document.getElementById('grid')?.dataset.cells === String(n), NODES, { timeout: 60_000 })
    const xname = fakeXname(FAILING)
    const cell = (await page.evaluate((x) => (window as unknown as { __statusPage: { cellOf(x: string): { x: number; y: number } } }).__statusPage.cellOf(x), xname)) as {
      x: number
      y: number
    }
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
})
