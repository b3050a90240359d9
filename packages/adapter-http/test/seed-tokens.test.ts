import {
  MetadataError,
  createNoCloudService,
  createResourceService,
  createSeedTokenAdmin,
  createSeedTokens,
  type SeedTokens,
} from '@metadata-service/core'
import {
  QUICKSTART_GROUP_COMPUTE,
  createFakeInventory,
  createMemorySeedTokenStore,
  createMemoryStore,
  createRecordingLogger,
  storedResource,
} from '@metadata-service/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, createServiceMetrics, listen, type AdminAccessRequest, type AdminAuthorizer } from '../src/index.js'
import { LOOPBACK_TRUSTED } from './_harness.js'

// SEED admin API: seed URLs and rotation, guarded as a resource write (SEC-6), errors as JSON.

const N0 = 'x1000c0s0b0n0'
const N1 = 'x1000c0s0b0n1'
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function start(options: { off?: boolean; authorize?: AdminAuthorizer } = {}) {
  const store = createMemoryStore([
    storedResource('ClusterDefaults', { metadata: { name: 'cd' }, spec: { base_url: 'http://10.252.0.1:8080', cluster_name: 'tc' } }),
    storedResource('Group', QUICKSTART_GROUP_COMPUTE),
  ])
  const inventory = createFakeInventory()
  const logger = createRecordingLogger()
  const nocloud = createNoCloudService({ inventory, store, logger })
  const seeds: SeedTokens = createSeedTokens({
    store: createMemorySeedTokenStore(),
    inventory,
    logger,
    policy: { mode: 'optional', bindAddress: false },
    resolveAddress: (address) => nocloud.resolveNode(address),
  })
  const metrics = createServiceMetrics({ seeds: () => ({ mode: options.off === true ? 'off' : 'optional', ...(options.off === true ? {} : { stats: seeds.stats() }) }) })
  const app = createApp(
    {
      resources: createResourceService({ store }),
      nocloud,
      health: () => ({ healthy: true }),
      logger,
      metrics,
      preview: nocloud,
      ...(options.authorize === undefined ? {} : { authorize: options.authorize }),
      ...(options.off === true ? {} : { seedTokens: createSeedTokenAdmin({ seeds, inventory, store }) }),
    },
    { trustedProxies: LOOPBACK_TRUSTED },
  )
  const server = await listen(app, { host: '127.0.0.1', port: 0 })
  closers.push(() => server.close(100))
  const url = `http://127.0.0.1:${server.port}`
  const get = (path: string) => fetch(`${url}${path}`)
  const post = (body: unknown, type = 'application/json', path = '/seed-tokens/rotate') =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { seeds, logger, get, post }
}

describe('GET /seed-tokens (SEED)', () => {
  it('lists every node’s seed URL under its NC-14 base, with the kernel argument', async () => {
    const { seeds, get } = await start()
    const res = await get('/seed-tokens')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const entries = (await res.json()) as { node: string; url: string; kernelArgument: string; baseFrom: string }[]
    expect(entries.map((e) => e.node)).toEqual([N0, N1, 'x1000c0s1b0n0'])
    expect(entries[0]).toMatchObject({
      url: `http://10.252.0.1:8080/n/${seeds.tokenOf(N0)}/`,
      kernelArgument: `ds=nocloud;s=http://10.252.0.1:8080/n/${seeds.tokenOf(N0)}/`,
      baseFrom: 'configured',
    })
  })

  it('narrows to a node or a group, and takes a base', async () => {
    const { get } = await start()
    expect(((await (await get(`/seed-tokens?node=${N1}`)).json()) as { node: string }[]).map((e) => e.node)).toEqual([N1])
    expect(((await (await get('/seed-tokens?group=compute')).json()) as { node: string }[]).map((e) => e.node)).toEqual([N0, N1])
    const [entry] = (await (await get(`/seed-tokens?node=${N0}&base=https%3A%2F%2Fmds.example%2F`)).json()) as { url: string; baseFrom: string }[]
    expect(entry).toMatchObject({ url: expect.stringMatching(/^https:\/\/mds\.example\/n\/[A-Za-z0-9_-]{32}\/$/), baseFrom: 'override' })
  })

  it.each([
    ['/seed-tokens?node=x9c9s9b9n9', 404, 'node x9c9s9b9n9 not found'],
    ['/seed-tokens?group=compue', 404, 'no node is a member of group compue'],
    [`/seed-tokens?node=${N0}&group=compute`, 400, 'validation failed: give at most one of node and group'],
    ['/seed-tokens?base=javascript:alert(1)', 400, 'validation failed: base must be an absolute http or https URL without query or fragment'],
  ])('%s answers %i %s as JSON', async (path, status, error) => {
    const res = await (await start()).get(path)
    expect(res.status).toBe(status)
    expect(await res.json()).toEqual({ error, code: status })
  })

  it('asks the SEC-6 hook as for a write, before anything else', async () => {
    const asked: AdminAccessRequest[] = []
    const { get, post } = await start({
      authorize: (request) => {
        asked.push(request)
        throw new MetadataError('FORBIDDEN', 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url)')
      },
    })
    const res = await get('/seed-tokens')
    expect(res.status).toBe(403)
    expect((await res.json()) as unknown).toEqual({ error: 'admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url)', code: 403 })
    expect((await post({ all: true })).status).toBe(403)
    expect(asked.map((r) => [r.method, r.kind, r.write])).toEqual([
      ['GET', 'SeedToken', true],
      ['POST', 'SeedToken', true],
    ])
  })

  it('answers 404 naming the setting with seed_tokens off', async () => {
    const { get, post } = await start({ off: true })
    for (const res of [await get('/seed-tokens'), await post({ all: true })]) {
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: 'seed tokens are off (seed_tokens: off); set seed_tokens to optional or required', code: 404 })
    }
  })
})

describe('POST /seed-tokens/rotate (SEED)', () => {
  it('rotates one node and answers its new seed URL; the others keep theirs', async () => {
    const { seeds, post } = await start()
    const [before0, before1] = [seeds.tokenOf(N0), seeds.tokenOf(N1)]
    const res = await post({ node: N0 })
    expect(res.status).toBe(200)
    const entries = (await res.json()) as { node: string; url: string }[]
    expect(entries).toEqual([expect.objectContaining({ node: N0, url: `http://10.252.0.1:8080/n/${seeds.tokenOf(N0)}/` })])
    expect(seeds.tokenOf(N0)).not.toBe(before0)
    expect(seeds.tokenOf(N1)).toBe(before1)
  })

  it('rotates a group, or all, answering every rotated node', async () => {
    const { post } = await start()
    expect(((await (await post({ group: 'compute' })).json()) as { node: string }[]).map((e) => e.node)).toEqual([N0, N1])
    expect(((await (await post({ all: true, base: 'http://mds:8080' })).json()) as { node: string }[]).map((e) => e.node)).toHaveLength(3)
  })

  it.each([
    [{}, 'validation failed: give exactly one of node, group or all'],
    [{ node: N0, all: true }, 'validation failed: give exactly one of node, group or all'],
    [{ all: false }, 'validation failed: all must be true'],
    [{ node: 7 }, 'validation failed: node must be a non-empty string'],
    [{ node: N0, force: true }, 'validation failed: unknown fields: [force]'],
    [[N0], 'validation failed: body must be a JSON object'],
    [{ all: true, base: 'mds:8080' }, 'validation failed: base must be an absolute http or https URL without query or fragment'],
  ])('refuses %j with 400, rotating nothing', async (body, error) => {
    const { seeds, post } = await start()
    const before = seeds.tokenOf(N0)
    const res = await post(body)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error, code: 400 })
    expect(seeds.tokenOf(N0)).toBe(before)
  })

  it('refuses a body that is not JSON, or not said to be', async () => {
    const { post } = await start()
    expect((await post('{', 'application/json')).status).toBe(400)
    expect((await post({ all: true }, 'text/plain')).status).toBe(415)
  })
})

describe('seed token metrics (SEED)', () => {
  it('counts rotations and shows the mode and the index', async () => {
    const { seeds, post, get } = await start()
    await seeds.identify(seeds.tokenOf(N0), '192.0.2.1')
    await seeds.identify('not-a-token', '192.0.2.1').catch(() => {})
    await post({ node: N0 })
    const text = await (await get('/metrics')).text()
    expect(text).toContain('metadata_service_seed_tokens_mode{mode="optional"} 1')
    expect(text).toContain('metadata_service_seed_tokens_mode{mode="required"} 0')
    expect(text).toContain('metadata_service_seed_token_requests_total{result="accepted"} 1')
    expect(text).toContain('metadata_service_seed_token_requests_total{result="malformed"} 1')
    expect(text).toContain('metadata_service_seed_token_rotations_total{scope="node"} 1')
    expect(text).toContain('metadata_service_seed_tokens_indexed 3')
  })
})

describe('POST /render with a seed (SEED)', () => {
  type Preview = { node: string; documents: { path: string; status: number; body: string }[] }

  it('previews the node a seed URL names, as its seed URL serves it', async () => {
    const { seeds, post } = await start()
    const token = seeds.tokenOf(N0)
    const res = await post({ seed: `http://10.252.0.1:8080/n/${token}/` }, 'application/json', '/render')
    expect(res.status).toBe(200)
    const preview = (await res.json()) as Preview
    expect(preview.node).toBe(N0)
    expect(preview.documents.find((d) => d.path === '/vendor-data')?.body).toBe(`#include\nhttp://10.252.0.1:8080/n/${token}/compute.yaml\n`)
    // The preview is no seed request: nothing counted.
    expect(seeds.stats().requests.accepted).toBe(0)
  })

  it.each([
    [{ seed: 'A'.repeat(32) }, 404, 'unknown seed token'],
    [{ seed: 'x', node: N0 }, 400, 'validation failed: give node or seed, not both'],
    [{}, 400, 'validation failed: node is required'],
  ])('%j answers %i', async (body, status, error) => {
    const res = await (await start()).post(body, 'application/json', '/render')
    expect({ status: res.status, body: await res.json() }).toEqual({ status, body: { error, code: status } })
  })

  it('answers 404 naming the setting with seed tokens off', async () => {
    const res = await (await start({ off: true })).post({ seed: 'A'.repeat(32) }, 'application/json', '/render')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: string }).error).toBe('seed tokens are off (seed_tokens: off); set seed_tokens to optional or required')
  })
})
