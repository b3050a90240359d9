import { createSeedTokens, MetadataError, silentLogger, type InventoryNode, type SeedTokenStore } from '@metadata-service/core'
import { createFakeInventory, describeSeedTokenStore } from '@metadata-service/core/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importSeedTokenState, openPostgresSeedTokenStore } from '../src/seed-token-store.js'
import { startThrowawayPostgres, type ThrowawayPostgres } from '../src/testing/throwaway-postgres.js'

let cluster: ThrowawayPostgres
let databases = 0
beforeAll(async () => {
  cluster = await startThrowawayPostgres()
})
afterAll(async () => {
  await cluster?.stop()
})
const freshDatabase = () => cluster.createDatabase(`seed_${(databases += 1)}`)
const open = (connectionString: string) => openPostgresSeedTokenStore({ connectionString, logger: silentLogger })

describeSeedTokenStore('adapter-postgres', async () => {
  const url = await freshDatabase()
  return { store: await open(url), reopen: () => open(url), twin: () => open(url) }
}, { durable: true, replicas: true })

/** One replica's seed token service on its own store, over the same inventory. */
function replica(store: SeedTokenStore) {
  const inventory = createFakeInventory()
  return createSeedTokens({
    store,
    inventory,
    logger: silentLogger,
    policy: { mode: 'optional', bindAddress: false },
    resolveAddress: async () => {
      throw new MetadataError('NODE_NOT_FOUND', 'node not found')
    },
  })
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  expect(await check()).toBe(true)
}

describe('seed tokens across PostgreSQL replicas (SEED)', () => {
  it('replicas opening together share one secret, and each accepts the other’s tokens and rotations', async () => {
    const url = await freshDatabase()
    const [storeA, storeB, storeC] = await Promise.all([open(url), open(url), open(url)])
    const [a, b] = [replica(storeA), replica(storeB)]
    const n0 = 'x1000c0s0b0n0'
    const accepted = async (service: typeof a, token: string): Promise<boolean> =>
      service.identify(token, '192.0.2.1').then(
        (node: InventoryNode) => node.xname === n0,
        () => false,
      )
    expect(new Set([storeA, storeB, storeC].map((s) => Buffer.from(s.current().secret).toString('base64'))).size).toBe(1)
    const before = a.tokenOf(n0)
    expect(b.tokenOf(n0)).toBe(before)
    expect(await accepted(b, before)).toBe(true)

    await a.rotate({ node: n0 })
    const after = a.tokenOf(n0)
    expect(after).not.toBe(before)
    await eventually(async () => (await accepted(b, after)) && !(await accepted(b, before)))

    await b.rotate({ all: true })
    await eventually(async () => (await accepted(a, b.tokenOf(n0))) && !(await accepted(a, after)))
    for (const s of [storeA, storeB, storeC]) await s.close()
  })

  it('refuses a stored secret that is not 32 bytes of base64 and leaves it alone', async () => {
    const url = await freshDatabase()
    await (await open(url)).close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query("UPDATE seed_tokens SET secret = 'c2hvcnQ='")
    await expect(open(url)).rejects.toThrow('invalid seed token secret in table seed_tokens: the secret must decode to 32 bytes, not 5')
    expect((await client.query('SELECT secret FROM seed_tokens')).rows[0].secret).toBe('c2hvcnQ=')
    await client.end()
  })

  it('names no password when the database is unreachable', async () => {
    const failed = open('postgres://mds:hunter2@127.0.0.1:1/nowhere')
    await expect(failed).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    await expect(failed).rejects.not.toThrow('hunter2')
  })
})

describe('importSeedTokenState (migrate)', () => {
  const fileState = (secretByte: number) => ({
    secret: new Uint8Array(32).fill(secretByte),
    globalEpoch: 2,
    nodeEpochs: new Map([
      ['x1000c0s0b0n0', 3],
      ['x1000c0s0b0n1', 1],
    ]),
  })

  it('copies the secret and epochs into an empty database once; a second run changes nothing', async () => {
    const url = await freshDatabase()
    expect(await importSeedTokenState({ connectionString: url, logger: silentLogger, state: fileState(7) })).toBe('copied')
    expect(await importSeedTokenState({ connectionString: url, logger: silentLogger, state: fileState(7) })).toBe('unchanged')
    const store = await open(url)
    expect(store.current()).toEqual(fileState(7))
    await store.close()
  })

  it('never lowers an epoch already further in the database', async () => {
    const url = await freshDatabase()
    await importSeedTokenState({ connectionString: url, logger: silentLogger, state: fileState(7) })
    const store = await open(url)
    await store.rotateNodes(['x1000c0s0b0n1', 'x1000c0s0b0n1'])
    await store.rotateNodes(['x1000c0s0b0n1'])
    await store.close()
    expect(await importSeedTokenState({ connectionString: url, logger: silentLogger, state: fileState(7) })).toBe('unchanged')
    const again = await open(url)
    expect(again.current().nodeEpochs.get('x1000c0s0b0n1')).toBe(3)
    await again.close()
  })

  it('answers conflict and changes nothing when the database holds another secret', async () => {
    const url = await freshDatabase()
    const store = await open(url)
    const before = store.current()
    expect(await importSeedTokenState({ connectionString: url, logger: silentLogger, state: fileState(7) })).toBe('conflict')
    await store.close()
    const again = await open(url)
    expect(again.current()).toEqual(before)
    await again.close()
  })
})
