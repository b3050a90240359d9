import { describe, expect, it } from 'vitest'
import { createResourceService, type KindChecks } from '../../src/services/resource-service.js'
import { createMemoryStore } from '../../src/testing/index.js'
import { KEY_A as KEY, storedPeer } from './_peers.test-data.js'
import { checkWireGuardPeer } from '../../src/wireguard/peer-checks.js'

function storeWithPeer() {
  return createMemoryStore([storedPeer('x1000c0s0b0n0', 'wireguardpeer-aaaaaaaaaaaaaaaa', '100.97.0.2/32')])
}

describe('checkWireGuardPeer (WG-11)', () => {
  it('accepts a valid peer with a free address', async () => {
    await expect(
      checkWireGuardPeer({ public_key: KEY, allowed_ip: '100.97.0.3/32' }, { uid: undefined, store: storeWithPeer() }),
    ).resolves.toBeUndefined()
  })

  it('lets a peer keep its own address on update', async () => {
    const ctx = { uid: 'wireguardpeer-aaaaaaaaaaaaaaaa', store: storeWithPeer() }
    await expect(checkWireGuardPeer({ public_key: KEY, allowed_ip: '100.97.0.2/32' }, ctx)).resolves.toBeUndefined()
  })

  it('refuses an address another peer holds, comparing hosts', async () => {
    const ctx = { uid: 'wireguardpeer-bbbbbbbbbbbbbbbb', store: storeWithPeer() }
    await expect(checkWireGuardPeer({ public_key: KEY, allowed_ip: '100.97.0.2/24' }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: allowed_ip 100.97.0.2 is already assigned to wireguardpeer-aaaaaaaaaaaaaaaa',
    })
  })

  it('reports a bad CIDR and a bad key together, in WG-11 order', async () => {
    await expect(
      checkWireGuardPeer({ public_key: 'not-base64', allowed_ip: '100.97.0.2' }, { uid: undefined, store: storeWithPeer() }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message:
        'validation failed: allowed_ip must be a valid CIDR: invalid CIDR "100.97.0.2": missing "/<prefix length>"; ' +
        'public_key must be valid base64',
    })
  })

  it('refuses a key of the wrong length', async () => {
    const spec = { public_key: Buffer.alloc(16).toString('base64'), allowed_ip: '100.97.0.9/32' }
    await expect(checkWireGuardPeer(spec, { uid: undefined, store: storeWithPeer() })).rejects.toThrow(
      'validation failed: public_key must decode to 32 bytes',
    )
  })
})

describe('checkWireGuardPeer through the resource service (WG-11, RES-9)', () => {
  it('is the WireGuardPeer kind check: a duplicate address is refused and nothing is stored', async () => {
    const store = storeWithPeer()
    const kindChecks: KindChecks = { WireGuardPeer: checkWireGuardPeer }
    const service = createResourceService({ store, kindChecks })
    const body = { metadata: { name: 'n9' }, spec: { public_key: KEY, allowed_ip: '100.97.0.2/32' } }
    await expect(service.create('WireGuardPeer', body)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: allowed_ip 100.97.0.2 is already assigned to wireguardpeer-aaaaaaaaaaaaaaaa',
    })
    expect(await store.list('WireGuardPeer')).toHaveLength(1)
    const created = await service.create('WireGuardPeer', { ...body, spec: { ...body.spec, allowed_ip: '100.97.0.3/32' } })
    expect(created.spec.allowed_ip).toBe('100.97.0.3/32')
  })
})
