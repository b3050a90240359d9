import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { MOCK_N0, MOCK_N1, MOCK_STORAGE } from '../../src/testing/fixtures.js'
import { createSeedTokenAdmin } from '../../src/seed-tokens/seed-admin.js'
import { seedSetup } from './_seed.test-setup.js'

const request = { proto: 'http', host: 'mds:8080' } as const

function setup() {
  const { seeds, inventory, store } = seedSetup()
  return { seeds, seedStore: store, admin: createSeedTokenAdmin({ seeds, inventory, store: createMemoryStore() }) }
}

describe('seed token admin (SEED)', () => {
  it('answers the new seed URLs of the nodes it rotated', async () => {
    const { admin, seeds } = setup()
    const [before] = await admin.list({ node: MOCK_N1, request })
    const rotated = await admin.rotate({ group: 'blue' }, { request })
    expect(rotated).toEqual([expect.objectContaining({ node: MOCK_N1, url: `http://mds:8080/n/${seeds.tokenOf(MOCK_N1)}/` })])
    expect(rotated[0]?.url).not.toBe(before?.url)
    expect((await admin.rotate({ all: true }, { request, base: 'http://10.0.0.1:8080' })).map((e) => e.node)).toEqual([MOCK_N0, MOCK_N1, MOCK_STORAGE])
  })

  it('names the node of a token or of a seed URL, with its seed path; anything else is an unknown seed token', async () => {
    const { admin, seeds } = setup()
    const token = seeds.tokenOf(MOCK_N1)
    for (const given of [token, `http://mds:8080/n/${token}/`, `http://mds:8080/n/${token}/meta-data`]) {
      expect(await admin.nodeOf(given)).toMatchObject({ node: { xname: MOCK_N1 }, seedPath: `/n/${token}` })
    }
    for (const given of ['', 'http://mds:8080/n/', `http://mds:8080/n/${token.slice(1)}/`]) {
      await expect(admin.nodeOf(given)).rejects.toMatchObject({ code: 'NODE_NOT_FOUND', message: 'unknown seed token' })
    }
  })

  it('refuses a bad base before rotating anything', async () => {
    const { admin, seedStore } = setup()
    const before = seedStore.current()
    await expect(admin.rotate({ all: true }, { request, base: 'mds:8080' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(seedStore.current()).toBe(before)
  })
})
