import { execFile } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateWireGuardKeyPair } from '@metadata-service/core'
import { createRecordingLogger, describeTunnel } from '@metadata-service/core/testing'
import { beforeAll } from 'vitest'
import { createWireGuardTunnel } from '../src/index.js'
import { SOCKET_DIR, requireDeviceTools } from './_peer-namespace.js'

// The Tunnel contract core's fake also runs (STYLE 6), here on a real wireguard-go device per test. Missing tools
// FAIL the suite, never skip it (CI installs them). The device gets a /32 address, so no route is added.

const exec = promisify(execFile)

beforeAll(requireDeviceTools)

describeTunnel('createWireGuardTunnel on wireguard-go', async () => {
  const interfaceName = `wgc${randomBytes(3).toString('hex')}`
  return {
    tunnel: createWireGuardTunnel({ interfaceName, logger: createRecordingLogger() }),
    startOptions: {
      privateKey: generateWireGuardKeyPair().privateKey,
      listenPort: randomInt(40_000, 50_000),
      address: `10.233.${randomInt(0, 256)}.${randomInt(1, 255)}/32`,
    },
    async cleanup() {
      await exec('ip', ['link', 'del', interfaceName]).catch(() => undefined)
      await rm(join(SOCKET_DIR, `${interfaceName}.sock`), { force: true })
    },
  }
})
