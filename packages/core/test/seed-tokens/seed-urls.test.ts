import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { MOCK_N0, MOCK_N1, MOCK_STORAGE, storedResource } from '../../src/testing/fixtures.js'
import { listSeedUrls, type SeedUrlQuery } from '../../src/seed-tokens/seed-urls.js'
import { seedSetup } from './_seed.test-setup.js'

const REQUEST = { request: { proto: 'http', host: 'admin-host:8080' } } satisfies Pick<SeedUrlQuery, 'request'>

function setup(options: { baseUrl?: string; publicUrl?: string; instanceBase?: string } = {}) {
  const { seeds, inventory } = seedSetup()
  const resources = [
    ...(options.baseUrl === undefined
      ? []
      : [storedResource('ClusterDefaults', { metadata: { name: 'cd' }, spec: { base_url: options.baseUrl, cluster_name: 'c' } })]),
    ...(options.instanceBase === undefined
      ? []
      : [storedResource('InstanceInfo', { metadata: { name: MOCK_N1 }, spec: { instance_id: MOCK_N1, cloud_init_base_url: options.instanceBase } })]),
  ]
  const deps = { seeds, inventory, store: createMemoryStore(resources), ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }) }
  return { seeds, deps }
}

describe('listSeedUrls (SEED admin)', () => {
  it('gives every node’s seed URL under its NC-14 base, with the kernel argument and the fingerprint', async () => {
    const { seeds, deps } = setup({ baseUrl: 'http://10.0.0.1:8080/', instanceBase: 'http://n1-side:8080' })
    const entries = await listSeedUrls(deps, REQUEST)
    expect(entries.map((e) => e.node)).toEqual([MOCK_N0, MOCK_N1, MOCK_STORAGE])
    const n0 = `http://10.0.0.1:8080/n/${seeds.tokenOf(MOCK_N0)}/`
    expect(entries[0]).toEqual({
      node: MOCK_N0,
      url: n0,
      kernelArgument: `ds=nocloud;s=${n0}`,
      fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
      baseFrom: 'configured',
    })
    expect(entries[1]?.url).toBe(`http://n1-side:8080/n/${seeds.tokenOf(MOCK_N1)}/`)
  })

  it('falls back to public_url, then to the admin request’s host, and says so', async () => {
    expect((await listSeedUrls(setup({ publicUrl: 'https://mds.example' }).deps, { ...REQUEST, node: MOCK_N0 }))[0]).toMatchObject({
      url: expect.stringMatching(/^https:\/\/mds\.example\/n\/[A-Za-z0-9_-]{32}\/$/),
      baseFrom: 'configured',
    })
    expect((await listSeedUrls(setup().deps, { ...REQUEST, node: MOCK_N0 }))[0]).toMatchObject({
      url: expect.stringMatching(/^http:\/\/admin-host:8080\/n\//),
      baseFrom: 'request',
    })
  })

  it('takes a base override, trimmed', async () => {
    const [entry] = await listSeedUrls(setup({ baseUrl: 'http://10.0.0.1:8080' }).deps, { ...REQUEST, node: MOCK_N0, base: 'http://mds.site:8080/' })
    expect(entry).toMatchObject({ url: expect.stringMatching(/^http:\/\/mds\.site:8080\/n\/[^/]{32}\/$/), baseFrom: 'override' })
  })

  it('lists a group’s members, or named nodes in the order given', async () => {
    const { deps } = setup()
    expect((await listSeedUrls(deps, { ...REQUEST, group: 'compute' })).map((e) => e.node)).toEqual([MOCK_N0, MOCK_N1])
    expect((await listSeedUrls(deps, { ...REQUEST, nodes: [MOCK_STORAGE, 'x9', MOCK_N0] })).map((e) => e.node)).toEqual([MOCK_STORAGE, MOCK_N0])
  })

  it.each([
    [{ node: 'x9c9s9b9n9' }, { code: 'NODE_NOT_FOUND', message: 'node x9c9s9b9n9 not found' }],
    [{ group: 'nope' }, { code: 'NOT_FOUND', message: 'no node is a member of group nope' }],
    [{ node: MOCK_N0, group: 'compute' }, { code: 'VALIDATION_FAILED', message: 'validation failed: give at most one of node and group' }],
    [{ base: 'ftp://x' }, { code: 'VALIDATION_FAILED', message: 'validation failed: base must be an absolute http or https URL without query or fragment' }],
    [{ base: 'http://x/?a=1' }, { code: 'VALIDATION_FAILED' }],
    [{ base: 'http://x/a b' }, { code: 'VALIDATION_FAILED' }],
    [{ base: 'http://x/\n' }, { code: 'VALIDATION_FAILED' }],
  ])('refuses %j', async (query, error) => {
    await expect(listSeedUrls(setup().deps, { ...REQUEST, ...query })).rejects.toMatchObject(error)
  })
})
