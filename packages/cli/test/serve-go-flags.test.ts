import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listening, startServe, type Running } from './serve-helpers.js'

// The Go service's server settings, honoured (§16 CLI, CFG data_dir, RES-3): the metrics listener, the data dir
// errors, and a data dir holding one name several times.

const exec = promisify(execFile)
let dir: string
let running: Running | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-goflags-'))
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await rm(dir, { recursive: true, force: true })
})

async function started(argv: string[]): Promise<{ run: Running; port: number }> {
  const run = startServe(dir, argv)
  running = run
  return { run, port: await listening(run) }
}

describe('--enable-metrics / --metrics-port (the Go service\'s metrics listener)', () => {
  it('serves /metrics on a listener of its own, and keeps it on the main port', async () => {
    const { run, port } = await started(['--mock-smd', '--enable-metrics', '--metrics-port', '0'])
    const line = run.logs().find((l) => l.msg === 'metrics listening')
    expect(line).toMatchObject({ host: '127.0.0.1' })
    const metricsPort = line?.port as number
    expect(metricsPort).not.toBe(port)
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(scrape.status).toBe(200)
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(await scrape.text()).toContain('metadata_service_http_requests_total')
    const other = await fetch(`http://127.0.0.1:${metricsPort}/meta-data`)
    expect({ status: other.status, body: await other.text() }).toEqual({ status: 404, body: 'not found\n' })
    const post = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })
    expect({ status: post.status, allow: post.headers.get('allow') }).toEqual({ status: 405, allow: 'GET, HEAD' })
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200)
  })

  it('with --metrics=false, /metrics is only on the metrics listener', async () => {
    const { run, port } = await started(['--mock-smd', '--metrics=false', '--enable-metrics', '--metrics-port', '0'])
    const metricsPort = run.logs().find((l) => l.msg === 'metrics listening')?.port as number
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404)
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200)
  })
})

describe('data_dir that cannot be used (§16 CFG data_dir)', () => {
  it('stops startup naming the path and the flag when the directory cannot be created', async () => {
    await writeFile(join(dir, 'file'), '')
    const run = startServe(dir, ['--mock-smd', '--data-dir', join(dir, 'file', 'data')])
    expect(await run.exit).toBe(1)
    expect(run.io.stderrText()).toMatch(
      new RegExp(`^Error: data directory ${join(dir, 'file', 'data')} cannot be created or written \\(cannot create directory .*ENOTDIR.*\\); ` +
        'choose another with --data-dir \\(env METADATA_SERVICE_DATA_DIR, data_dir in the config file\\)\\n$'),
    )
  })

  it('stops startup naming the path and the flag when the directory cannot be written (read-only file system)', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test must run as root (it mounts a tmpfs)')
    const mount = join(dir, 'ro')
    await mkdir(mount)
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', mount])
    try {
      const run = startServe(dir, ['--mock-smd', '--data-dir', mount])
      expect(await run.exit).toBe(1)
      expect(run.io.stderrText()).toMatch(
        new RegExp(`^Error: data directory ${mount} cannot be created or written \\(.*EROFS.*\\); choose another with --data-dir `),
      )
    } finally {
      await exec('umount', [mount])
    }
  })
})

describe('a data dir holding one name several times (§16 RES-3)', () => {
  it('starts, says which one it serves (one line per name), counts the others, lists them as superseded', async () => {
    const groups = join(dir, 'data', 'groups')
    await mkdir(groups, { recursive: true })
    const version = (uid: string, createdAt: string, color: string) => ({
      apiVersion: 'cloud-init.openchami.io/v1',
      kind: 'Group',
      metadata: { name: 'compute', uid, createdAt, updatedAt: createdAt },
      spec: { template: '', metaData: { color } },
    })
    await writeFile(join(groups, 'group-0000000a.json'), JSON.stringify(version('group-0000000a', '2025-03-01T10:00:00.000000001Z', 'old')))
    await writeFile(join(groups, 'group-0000000b.json'), JSON.stringify(version('group-0000000b', '2025-03-02T10:00:00.5Z', 'new')))
    const { run, port } = await started(['--mock-smd'])
    // 'warn', or pino's 40 once log lines take pino's shape.
    const warnings = run.logs().filter((l) => l.level === 'warn' || l.level === 40)
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'several Groups named compute: serving the latest, group-0000000b; the older ones stay stored, marked superseded',
        kind: 'Group',
        name: 'compute',
        served: 'group-0000000b',
        superseded: ['group-0000000a'],
      }),
    ])
    const listed = (await (await fetch(`http://127.0.0.1:${port}/groups?name=compute`)).json()) as { status: Record<string, unknown> }[]
    expect(listed.map((g) => g.status.supersededBy)).toEqual(['group-0000000b', undefined])
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('metadata_service_superseded_resources{kind="Group"} 1')
    const meta = await (await fetch(`http://127.0.0.1:${port}/meta-data`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })).text()
    expect(meta).toContain('color: new')
    expect(meta).not.toContain('color: old')
  })
})
