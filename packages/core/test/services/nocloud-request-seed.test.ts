import { describe, expect, it } from 'vitest'
import { createMemorySeedTokenStore } from '../../src/testing/memory-seed-token-store.js'
import { createSeedTokens } from '../../src/seed-tokens/seed-token-service.js'
import type { SeedTokenPolicy } from '../../src/seed-tokens/seed-policy.js'
import { answerNoCloudRequest, type NoCloudDocumentName, type NoCloudRequest } from '../../src/services/nocloud-request.js'
import type { NoCloudService } from '../../src/services/nocloud-api.js'
import { rejection, setup } from './_nocloud-service.test-setup.js'

// SEED (issue 20) on the one NoCloud use case: the node comes from the token instead of the address.

const N0 = 'x1000c0s0b0n0'
const N1 = 'x1000c0s0b0n1'
const N0_IP = '10.252.0.26'
const N1_IP = '10.252.0.27'
const UNKNOWN_IP = '192.168.99.99'
const DOCUMENTS: ReadonlyArray<readonly [NoCloudDocumentName, string]> = [
  ['meta-data', ''],
  ['user-data', ''],
  ['vendor-data', ''],
  ['network-config', ''],
  ['group', 'compute'],
]

function seeded(policy: Partial<SeedTokenPolicy> = {}) {
  const s = setup()
  const seeds = createSeedTokens({
    store: createMemorySeedTokenStore(),
    inventory: s.inventory,
    logger: s.logger,
    policy: { mode: 'optional', bindAddress: false, ...policy },
    resolveAddress: (address) => s.service.resolveNode(address),
  })
  return { ...s, seeds }
}

function request(fields: Partial<NoCloudRequest> & Pick<NoCloudRequest, 'document'>): NoCloudRequest {
  return { group: '', client: N0_IP, peerTrusted: false, headers: { host: 'localhost:8888' }, reqId: 'req-1', ...fields }
}

/** A service that counts address resolutions and document builds (the template engine's callers). */
function counting(service: NoCloudService) {
  const calls: string[] = []
  const wrapped: NoCloudService = {
    ...service,
    resolveNode: (address) => (calls.push(`resolve ${address}`), service.resolveNode(address)),
    metaData: (node, r) => (calls.push('meta-data'), service.metaData(node, r)),
    vendorData: (node, r) => (calls.push('vendor-data'), service.vendorData(node, r)),
    networkConfig: (node, r) => (calls.push('network-config'), service.networkConfig(node, r)),
    groupDocument: (node, group, r) => (calls.push('group'), service.groupDocument(node, group, r)),
  }
  return { calls, wrapped }
}

describe('answerNoCloudRequest under a seed URL (SEED)', () => {
  it('answers every document of the token’s node, byte for byte the address-only answer, whatever the client', async () => {
    const { service, seeds } = seeded()
    const token = seeds.tokenOf(N0)
    for (const client of [N1_IP, UNKNOWN_IP]) {
      for (const [document, group] of DOCUMENTS) {
        const plain = await answerNoCloudRequest(service, request({ document, group, client: N0_IP }), seeds)
        const r = request({ document, group, client, seedToken: token })
        const seed = await answerNoCloudRequest(service, r, seeds)
        expect(r.node).toBe(N0)
        if (document === 'vendor-data') {
          expect(seed.body).toBe(plain.body.replaceAll('http://localhost:8888/', `http://localhost:8888/n/${token}/`))
          expect(seed.body).toContain(`/n/${token}/compute.yaml\n`)
        } else expect(seed).toEqual(plain)
      }
    }
  })

  it('shares the document cache with the address-only routes: one render per document', async () => {
    const { service, seeds } = seeded()
    const token = seeds.tokenOf(N0)
    await answerNoCloudRequest(service, request({ document: 'meta-data' }), seeds)
    await answerNoCloudRequest(service, request({ document: 'meta-data', client: N1_IP, seedToken: token }), seeds)
    await answerNoCloudRequest(service, request({ document: 'group', group: 'compute', client: UNKNOWN_IP, seedToken: token }), seeds)
    await answerNoCloudRequest(service, request({ document: 'group', group: 'compute' }), seeds)
    const { builds, hits } = service.stats()
    expect([builds.metaData, hits.metaData, builds.group, hits.group]).toEqual([1, 1, 1, 1])
  })

  it('refuses a malformed, unknown or rotated token with one 404 text, before any address lookup or document', async () => {
    const { service, seeds } = seeded()
    const { calls, wrapped } = counting(service)
    const good = seeds.tokenOf(N0)
    const rotated = seeds.tokenOf(N1)
    await seeds.rotate({ node: N1 })
    const otherChar = good.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    const wrongShape = ['', 'short', `${good}A`, `${good}=`, good.slice(1), `%41${good.slice(3)}`, `${good.slice(0, 31)}.`, 'a'.repeat(100_000)]
    for (const token of [...wrongShape, otherChar, rotated]) {
      for (const [document, group] of DOCUMENTS) {
        const r = request({ document, group, seedToken: token })
        const err = await rejection(answerNoCloudRequest(wrapped, r, seeds))
        expect([err.code, err.message]).toEqual(['NODE_NOT_FOUND', 'unknown seed token'])
        expect(r.node).toBeUndefined()
      }
    }
    expect(calls).toEqual([])
  })

  it('refuses any token with seed tokens off (no gate)', async () => {
    const { service, seeds } = seeded()
    const err = await rejection(answerNoCloudRequest(service, request({ document: 'meta-data', seedToken: seeds.tokenOf(N0) })))
    expect(err.message).toBe('unknown seed token')
  })

  it('bind_address: a token from another node’s (or no node’s) address is an unknown token', async () => {
    const { service, seeds } = seeded({ bindAddress: true })
    const token = seeds.tokenOf(N0)
    for (const client of [N1_IP, UNKNOWN_IP]) {
      const err = await rejection(answerNoCloudRequest(service, request({ document: 'meta-data', client, seedToken: token }), seeds))
      expect(err.message).toBe('unknown seed token')
    }
    const own = request({ document: 'meta-data', client: N0_IP, seedToken: token })
    expect((await answerNoCloudRequest(service, own, seeds)).body).toContain(`instance-id: ${N0}\n`)
    expect(seeds.stats().requests).toMatchObject({ accepted: 1, wrongAddress: 2 })
  })
})

describe('answerNoCloudRequest with seed_tokens: required (SEED)', () => {
  const REQUIRED = 'seed token required: this node is served only under its seed URL /n/<token>/ (seed_tokens: required)'

  it('refuses every address-only document of a known node with FORBIDDEN naming the setting, naming the node', async () => {
    const { service, seeds } = seeded({ mode: 'required' })
    for (const [document, group] of DOCUMENTS) {
      const r = request({ document, group })
      const err = await rejection(answerNoCloudRequest(service, r, seeds))
      expect([err.code, err.message]).toEqual(['FORBIDDEN', REQUIRED])
      expect(r.node).toBe(N0)
    }
    expect(seeds.stats().addressOnlyRefused).toBe(DOCUMENTS.length)
  })

  it('keeps 404 and user-data for an unknown address, and serves the seed URL', async () => {
    const { service, seeds } = seeded({ mode: 'required' })
    expect((await rejection(answerNoCloudRequest(service, request({ document: 'meta-data', client: UNKNOWN_IP }), seeds))).code).toBe('NODE_NOT_FOUND')
    expect((await answerNoCloudRequest(service, request({ document: 'user-data', client: UNKNOWN_IP }), seeds)).body).toBe('#cloud-config\n')
    const r = request({ document: 'meta-data', seedToken: seeds.tokenOf(N0) })
    expect((await answerNoCloudRequest(service, r, seeds)).body).toContain(`instance-id: ${N0}\n`)
  })

  it('optional serves the address-only routes as before', async () => {
    const { service, seeds } = seeded({ mode: 'optional' })
    const r = request({ document: 'meta-data' })
    expect((await answerNoCloudRequest(service, r, seeds)).body).toContain(`instance-id: ${N0}\n`)
    expect(seeds.stats().addressOnlyRefused).toBe(0)
  })
})
