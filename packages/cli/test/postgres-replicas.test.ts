import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openPostgresStore } from '@metadata-service/adapter-postgres'
import { startThrowawayPostgres, type ThrowawayPostgres } from '@metadata-service/adapter-postgres/testing'
import { fakeNodeIp, generateFakeNodes, startFakeSmd, type FakeSmd } from '@metadata-service/adapter-smd/testing'
import { silentLogger } from '@metadata-service/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'
import { loggedLine, spawnServe, type SpawnedServe } from './spawned-serve.js'

const XFF = { 'X-Forwarded-For': '10.252.0.26' }
const TEMPLATE = '#cloud-config\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      IP={{ ip }}\n'
const COMPUTE_YAML = '#cloud-config\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      IP=10.252.0.26\n'

let cluster: ThrowawayPostgres
let databases = 0
let dir: string
let smd: FakeSmd | undefined
beforeAll(async () => {
  cluster = await startThrowawayPostgres()
})
afterAll(async () => {
  await cluster?.stop()
})

/** A built `serve` child process on a free port. */
interface Replica extends SpawnedServe {
  readonly port: number
}

const replicas: Replica[] = []
afterEach(async () => {
  for (const r of replicas.splice(0)) {
    r.child.kill('SIGKILL')
    await r.exited
  }
  await smd?.close()
  smd = undefined
  await rm(dir, { recursive: true, force: true })
})

/**
 * Starts `serve --store postgres` with its own data dir on the mock inventory (or `inventory`, e.g. `--smd-url …`);
 * resolves once it logged `listening`.
 */
async function startReplica(name: string, databaseUrl: string, extra: readonly string[] = [], inventory: readonly string[] = ['--mock-smd']): Promise<Replica> {
  const args = [...inventory, '--store', 'postgres', '--database-url', databaseUrl, '--port', '0', '--host', '127.0.0.1', ...extra]
  const served = spawnServe([...args, '--data-dir', join(dir, name)], { HOME: dir })
  try {
    const replica = { ...served, port: (await loggedLine(served, 'listening')).port as number }
    replicas.push(replica)
    return replica
  } catch (err) {
    served.child.kill('SIGKILL')
    throw new Error(`replica ${name} did not start: ${(err as Error).message}`)
  }
}

const get = (r: Replica, path: string) => fetch(`http://127.0.0.1:${r.port}${path}`, { headers: XFF })

describe('two serve processes on one PostgreSQL database', () => {
  it('serves a group created on one replica from the other within a second, and survives a SIGKILLed peer', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-replicas-'))
    const url = await cluster.createDatabase(`replicas_${(databases += 1)}`)
    const [a, b] = await Promise.all([startReplica('a', url), startReplica('b', url)])
    // NC-16 step 4 (no stored Group), read once so b's cache holds the old answer before the write.
    expect(await (await get(b, '/compute.yaml')).text()).toBe('#cloud-config\n')

    const created = await fetch(`http://127.0.0.1:${a.port}/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'compute' }, spec: { description: 'Compute nodes', template: TEMPLATE } }),
    })
    expect(created.status).toBe(201)
    let served = ''
    for (let i = 0; i < 50 && served !== COMPUTE_YAML; i++) {
      const res = await get(b, '/compute.yaml')
      served = res.status === 200 ? await res.text() : ''
      if (served !== COMPUTE_YAML) await new Promise((r) => setTimeout(r, 20))
    }
    expect(served).toBe(COMPUTE_YAML)

    a.child.kill('SIGKILL')
    await a.exited
    expect(await (await get(b, '/compute.yaml')).text()).toBe(COMPUTE_YAML)
    const health = await fetch(`http://127.0.0.1:${b.port}/health`)
    expect(health.status).toBe(200)
    // The survivor still writes: the database holds no lock of the dead replica.
    const green = await fetch(`http://127.0.0.1:${b.port}/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'green' }, spec: { description: 'Green nodes' } }),
    })
    expect(green.status).toBe(201)
  })
})

/** A UDP port free right now (for a replica's wireguard-go listener). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

describe('/wg-init on two serve processes with WireGuard sharing one database (issue 9, WG-6, WG-7)', () => {
  it('never hands out one address twice when concurrent requests are spread over both replicas', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-wg-replicas-'))
    const url = await cluster.createDatabase(`wg_replicas_${(databases += 1)}`)
    const tag = randomBytes(3).toString('hex')
    const wireguard = async (side: string) => [
      '--wireguard-server', '100.97.0.1/16', '--wireguard-interface', `wgr${tag}${side}`,
      '--wireguard-listen-port', String(await freeUdpPort()),
    ]
    // 24 nodes, since only a known node gets an address (SPEC §16).
    smd = await startFakeSmd({ nodes: generateFakeNodes(24) })
    const inventory = ['--smd-url', smd.url]
    const [a, b] = await Promise.all([startReplica('a', url, await wireguard('a'), inventory), startReplica('b', url, await wireguard('b'), inventory)])
    // Both snapshots first: before a replica's first sync every requester is a live SMD lookup, and 12 at once pass
    // the live-lookup cap (503 'node lookup unavailable'), which is not what this test is about.
    await Promise.all([a, b].map((r) => loggedLine(r, 'SMD sync done')))
    // Each requester is a distinct node (WG-6: one peer per requester), alternating replicas.
    const answers = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const res = await fetch(`http://127.0.0.1:${(i % 2 === 0 ? a : b).port}/wg-init`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-Forwarded-For': fakeNodeIp(i, 'HMN') },
          body: JSON.stringify({ public_key: randomBytes(32).toString('base64') }),
        })
        const text = await res.text()
        return { status: res.status, text, body: (res.status === 202 ? JSON.parse(text) : {}) as Record<string, string> }
      }),
    )
    // The refusals' texts in the failure message, if any.
    expect(answers.filter((x) => x.status !== 202).map((x) => `${x.status} ${x.text}`)).toEqual([])
    const addresses = answers.map((x) => x.body['client-vpn-ip'])
    expect(new Set(addresses).size).toBe(24)
    const store = await openPostgresStore({ connectionString: url, logger: silentLogger })
    try {
      const peers = await store.list('WireGuardPeer')
      expect(peers.map((p) => p.spec.allowed_ip).sort()).toEqual(addresses.map((ip) => `${ip}/32`).sort())
    } finally {
      await store.close()
      // SIGTERM, not the afterEach SIGKILL: a graceful stop also ends each replica's wireguard-go (OPS-4).
      for (const r of [a, b]) r.child.kill('SIGTERM')
      await Promise.all([a.exited, b.exited])
    }
  })
})

describe('migrate --from-dir … --to postgres://…', () => {
  it('copies a file store once; a second run changes nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-migrate-'))
    const dataDir = join(dir, 'data')
    await mkdir(join(dataDir, 'groups'), { recursive: true })
    const group = (name: string, uid: string) => ({
      apiVersion: 'v1',
      kind: 'Group',
      metadata: { name, uid, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', resourceVersion: '3' },
      spec: { description: `${name} nodes`, template: '' },
      status: { valid: true },
    })
    await writeFile(join(dataDir, 'groups', 'group-00000001.json'), JSON.stringify(group('compute', 'group-00000001')))
    await writeFile(join(dataDir, 'groups', 'group-00000002.json'), JSON.stringify(group('io', 'group-00000002')))
    const url = await cluster.createDatabase(`migrate_${(databases += 1)}`)
    const migrate = async () => {
      const io = fakeIo()
      const code = await runCli(['migrate', '--from-dir', dataDir, '--to', url], io)
      return { code, out: io.stdoutText(), err: io.stderrText() }
    }
    const counts = (group: string) =>
      `ClusterDefaults: 0 created, 0 updated, 0 unchanged, 0 failed\n${group}\n` +
      'InstanceInfo: 0 created, 0 updated, 0 unchanged, 0 failed\nWireGuardPeer: 0 created, 0 updated, 0 unchanged, 0 failed\n' +
      'Seed tokens: none in the data directory\n'
    const first = await migrate()
    expect(first).toEqual({ code: 0, out: counts('Group: 2 created, 0 updated, 0 unchanged, 0 failed'), err: '' })
    expect(await migrate()).toEqual({ code: 0, out: counts('Group: 0 created, 0 updated, 2 unchanged, 0 failed'), err: '' })
    const changed = { ...group('io', 'group-00000002'), spec: { description: 'I/O nodes', template: '' } }
    await writeFile(join(dataDir, 'groups', 'group-00000002.json'), JSON.stringify(changed))
    expect(await migrate()).toEqual({ code: 0, out: counts('Group: 0 created, 1 updated, 1 unchanged, 0 failed'), err: '' })

    const store = await openPostgresStore({ connectionString: url, logger: silentLogger })
    try {
      // The target counts its own versions (RES-5): the update over version 3 stored version 4.
      expect(await store.list('Group')).toEqual([
        group('compute', 'group-00000001'),
        { ...changed, metadata: { ...changed.metadata, resourceVersion: '4' } },
      ])
    } finally {
      await store.close()
    }
  })

  it('requires --from-dir and --to', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-migrate-'))
    const io = fakeIo()
    expect(await runCli(['migrate', '--to', 'postgres://x@127.0.0.1:1/x'], io)).toBe(2)
    expect(io.stderrText()).toContain('Error: migrate needs --from-dir <data_dir>\n')
  })
})
