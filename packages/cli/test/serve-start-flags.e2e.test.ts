import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loggedLine, spawnServe, type SpawnedServe } from './spawned-serve.js'

// Issue 19: `serve` restarts itself once, in place, with the young-generation cap V8 only takes at start
// (gc-tuning.ts). Shown on the built executable as operators run it: the serving process's own command line.

let dir: string
const children: SpawnedServe[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-start-flags-'))
})
afterEach(async () => {
  for (const served of children.splice(0)) {
    if (served.child.exitCode === null) served.child.kill('SIGKILL')
    await served.exited
  }
  await rm(dir, { recursive: true, force: true })
})

async function servedCommandLine(env: Record<string, string>): Promise<{ argv: string[]; environ: string[]; served: SpawnedServe; listening: Record<string, unknown> }> {
  const served = spawnServe(['--mock-smd', '--host', '127.0.0.1', '--port', '0', '--data-dir', join(dir, 'data')], { HOME: dir, ...env })
  children.push(served)
  const listening = await loggedLine(served, 'listening')
  const argv = readFileSync(`/proc/${served.child.pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '')
  const environ = readFileSync(`/proc/${served.child.pid}/environ`, 'utf8').split('\0').filter((a) => a !== '')
  return { argv, environ, served, listening }
}

describe("serve starts with a 16 MiB semi-space and glibc's mmap threshold fixed (issue 19)", () => {
  it('runs as the same process with the flag before the script and the tunable in its environment, and starts once', async () => {
    const { argv, environ, served, listening } = await servedCommandLine({})
    // Node 22.13–22.14 have no process.execve: there the server runs on with V8's default.
    const flags = typeof process.execve === 'function' ? ['--max-semi-space-size=16'] : []
    expect(argv.slice(1, 2 + flags.length)).toEqual([...flags, expect.stringMatching(/bin\/metadata-service\.js$/)])
    expect(argv.slice(2 + flags.length)).toEqual(['serve', '--mock-smd', '--host', '127.0.0.1', '--port', '0', '--data-dir', join(dir, 'data')])
    expect(environ.filter((e) => e.startsWith('GLIBC_TUNABLES='))).toEqual(
      typeof process.execve === 'function' ? ['GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072'] : [],
    )
    expect(listening.pid).toBe(served.child.pid)
    expect(served.lines().filter((l) => l.msg === 'starting metadata-service')).toHaveLength(1)
    const res = await fetch(`http://127.0.0.1:${listening.port as number}/health`)
    expect(res.status).toBe(200)
  })

  it("keeps the operator's NODE_OPTIONS semi-space and GLIBC_TUNABLES and adds none of its own", async () => {
    const own = 'GLIBC_TUNABLES=glibc.malloc.mmap_threshold=262144'
    const { argv, environ } = await servedCommandLine({ NODE_OPTIONS: '--max-semi-space-size=8', GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=262144' })
    expect(argv.some((a) => a.includes('semi'))).toBe(false)
    expect(argv[2]).toBe('serve')
    expect(environ.filter((e) => e.startsWith('GLIBC_TUNABLES='))).toEqual([own])
  })
})
