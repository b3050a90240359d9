import { MetadataError, silentLogger, type ResourceChange, type ResourceStore } from '@metadata-service/core'
import { conflictText, createRecordingLogger, describeResourceStore } from '@metadata-service/core/testing'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresStore } from '../src/postgres-store.js'
import { startThrowawayPostgres, type ThrowawayPostgres } from '../src/testing/throwaway-postgres.js'

let cluster: ThrowawayPostgres
let databases = 0
beforeAll(async () => {
  cluster = await startThrowawayPostgres()
})
afterAll(async () => {
  await cluster?.stop()
})
const freshDatabase = () => cluster.createDatabase(`contract_${(databases += 1)}`)

describeResourceStore(
  'adapter-postgres',
  async () => {
    const store = await openPostgresStore({ connectionString: await freshDatabase(), logger: silentLogger })
    return { store }
  },
  {
    // Rows an earlier writer left: migrated schema, rows inserted directly, then the store opened on them.
    seeded: async (seed) => {
      const url = await freshDatabase()
      await (await openPostgresStore({ connectionString: url, logger: silentLogger })).close()
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      for (const r of seed) {
        await client.query(
          'INSERT INTO resources (kind, uid, name, resource, resource_version, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [r.kind, r.metadata.uid, r.metadata.name, JSON.stringify(r), r.metadata.resourceVersion, r.metadata.createdAt],
        )
      }
      await client.end()
      return { store: await openPostgresStore({ connectionString: url, logger: silentLogger }) }
    },
    // The unique (kind, name) index: only ClusterDefaults under several names can be there.
    duplicateNames: false,
  },
)

const group = (name: string, uid: string) => ({
  apiVersion: 'v1' as const,
  kind: 'Group' as const,
  metadata: { name, uid, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', resourceVersion: '1' },
  spec: { template: '#cloud-config\n', metaData: { color: 'red' } },
  status: { valid: true },
})

const peer = (name: string, uid: string, ip: string) => ({
  apiVersion: 'v1' as const,
  kind: 'WireGuardPeer' as const,
  metadata: { name, uid, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', resourceVersion: '1' },
  spec: { public_key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', allowed_ip: ip },
  status: { ready: false },
})

/** Polls `check` every 20 ms for up to 1 s (the replica freshness promise). */
async function within1s(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('not seen within 1 s')
}

describe('two replicas on one database', () => {
  const open: ResourceStore[] = []
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close()
  })
  const twoReplicas = async () => {
    const url = await freshDatabase()
    const a = await openPostgresStore({ connectionString: url, logger: silentLogger })
    const b = await openPostgresStore({ connectionString: url, logger: silentLogger })
    open.push(a, b)
    return { a, b, url }
  }

  it('sees the other replica’s writes in cache, generation and change feed', async () => {
    const { a, b } = await twoReplicas()
    const seen: ResourceChange[] = []
    b.subscribe((change) => seen.push(change))
    const before = b.generation()
    const created = await a.create(group('compute', 'group-00000001'))
    await within1s(async () => (await b.get('Group', 'group-00000001')) !== undefined)
    expect(await b.list('Group')).toEqual([created])
    expect(b.generation()).toBeGreaterThan(before)
    const updated = await a.update(group('compute', 'group-00000001'), '1')
    await within1s(async () => (await b.get('Group', 'group-00000001'))?.metadata.resourceVersion === '2')
    await a.delete('Group', 'group-00000001')
    await within1s(async () => (await b.list('Group')).length === 0)
    expect(seen.map((c) => [c.type, c.resource])).toEqual([
      ['created', created],
      ['updated', updated],
      ['deleted', updated],
    ])
  })

  it('arbitrates names, versions and tunnel addresses in the database, not in a replica cache', async () => {
    const { a, b } = await twoReplicas()
    await a.create(group('compute', 'group-00000001'))
    // b may not have seen the create yet: the unique index still answers with the holder (RES-3).
    await expect(b.create(group('compute', 'group-00000002'))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: conflictText('Group', 'compute', 'group-00000001'),
    })
    await a.update(group('compute', 'group-00000001'), '1')
    await expect(b.update(group('compute', 'group-00000001'), '1')).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'precondition failed: current resourceVersion is 2',
    })
    await a.create(peer('n1', 'wireguardpeer-00000001', '10.87.0.2/32'))
    await expect(b.create(peer('n2', 'wireguardpeer-00000002', '10.87.0.2/32'))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'WireGuardPeer with allowed_ip 10.87.0.2/32 already exists: wireguardpeer-00000001',
    })
  })

  it('catches up after its LISTEN connection was cut, with the writes made meanwhile', async () => {
    const { a, url } = await twoReplicas()
    const logger = createRecordingLogger()
    const b = await openPostgresStore({ connectionString: url, logger })
    open.push(b)
    const seen: string[] = []
    b.subscribe((change) => seen.push(`${change.type} ${change.uid}`))
    const pg = (await import('pg')).default
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN metadata_service_changes'")
    } finally {
      await client.end()
    }
    await a.create(group('compute', 'group-00000001'))
    // Polled for up to 1 s after the 500 ms reconnect delay.
    await new Promise((r) => setTimeout(r, 500))
    await within1s(async () => (await b.get('Group', 'group-00000001')) !== undefined)
    expect(seen).toEqual(['created group-00000001'])
    expect(logger.entries.map((e) => `${e.level} ${e.message}`)).toContain('info postgres change feed restored')
  })

  it('keeps documents across a reopen, key order included', async () => {
    const { a, url } = await twoReplicas()
    const stored = await a.create(group('compute', 'group-00000001'))
    const again = await openPostgresStore({ connectionString: url, logger: silentLogger })
    open.push(again)
    expect(JSON.stringify(await again.get('Group', 'group-00000001'))).toBe(JSON.stringify(stored))
  })
})

describe('a store whose database goes away', () => {
  it('rejects writes with STORAGE_FAILED saying what failed, and keeps serving reads from memory', async () => {
    const url = await freshDatabase()
    const store = await openPostgresStore({ connectionString: url, logger: silentLogger })
    const kept = await store.create(group('compute', 'group-00000001'))
    const name = new URL(url).pathname.slice(1)
    const pg = (await import('pg')).default
    const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') })
    await admin.connect()
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`)
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name])
      const err = await store.create(group('io', 'group-00000002')).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'STORAGE_FAILED' })
      // The client's message names no database address; the cause, which goes to the log, does (issue 16).
      expect((err as Error).message).toBe(
        `cannot store Group group-00000002: PostgreSQL is unreachable: database "${name}" is not currently accepting connections`,
      )
      expect((err as Error).cause).toMatchObject({ message: `PostgreSQL at ${url}` })
      expect(await store.list('Group')).toEqual([kept])
    } finally {
      await store.close()
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)
      await admin.end()
    }
  })
})

describe('openPostgresStore without a database', () => {
  it('rejects with STORAGE_FAILED naming the redacted address', async () => {
    const url = 'postgres://u:secret@127.0.0.1:1/none'
    const err = await openPostgresStore({ connectionString: url, logger: silentLogger }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MetadataError)
    expect(err).toMatchObject({ code: 'STORAGE_FAILED' })
    expect((err as Error).message).toMatch(/^cannot open PostgreSQL store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/none: /)
    expect((err as Error).message).not.toContain('secret')
  })
})
