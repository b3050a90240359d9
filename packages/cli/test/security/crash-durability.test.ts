import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Pool } from 'undici'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureBuilt, spawnServe, type BuiltServer } from './_built-serve.js'
import { childPid, processGone, runAsPid1, runAsPid1WithVolume, stoppedInside } from './_pid-namespace.js'

// Nothing acknowledged is lost (STO-2, STO-3, STO-5, RES-10): 1,000 concurrent resource writes over several
// connections, the server SIGKILLed while they are in flight, then restarted on the same data directory. Every
// write that got a 2xx is on disk with its content (or a later write's), no file is corrupt, no temp file is
// left, and the restart takes over the dead process's lock. Twice: as a plain process, and as PID 1 of its own PID
// namespace (`unshare --pid --fork --mount-proc`, as in the shipped container), where the dead holder's pid 1 is
// the restarted server's own pid and used to block the restart (issue 16).

const WRITES = 1000
const CONNECTIONS = 8
const UPDATED_GROUPS = 20
const KILL_AFTER_ACKS = 300
const KINDS = ['clusterdefaults', 'groups', 'instanceinfos', 'wireguardpeers'] as const

/** A write the server acknowledged. */
interface Ack {
  readonly uid: string
  readonly resourceVersion: number
  /** The spec as sent. */
  readonly spec: Record<string, unknown>
  readonly name: string
}

/** How the server runs: as spawned, or as PID 1 of a PID namespace of its own. */
const MODES = [
  { name: 'a plain process', wrap: undefined, pid1: false },
  { name: 'PID 1 of its own PID namespace', wrap: runAsPid1, pid1: true },
] as const

let dataDir: string
let first: BuiltServer | undefined
let second: BuiltServer | undefined

beforeAll(() => ensureBuilt(), 180_000)
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mds-crash-'))
})
afterEach(async () => {
  await first?.stop()
  await second?.stop()
  first = second = undefined
  await rm(dataDir, { recursive: true, force: true })
})

/** The spec as stored: RES-9 fills a Group's `template` with `""` when absent. */
function withDefaults(spec: Record<string, unknown>): Record<string, unknown> {
  return spec.instance_id === undefined ? { template: '', ...spec } : spec
}

/** Every file under the kind directories: name → parsed JSON (throws on a corrupt file, failing the test). */
async function filesOnDisk(): Promise<{ resources: Map<string, Record<string, unknown>>; others: string[] }> {
  const resources = new Map<string, Record<string, unknown>>()
  const others: string[] = []
  for (const kind of KINDS) {
    const dir = join(dataDir, kind)
    const names = await readdir(dir).catch(() => [] as string[])
    for (const name of names) {
      if (!name.endsWith('.json')) {
        others.push(`${kind}/${name}`)
        continue
      }
      const text = await readFile(join(dir, name), 'utf8')
      try {
        resources.set(name.slice(0, -'.json'.length), JSON.parse(text) as Record<string, unknown>)
      } catch (err) {
        throw new Error(`${kind}/${name} is corrupt: ${String(err)}\n${text.slice(0, 200)}`)
      }
    }
  }
  return { resources, others }
}

describe.each(MODES)('SIGKILL during 1,000 concurrent writes, then restart, as $name (STO-2, STO-5)', ({ wrap, pid1 }) => {
  it('keeps every acknowledged write, leaves no corrupt or temp file, and takes over the stale lock', async () => {
    const options = wrap === undefined ? {} : { wrap }
    const victim = await spawnServe(dataDir, ['--mock-smd', '--host', '127.0.0.1'], options).then((s) => (pid1 ? stoppedInside(s) : s))
    first = victim
    // The server itself: the child, or the PID 1 that unshare forked (its pid in our namespace).
    const serverPid = pid1 ? childPid(victim.child.pid as number) : (victim.child.pid as number)
    // What it recorded in the lock file: its own pid as it sees it, 1 inside its namespace.
    const recordedPid = pid1 ? 1 : serverPid
    const pool = new Pool(`http://127.0.0.1:${victim.port}`, { connections: CONNECTIONS })
    const send = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
      const res = await pool.request({ method, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      const text = await res.body.text()
      return { status: res.statusCode, resource: text.startsWith('{') ? (JSON.parse(text) as { metadata: { uid: string; resourceVersion: string } }) : undefined }
    }

    // Groups the updates target, created (and acknowledged) before the storm.
    const targets: string[] = []
    for (let i = 0; i < UPDATED_GROUPS; i++) {
      const created = await send('POST', '/groups', { metadata: { name: `target-${i}` }, spec: { description: 'v0' } })
      expect(created.status).toBe(201)
      targets.push(created.resource?.metadata.uid as string)
    }

    const acks: Ack[] = []
    const sentSpecs = new Map<string, Record<string, unknown>[]>() // uid → every spec sent to it (acked or not)
    let killed = false
    const kill = () => {
      if (killed) return
      killed = true
      process.kill(serverPid, 'SIGKILL')
    }
    const writes = Array.from({ length: WRITES }, async (_, i) => {
      // Half creates (three kinds), half updates spread over the target groups.
      const update = i % 2 === 1
      const name = update ? `target-${i % UPDATED_GROUPS}` : `w-${i}`
      const spec: Record<string, unknown> = update
        ? { description: `update ${i}`, metaData: { seq: String(i) } }
        : i % 4 === 0
          ? { description: `group ${i}`, metaData: { seq: String(i) } }
          : { instance_id: `i-${i}`, hostname: `h${i}` }
      const path = update ? `/groups/${targets[i % UPDATED_GROUPS]}` : spec.instance_id === undefined ? '/groups' : '/instanceinfos'
      if (update) sentSpecs.set(path.split('/')[2] as string, [...(sentSpecs.get(path.split('/')[2] as string) ?? []), spec])
      try {
        const answer = await send(update ? 'PUT' : 'POST', path, { metadata: { name }, spec })
        if (answer.status >= 200 && answer.status < 300 && answer.resource !== undefined) {
          const { uid, resourceVersion } = answer.resource.metadata
          acks.push({ uid, resourceVersion: Number(resourceVersion), spec, name })
          if (acks.length >= KILL_AFTER_ACKS) kill()
        } else if (!killed) {
          throw new Error(`write ${i} refused before the kill: ${answer.status}`)
        }
      } catch (err) {
        // After the kill, a connection error is the expected fate of an unacknowledged write.
        if (!killed) throw err
      }
    })
    await Promise.all(writes)
    kill()
    // unshare reports its child's death as exit 1; the plain child reports the signal itself.
    expect(await victim.exited).toBe(pid1 ? 1 : 'SIGKILL')
    await processGone(serverPid)
    await pool.destroy().catch(() => undefined)
    expect(acks.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS)
    expect(acks.length).toBeLessThan(WRITES) // the kill really landed mid-storm

    // Right after the kill every resource file parses (atomic rename: whole old or whole new, STO-2).
    await filesOnDisk()

    const restarted = await spawnServe(dataDir, ['--mock-smd', '--host', '127.0.0.1'], options).then((s) => (pid1 ? stoppedInside(s) : s))
    second = restarted
    const logs = restarted.logs()
    expect(logs.find((l) => l.msg === 'taking over the lock of a dead metadata-service process')).toMatchObject({ level: 40, holderPid: recordedPid })
    expect(logs.find((l) => l.msg === 'resource store opened')).toMatchObject({ corruptFiles: 0 })
    expect(logs.filter((l) => l.level === 50)).toEqual([])

    expect(JSON.parse(await readFile(join(dataDir, 'metadata-service.lock'), 'utf8'))).toMatchObject({ pid: pid1 ? 1 : restarted.child.pid })
    const { resources, others } = await filesOnDisk()
    expect(others).toEqual([]) // no *.tmp-* left behind

    const base = `http://127.0.0.1:${restarted.port}`
    let found = 0
    for (const ack of acks) {
      const onDisk = resources.get(ack.uid) as { metadata: { name: string; resourceVersion?: string }; spec: unknown } | undefined
      const kind = ack.spec.instance_id === undefined ? 'groups' : 'instanceinfos'
      const served = (await (await fetch(`${base}/${kind}/${ack.uid}`)).json()) as { metadata: { name: string; resourceVersion: string }; spec: unknown }
      expect(onDisk?.metadata.name).toBe(ack.name)
      expect(served.metadata.name).toBe(ack.name)
      const version = Number(served.metadata.resourceVersion)
      expect(version).toBeGreaterThanOrEqual(ack.resourceVersion)
      if (version === ack.resourceVersion) expect(served.spec).toEqual(withDefaults(ack.spec))
      else expect((sentSpecs.get(ack.uid) ?? []).map(withDefaults)).toContainEqual(served.spec) // a later write, acked or not
      found++
    }
    expect(found).toBe(acks.length)
    // The restarted server owns the directory: it writes.
    const after = await fetch(`${base}/groups`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"metadata":{"name":"after-restart"},"spec":{}}' })
    expect(after.status).toBe(201)
    process.stdout.write(`writes acknowledged: ${acks.length} of ${WRITES}; found after restart: ${found}\n`)
  }, 180_000)
})

describe('two live servers in different PID namespaces, one data directory (STO-5, issue 16)', () => {
  it('refuses the second, even as PID 1 too and through another mount of the same volume', async () => {
    const owner = stoppedInside(await spawnServe(dataDir, ['--mock-smd', '--host', '127.0.0.1'], { wrap: runAsPid1 }))
    first = owner
    const mountPoint = await mkdtemp(join(tmpdir(), 'mds-volume-'))
    try {
      const refused = await spawnServe(mountPoint, ['--mock-smd', '--host', '127.0.0.1'], { wrap: runAsPid1WithVolume(dataDir, mountPoint) }).then(
        (server) => {
          second = stoppedInside(server)
          return 'started'
        },
        (err: unknown) => String(err),
      )
      expect(refused).toContain(`Error: data directory ${mountPoint} is locked by another metadata-service process (pid 1 on ${hostname()})\n`)
      // The first one still owns the directory and writes.
      const created = await fetch(`http://127.0.0.1:${owner.port}/groups`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"metadata":{"name":"a"},"spec":{}}' })
      expect(created.status).toBe(201)
    } finally {
      await rm(mountPoint, { recursive: true, force: true })
    }
  }, 60_000)
})
