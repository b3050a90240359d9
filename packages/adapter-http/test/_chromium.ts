import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

// Headless Chromium for the page tests (SVC-3 /docs here, BOOT /status in the CLI's tests): Debian's chromium, as
// .ci/run installs it, with flags that work in the test machines' namespaces. No host but 127.0.0.1 resolves, so a
// page cannot reach anything but the server under test.

/** Where Chromium is: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

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

/** Launches headless Chromium; throws with the install hint when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`)
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}
