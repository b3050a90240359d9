import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { QUICKSTART_GROUP_COMPUTE } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listening, startServe, type Running } from '../serve-helpers.js'

// The data directory stops accepting writes while the service runs (a full or read-only disk, STO-2, STO-3):
// writes answer 503 with a message naming the failure and change nothing; reads, served from memory, keep
// working; once the disk is writable again, writes succeed without a restart. Root ignores file modes, so the test
// mounts its own tmpfs and remounts it read-only.

const exec = promisify(execFile)
const JSON_TYPE = { 'Content-Type': 'application/json' }

let mountPoint: string
let mounted = false
let running: Running | undefined

beforeEach(async () => {
  if (process.getuid?.() !== 0) throw new Error('the read-only storage test must run as root (it mounts a tmpfs)')
  mountPoint = await mkdtemp(join(tmpdir(), 'mds-rofs-'))
  await exec('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint])
  mounted = true
})
afterEach(async () => {
  // Writable again first, so shutdown can release the lock; then unmount whatever happened.
  if (mounted) await exec('mount', ['-o', 'remount,rw', mountPoint]).catch(() => undefined)
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  if (mounted) await exec('umount', [mountPoint])
  mounted = false
  await rm(mountPoint, { recursive: true, force: true })
})

describe('a data directory that turns read-only (STO-2, STO-3)', () => {
  it('answers writes 503 with the reason, keeps every read working, and recovers without a restart', async () => {
    running = startServe(mountPoint, ['--mock-smd'])
    const base = `http://127.0.0.1:${await listening(running)}`
    const created = await fetch(`${base}/groups`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(QUICKSTART_GROUP_COMPUTE) })
    expect(created.status).toBe(201)
    const group = (await created.json()) as { metadata: { uid: string } }
    const uid = group.metadata.uid
    const listBefore = await (await fetch(`${base}/groups`)).text()
    const filesBefore = await readdir(join(mountPoint, 'data', 'groups'))

    await exec('mount', ['-o', 'remount,ro', mountPoint])
    const writes: [string, string, string | undefined, Record<string, string>][] = [
      ['POST', '/groups', JSON.stringify({ metadata: { name: 'green' }, spec: { description: 'Green nodes' } }), JSON_TYPE],
      ['PUT', `/groups/${uid}`, JSON.stringify({ metadata: { name: 'compute' }, spec: { description: 'changed' } }), JSON_TYPE],
      ['PATCH', `/groups/${uid}`, JSON.stringify({ description: 'patched' }), { 'Content-Type': 'application/merge-patch+json' }],
      ['PUT', `/groups/${uid}/status`, JSON.stringify({ valid: true }), JSON_TYPE],
      ['DELETE', `/groups/${uid}`, undefined, {}],
    ]
    for (const [method, path, body, headers] of writes) {
      const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
      const answer = (await res.json()) as { error: string; code: number }
      expect({ method, path, status: res.status, code: answer.code, retry: res.headers.get('retry-after') }).toEqual({
        method,
        path,
        status: 503,
        code: 503,
        retry: '5',
      })
      // What failed, in words; the server's path goes to the log only (SPEC §16 "Secrets", issue 16).
      expect(answer.error, `${method} ${path}`).toMatch(/^cannot (write|delete) Group group-[0-9a-f]{8}: read-only file system \(EROFS\)$/)
    }
    // The server's log reaches this process through a pipe, a moment after the answers.
    const server = running
    const failures = () => server.logs().filter((l) => l.msg === 'request failed')
    await expect.poll(failures).toHaveLength(writes.length)
    for (const line of failures()) expect(line).toMatchObject({ level: 40, error: expect.stringMatching(new RegExp(`EROFS: read-only file system, \\w+ '${mountPoint}/data/groups/`)) })

    // Reads come from memory (STO-3) and still see exactly the last stored state.
    expect(await (await fetch(`${base}/groups`)).text()).toBe(listBefore)
    expect((await fetch(`${base}/groups/${uid}`)).status).toBe(200)
    const compute = await fetch(`${base}/compute.yaml`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })
    expect({ status: compute.status, body: await compute.text() }).toEqual({
      status: 200,
      body: '#cloud-config\nhostname: 1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE=compute\n      NID=1000\n      IP=10.252.0.26\n',
    })
    expect((await fetch(`${base}/meta-data`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })).status).toBe(200)
    expect(await readdir(join(mountPoint, 'data', 'groups'))).toEqual(filesBefore)

    // Writable again: the next write succeeds, no restart needed.
    await exec('mount', ['-o', 'remount,rw', mountPoint])
    const patched = await fetch(`${base}/groups/${uid}`, { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{"description":"after"}' })
    expect(patched.status).toBe(200)
    expect(running.logs().filter((l) => l.level === 50)).toEqual([])
  }, 60_000)
})
