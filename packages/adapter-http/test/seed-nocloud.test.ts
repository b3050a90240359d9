import { QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN, MOCK_N0, MOCK_N1 } from '@metadata-service/core/testing'
import { seedTokenFingerprint } from '@metadata-service/core'
import { describe, expect, it } from 'vitest'
import { createServiceMetrics } from '../src/index.js'
import { ENTRIES, N0_IP, postJson, startHarness, type Harness, type HarnessOptions } from './_harness.js'

// SEED (issue 20): the NoCloud routes under /n/<token>/ on the one NoCloud request path. The node is the token's,
// whatever the client address; every byte is the address-only answer's (vendor-data's #include lines under the seed
// path); a token that names no node is one 404 that names none; `required` and `seed_tokens_bind_address`.

const N1_IP = '10.252.0.27'
const UNKNOWN = '192.168.99.99'
const PLAIN = 'text/plain; charset=utf-8'
const DOCUMENTS = ['meta-data', 'user-data', 'vendor-data', 'network-config', 'compute.yaml', 'green.yaml']
const REQUIRED = 'seed token required: this node is served only under its seed URL /n/<token>/ (seed_tokens: required)\n'

async function seeded(entry: 'listener' | 'inject' = 'listener', options: HarnessOptions = {}): Promise<Harness & { token: (xname: string) => string }> {
  const h = await startHarness({ seeds: {}, entry, ...options })
  for (const [path, body] of [
    ['/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS],
    ['/groups', QUICKSTART_GROUP_COMPUTE],
    ['/groups', QUICKSTART_GROUP_GREEN],
  ] as const) {
    expect((await postJson(h, path, body)).status).toBe(201)
  }
  return Object.assign(h, { token: (xname: string) => h.seeds!.tokenOf(xname) })
}

/** The request lines logged since `from`. */
function linesSince(h: Harness, from: number) {
  return h.logger.entries.slice(from).filter((e) => e.message === 'request').map((e) => e.fields as Record<string, unknown>)
}

describe.each(ENTRIES)('the seed routes /n/<token>/… over %s (SEED)', (entry) => {
  it('answer every document of the token’s node, as its own address gets it, from any address', async () => {
    const h = await seeded(entry)
    const token = h.token(MOCK_N0)
    for (const document of DOCUMENTS) {
      const plain = await h.exchange(`/${document}`, { as: N0_IP })
      expect(plain.status).toBe(200)
      for (const as of [N1_IP, UNKNOWN]) {
        for (const suffix of document.endsWith('.yaml') ? [''] : ['', '/']) {
          const seed = await h.exchange(`/n/${token}/${document}${suffix}`, { as })
          const expected = document === 'vendor-data' ? plain.body.replaceAll('http://localhost:8888/', `http://localhost:8888/n/${token}/`) : plain.body
          expect({ document, as, status: seed.status, body: seed.body }).toEqual({ document, as, status: 200, body: expected })
          // Same header lines, in the same order, but the request id.
          expect(seed.headers.filter(([n]) => n !== 'X-Request-ID')).toEqual(
            plain.headers.filter(([n]) => n !== 'X-Request-ID').map(([n, v]) => (n === 'Content-Length' ? [n, String(Buffer.byteLength(expected))] : [n, v])),
          )
        }
      }
    }
    const vendor = await h.exchange(`/n/${token}/vendor-data`, { as: UNKNOWN })
    expect(vendor.body).toBe(`#include\nhttp://localhost:8888/n/${token}/compute.yaml\nhttp://localhost:8888/n/${token}/green.yaml\n`)
    const head = await h.exchange(`/n/${token}/meta-data`, { as: UNKNOWN, method: 'HEAD' })
    expect([head.status, head.body]).toEqual([200, ''])
  })

  it('name the token’s node, the document and the token’s fingerprint on the request line, never the token', async () => {
    const h = await seeded(entry)
    const token = h.token(MOCK_N0)
    const from = h.logger.entries.length
    await h.exchange(`/n/${token}/meta-data`, { as: N1_IP })
    await h.exchange(`/n/${token}/compute.yaml`, { as: UNKNOWN })
    expect(linesSince(h, from)).toEqual([
      expect.objectContaining({ route: '/n/:token/meta-data', document: 'meta-data', node: MOCK_N0, client: N1_IP, status: 200, seed: seedTokenFingerprint(token) }),
      expect.objectContaining({ route: '/n/:token/:group.yaml', document: 'compute.yaml', node: MOCK_N0, client: UNKNOWN, status: 200 }),
    ])
    expect(JSON.stringify(h.logger.entries)).not.toContain(token)
  })
})

describe('tokens that name no node (SEED)', () => {
  it('answer one 404 naming no node, counted, for every wrong shape, without building a document', async () => {
    const h = await seeded()
    const token = h.token(MOCK_N0)
    const rotated = h.token(MOCK_N1)
    await h.seeds!.rotate({ node: MOCK_N1 })
    const builds = () => JSON.stringify((h.nocloud as unknown as { stats(): { builds: unknown } }).stats().builds)
    const before = builds()
    const bad = [
      rotated, // rotated
      token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), // one character off
      token.slice(0, 31), // truncated
      `${token}A`, // one too many
      `${token}%3D`, // padded, encoded
      `${token}=`, // padded
      `%${token.slice(1)}`,
      token.replace(/^(.)/, (c: string) => `%${c.charCodeAt(0).toString(16)}`).slice(0, 32), // a percent-encoded character
      `${token.slice(0, 30)}%2F`, // an encoded slash
      '', // /n//meta-data
      'x'.repeat(8_000), // very long
    ]
    for (const t of bad) {
      for (const document of DOCUMENTS) {
        const answer = await h.exchange(`/n/${t}/${document}`, { as: N0_IP })
        expect({ t: t.slice(0, 40), document, status: answer.status, body: answer.body }).toEqual({ t: t.slice(0, 40), document, status: 404, body: 'unknown seed token\n' })
        expect(answer.headers.find(([n]) => n === 'Content-Type')?.[1]).toBe(PLAIN)
      }
    }
    expect(builds()).toBe(before)
    expect(h.seeds!.stats().requests).toEqual({ accepted: 0, malformed: (bad.length - 2) * DOCUMENTS.length, unknown: 2 * DOCUMENTS.length, wrongAddress: 0 })
    const lines = h.logger.entries.filter((e) => e.message === 'request' && (e.fields as { status?: number }).status === 404)
    expect(lines.filter((e) => (e.fields as { node?: string }).node !== undefined)).toEqual([])
    // The fingerprint is logged for a segment of the token shape only (the rotated and one-off tokens).
    const seeds = lines.map((e) => (e.fields as { seed?: string }).seed)
    expect(new Set(seeds)).toEqual(new Set([seedTokenFingerprint(bad[0]!), seedTokenFingerprint(bad[1]!), undefined]))
  })

  it('other paths under /n/ are plain unknown paths; an undecodable group is 400; other methods 405', async () => {
    const h = await seeded()
    const token = h.token(MOCK_N0)
    for (const path of [`/n/${token}`, `/n/${token}/`, `/n/${token}/meta-data/x`, `/n/${token}/a/compute.yaml`, `/n/${token}%2Fmeta-data`, '/n/', `/n/${token}/../meta-data`]) {
      const answer = await h.exchange(path, { as: N0_IP })
      expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 404, body: 'not found\n' })
    }
    expect(await h.exchange(`/n/${token}/%ZZ.yaml`, { as: N0_IP })).toMatchObject({ status: 400, body: 'invalid path: bad percent-encoding\n' })
    const post = await h.exchange(`/n/${token}/meta-data`, { as: N0_IP, method: 'POST' })
    expect([post.status, post.headers.find(([n]) => n === 'Allow')?.[1]]).toEqual([405, 'HEAD, GET'])
  })

  it('with seed tokens off, /n/… is a plain unknown path', async () => {
    const h = await startHarness()
    expect(await h.exchange(`/n/${'A'.repeat(32)}/meta-data`, { as: N0_IP })).toMatchObject({ status: 404, body: 'not found\n' })
  })
})

describe('seed_tokens: required (SEED)', () => {
  it('refuses every address-only route to a known node with 403 naming the setting; unknown addresses keep 404 and user-data', async () => {
    const h = await seeded('listener', { seeds: { mode: 'required' } })
    for (const document of DOCUMENTS) {
      expect(await h.exchange(`/${document}`, { as: N0_IP })).toMatchObject({ status: 403, body: REQUIRED })
      expect((await h.exchange(`/n/${h.token(MOCK_N0)}/${document}`, { as: N1_IP })).status).toBe(200)
    }
    expect(await h.exchange('/meta-data', { as: UNKNOWN })).toMatchObject({ status: 404, body: 'node not found\n' })
    expect(await h.exchange('/user-data', { as: UNKNOWN })).toMatchObject({ status: 200, body: '#cloud-config\n' })
    expect(h.seeds!.stats().addressOnlyRefused).toBe(DOCUMENTS.length)
    const refused = h.logger.entries.filter((e) => e.message === 'request' && (e.fields as { status?: number }).status === 403)
    expect(refused.map((e) => (e.fields as { node?: string }).node)).toEqual(Array(DOCUMENTS.length).fill(MOCK_N0))
  })
})

describe('seed_tokens_bind_address (SEED)', () => {
  it('refuses a token from another node’s address or an unknown one as an unknown token, and serves its own node', async () => {
    const h = await seeded('listener', { seeds: { bindAddress: true } })
    const token = h.token(MOCK_N0)
    for (const as of [N1_IP, UNKNOWN]) expect(await h.exchange(`/n/${token}/meta-data`, { as })).toMatchObject({ status: 404, body: 'unknown seed token\n' })
    const own = await h.exchange(`/n/${token}/meta-data`, { as: N0_IP })
    expect(own.status).toBe(200)
    expect(own.body).toContain(`instance-id: ${MOCK_N0}\n`)
    expect(h.seeds!.stats().requests).toMatchObject({ accepted: 1, wrongAddress: 2 })
    expect(h.logger.entries.filter((e) => e.message === 'seed token used from an address of another node').map((e) => e.fields)).toEqual([
      expect.objectContaining({ node: MOCK_N0, client: N1_IP, seed: seedTokenFingerprint(token) }),
      expect.objectContaining({ node: MOCK_N0, client: UNKNOWN, seed: seedTokenFingerprint(token) }),
    ])
  })
})

describe('boot status and metrics follow the token’s node (SEED, BOOT, SVC-4)', () => {
  it('records the token’s node, not the address it came from; counts the documents, not the bad tokens as unknown clients', async () => {
    const h = await seeded('listener', {
      bootStatus: {},
      metrics: ({ bootStatus }) => createServiceMetrics(bootStatus === undefined ? {} : { bootStatus: () => bootStatus.summary() }),
    })
    const token = h.token(MOCK_N0)
    const boot = ['meta-data', 'network-config', 'user-data', 'vendor-data', 'compute.yaml', 'green.yaml']
    for (const document of boot) {
      expect((await h.exchange(`/n/${token}/${document}`, { as: UNKNOWN })).status).toBe(200)
    }
    expect((await h.exchange(`/n/${'A'.repeat(32)}/meta-data`, { as: UNKNOWN })).status).toBe(404)
    const report = (await (await h.fetch('/boot-status')).json()) as {
      nodes: Array<{ xname: string; state: string; documents: Array<{ document: string }> }>
      unknownAddresses: { entries: Array<{ address: string; requests: number; lastPath: string }> }
    }
    const n0 = report.nodes.find((n) => n.xname === MOCK_N0)
    expect(n0?.state).toBe('configured')
    expect(n0?.documents.map((d) => d.document).sort()).toEqual([...boot].sort())
    expect(report.nodes.filter((n) => n.xname !== MOCK_N0).map((n) => n.state)).toEqual(['idle', 'idle'])
    // The refused token named no node: its address is an unknown address, and the path shown holds no token.
    expect(report.unknownAddresses.entries).toEqual([expect.objectContaining({ address: UNKNOWN, requests: 1, lastPath: '/meta-data' })])
    const metrics = await (await h.fetch('/metrics')).text()
    expect(metrics).toContain('metadata_service_documents_served_total{document="meta-data"} 1\n')
    expect(metrics).toContain('route="/n/:token/meta-data",status="200"')
    expect(metrics).not.toContain(token)
  })
})
