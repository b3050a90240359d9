import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { goWireGuardStateYaml } from '../../src/testing/go-state-file.js'
import { parseGoWireGuardState } from '../../src/wireguard/go-state.js'
import { importGoWireGuardPeers } from '../../src/wireguard/import-go-state.js'
import { generateWireGuardKeyPair, wireGuardPeerUid } from '../../src/wireguard/keys.js'

const server = generateWireGuardKeyPair()
const nodeA = generateWireGuardKeyPair().publicKey
const nodeB = generateWireGuardKeyPair().publicKey
// One peer as /wg-init made it (keyed by boot address, no allowedIP), one as a WireGuardPeer reconcile made it.
const STATE = goWireGuardStateYaml({
  serverPrivateKey: server.privateKey,
  serverPublicKey: server.publicKey,
  peers: [
    { peerID: '10.252.0.26', publicKey: nodeA, vpnIP: '100.97.0.2', clientIP: '10.252.0.26', allowedIP: '' },
    { peerID: '10.252.0.27', publicKey: nodeB, vpnIP: '100.97.0.3', clientIP: '10.252.0.27', allowedIP: '100.97.0.3/32' },
  ],
})

describe('parseGoWireGuardState (the Go service\'s /data/wireguard/state.yaml, §16)', () => {
  it('reads the server key and every peer of the file as the Go controller wrote it', () => {
    expect(STATE).toBe(
      `version: "1"\nserverPrivateKey: ${server.privateKey}\nserverPublicKey: ${server.publicKey}\nallocatedIPs:\n    - 100.97.0.2\n` +
        `    - 100.97.0.3\npeers:\n    - peerID: 10.252.0.26\n      publicKey: ${nodeA}\n      vpnIP: 100.97.0.2\n      clientIP: 10.252.0.26\n` +
        `      allowedIP: ""\n    - peerID: 10.252.0.27\n      publicKey: ${nodeB}\n      vpnIP: 100.97.0.3\n      clientIP: 10.252.0.27\n` +
        '      allowedIP: 100.97.0.3/32\n',
    )
    expect(parseGoWireGuardState(STATE)).toEqual({
      serverPrivateKey: server.privateKey,
      peers: [
        { publicKey: nodeA, address: '100.97.0.2', clientAddress: '10.252.0.26' },
        { publicKey: nodeB, address: '100.97.0.3', clientAddress: '10.252.0.27' },
      ],
    })
    const fresh = goWireGuardStateYaml({ serverPrivateKey: server.privateKey, serverPublicKey: server.publicKey, peers: [] })
    expect(parseGoWireGuardState(fresh)).toEqual({ serverPrivateKey: server.privateKey, peers: [] })
  })

  it.each([
    ['peers: [', /^not YAML: /],
    ['- a\n- b\n', /^expected a mapping with serverPrivateKey and peers$/],
    ['version: "1"\n', /^serverPrivateKey: must be base64 of 32 bytes$/],
    [`serverPrivateKey: ${server.privateKey.slice(0, 20)}\n`, /^serverPrivateKey: must be base64 of 32 bytes$/],
    [`serverPrivateKey: ${server.privateKey}\npeers: 3\n`, /^peers: must be a list$/],
    [`serverPrivateKey: ${server.privateKey}\npeers:\n    - publicKey: nope\n`, /^peers\[0\]\.publicKey: must be base64 of 32 bytes$/],
    [`serverPrivateKey: ${server.privateKey}\npeers:\n    - publicKey: ${nodeA}\n      vpnIP: ""\n`, /^peers\[0\]\.vpnIP: must be an IPv4 address, got ""$/],
    [`serverPrivateKey: ${server.privateKey}\npeers:\n    - publicKey: ${nodeA}\n      allowedIP: fd00::2/128\n`,
      /^peers\[0\]\.allowedIP: must be an IPv4 address or CIDR, got "fd00::2\/128"$/],
  ])('refuses %j naming what is wrong, never the key', (text, message) => {
    expect(() => parseGoWireGuardState(text)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) }))
    try {
      parseGoWireGuardState(text)
    } catch (err) {
      expect((err as Error).message).not.toContain(server.privateKey)
    }
  })
})

describe('importGoWireGuardPeers (§16: the Go service\'s peers keep their tunnels)', () => {
  const nodes: Record<string, string> = { '10.252.0.26': 'x1000c0s0b0n0', '10.252.0.27': 'x1000c0s0b0n0' }
  const resolveRequester = async (address: string) => nodes[address] ?? address

  it('stores each peer named after its node, at its tunnel address, once', async () => {
    const store = createMemoryStore()
    const { peers } = parseGoWireGuardState(STATE)
    const first = await importGoWireGuardPeers(peers, { store, resolveRequester, now: Date.UTC(2026, 0, 2) })
    expect(first).toEqual({ imported: [wireGuardPeerUid(nodeA), wireGuardPeerUid(nodeB)], skipped: [] })
    const stored = (await store.list('WireGuardPeer')).sort((a, b) => a.spec.allowed_ip.localeCompare(b.spec.allowed_ip))
    // The second peer of the same node keeps its boot address as its name (names are unique, RES-3).
    expect(stored.map((p) => [p.metadata.name, p.spec.public_key, p.spec.allowed_ip, p.metadata.createdAt])).toEqual([
      ['x1000c0s0b0n0', nodeA, '100.97.0.2/32', '2026-01-02T00:00:00.000Z'],
      ['10.252.0.27', nodeB, '100.97.0.3/32', '2026-01-02T00:00:00.000Z'],
    ])
    const generation = store.generation()
    const again = await importGoWireGuardPeers(peers, { store, resolveRequester, now: Date.UTC(2026, 0, 3) })
    expect(again).toEqual({
      imported: [],
      skipped: [
        { address: '100.97.0.2', heldBy: wireGuardPeerUid(nodeA) },
        { address: '100.97.0.3', heldBy: wireGuardPeerUid(nodeB) },
      ],
    })
    expect(store.generation()).toBe(generation)
  })

  it('names a peer by its boot address when SMD cannot say whose it is now', async () => {
    const store = createMemoryStore()
    const { peers } = parseGoWireGuardState(STATE)
    const unavailable = async (): Promise<string> => {
      throw new MetadataError('INVENTORY_UNAVAILABLE', 'node lookup unavailable')
    }
    await importGoWireGuardPeers(peers, { store, resolveRequester: unavailable, now: 0 })
    expect((await store.list('WireGuardPeer')).map((p) => p.metadata.name).sort()).toEqual(['10.252.0.26', '10.252.0.27'])
  })
})
