import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The offline install path (deploy/README.md): `npm pack` of the CLI gives one self-contained tarball (every
// dependency bundled), which `npm install --offline` installs with an empty npm cache, no registry and no
// node_modules around it; the installed executable then serves the mock inventory. Runs on the built dist/
// (`npm test` builds first).

const exec = promisify(execFile)
const REPO = fileURLToPath(new URL('../../../../', import.meta.url))

let work: string
let server: ChildProcess | undefined
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mds-offline-'))
})
afterAll(async () => {
  server?.kill('SIGTERM')
  await rm(work, { recursive: true, force: true })
})

/** npm with a fresh, empty cache and no registry reachable (an unroutable address fails fast if it tried). */
function npm(args: string[], cwd: string) {
  return exec('npm', [...args, '--cache', join(work, 'empty-cache'), '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund', '--no-update-notifier'], {
    cwd,
    env: { ...process.env, npm_config_offline: 'true' },
    timeout: 120_000,
  })
}

describe('offline install from the packed CLI', () => {
  it('packs, installs with --offline from an empty cache, prints its version and serves /meta-data (as metadata-server too)', async () => {
    expect(existsSync(join(REPO, 'packages/cli/dist/index.js'))).toBe(true)
    await npm(['pack', '-w', '@metadata-service/cli', '--pack-destination', work], REPO)
    const tarballs = (await readdir(work)).filter((name) => name.endsWith('.tgz'))
    expect(tarballs).toEqual(['metadata-service-cli-0.1.0.tgz'])
    // The packed manifest says which Node.js it runs on and under which licence, and the licence text ships with it
    // (issue 17): the repository's LICENSE, MIT as package.json says.
    const unpacked = join(work, 'unpacked')
    await mkdir(unpacked)
    await exec('tar', ['-xzf', join(work, tarballs[0] as string), '-C', unpacked])
    const manifest = JSON.parse(await readFile(join(unpacked, 'package/package.json'), 'utf8')) as { engines?: { node?: string }; license?: string }
    const root = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string }; license: string }
    expect(manifest.engines?.node).toBe(root.engines.node)
    expect(manifest.license).toBe('MIT')
    expect(root.license).toBe('MIT')
    const license = await readFile(join(unpacked, 'package/LICENSE'), 'utf8')
    expect(license).toBe(await readFile(join(REPO, 'LICENSE'), 'utf8'))
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) /)

    const prefix = join(work, 'install')
    await mkdir(prefix)
    await npm(['install', '--offline', '--omit=dev', join(work, tarballs[0] as string)], prefix)
    const bin = join(prefix, 'node_modules/.bin/metadata-service')
    // Nothing but the CLI itself was installed: the tarball needs no dependency.
    expect((await readdir(join(prefix, 'node_modules'))).filter((name) => !name.startsWith('.'))).toEqual(['@metadata-service'])

    const { stdout } = await exec(bin, ['version'], { cwd: prefix })
    expect(stdout).toMatch(/^metadata-service version 0\.1\.0\n/)
    // §16 CLI: the Go service's executable names are installed beside it; the client one never serves.
    const client = join(prefix, 'node_modules/.bin/metadata-client')
    expect((await exec(client, ['version'], { cwd: prefix })).stdout).toMatch(/^metadata-service version 0\.1\.0\n/)
    await expect(exec(client, ['serve'], { cwd: prefix })).rejects.toMatchObject({ code: 2 })

    // The root command of metadata-server serves, as the Go service's did.
    const data = join(work, 'data')
    const serverBin = join(prefix, 'node_modules/.bin/metadata-server')
    const child = spawn(serverBin, ['--mock-smd', '--port', '0', '--host', '127.0.0.1', '--data-dir', data], { cwd: prefix })
    server = child
    const port = await new Promise<number>((resolve, reject) => {
      let seen = ''
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8')
        const line = seen.split('\n').find((l) => l.includes('"msg":"listening"'))
        if (line !== undefined) resolve((JSON.parse(line) as { port: number }).port)
      })
      child.once('exit', (code) => reject(new Error(`serve exited with ${String(code)}: ${seen}`)))
    })
    const res = await fetch(`http://127.0.0.1:${port}/meta-data`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toMatch(/^instance-id: x1000c0s0b0n0\n/)
    // SVC-3 offline: the Swagger UI files ship inside the bundle.
    expect((await fetch(`http://127.0.0.1:${port}/docs/assets/swagger-ui.css`)).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200)

    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    server = undefined
  }, 180_000)
})
