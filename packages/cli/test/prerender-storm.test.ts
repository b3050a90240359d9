import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeNodeIp, generateFakeNodes, startFakeSmd, type FakeSmd } from '@metadata-service/adapter-smd/testing'
import { QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listening, startServe, type Running } from './serve-helpers.js'

// Issue 19 / OPS-7: once the pre-render has finished, a boot storm renders nothing. The real `serve` over a fake SMD,
// every document of every node asked in the order of the benchmark's storm (bench/storm.lua), builds counted by
// the service itself (`metadata_service_render_cache_misses_total`), not timed.

const NODES = 64
const PATHS = ['/network-config', '/meta-data', '/user-data', '/vendor-data', '/compute.yaml']

let dir: string
let smd: FakeSmd
let running: Running | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-prerender-storm-'))
  smd = await startFakeSmd({ nodes: generateFakeNodes(NODES) })
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await smd.close()
  await rm(dir, { recursive: true, force: true })
})

/** The sum of every sample of `family` on /metrics (all labels). */
async function total(server: string, family: string): Promise<number> {
  const text = await (await fetch(`${server}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
}

describe('a storm after a finished pre-render (OPS-7, issue 19)', { timeout: 60_000 }, () => {
  it('answers every document of every node from the cache: zero documents built', async () => {
    running = startServe(dir, ['--smd-sync-interval', '86400'], { SMD_URL: smd.url })
    const server = `http://127.0.0.1:${await listening(running)}`
    for (let i = 0; i < 400 && (await fetch(`${server}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
    for (const [collection, body] of [['/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS], ['/groups', QUICKSTART_GROUP_COMPUTE]] as const) {
      const res = await fetch(`${server}${collection}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status).toBe(201)
    }
    // The pass after the writes: meta-data, network-config, vendor-data (base_url is set) and compute.yaml per node.
    const prerendered = async () =>
      (await total(server, 'metadata_service_prerender_last_pass_documents')) === 4 * NODES &&
      (await total(server, 'metadata_service_prerender_running')) === 0
    for (let i = 0; i < 400 && !(await prerendered()); i++) await new Promise((r) => setTimeout(r, 25))
    expect(await prerendered()).toBe(true)
    const built = await total(server, 'metadata_service_render_cache_misses_total')

    // bench/storm.lua's order: request k asks node k % N for path (k % N + ⌊k / N⌋) % 5.
    for (let k = 0; k < 5 * NODES; k++) {
      const node = k % NODES
      const path = PATHS[(node + Math.floor(k / NODES)) % 5]!
      const res = await fetch(`${server}${path}`, { headers: { 'X-Forwarded-For': fakeNodeIp(node, 'HMN'), Connection: 'close' } })
      expect(res.status, `${path} of node ${node}`).toBe(200)
      await res.arrayBuffer()
    }
    expect((await total(server, 'metadata_service_render_cache_misses_total')) - built).toBe(0)
    expect(await total(server, 'metadata_service_render_cache_hits_total')).toBe(4 * NODES)
  })
})
