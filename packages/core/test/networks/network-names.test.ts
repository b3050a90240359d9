import { describe, expect, it } from 'vitest'
import { createFakeInventory, createFixedClock, createMemoryStore } from '../../src/testing/index.js'
import type { Networks } from '../../src/domain/network-definitions.js'
import { mergeNetworks } from '../../src/networks/merge.js'
import { validateNetworks } from '../../src/networks/validate-networks.js'
import { createResourceService } from '../../src/services/resource-service.js'

// Issue 18: network names are ordinary keys. `__proto__` (which the schema parser would drop silently) is refused
// with a 400 naming the rule; `constructor` is kept and merged like any name (docs/spec-addendum.md, "Network names").

const CD = { base_url: 'http://example.com', cluster_name: 'testcluster' }
const parsed = (json: string): Networks => JSON.parse(json) as Networks

describe('mergeNetworks with names that are Object.prototype members', () => {
  it('keeps __proto__ and constructor as own networks, merged key by key, and touches no prototype', () => {
    const cluster = parsed('{"__proto__": {"mtu": 9000, "ipv4": {"subnet": "10.1.0.0/24"}}, "constructor": {"mtu": 1500}}')
    const node = parsed('{"__proto__": {"ipv4": {"gateway": "10.1.0.1"}}, "Constructor": {"mtu": 1400}}')
    const merged = mergeNetworks(cluster, node) as Record<string, unknown>
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(Object.keys(merged)).toEqual(['__proto__', 'Constructor'])
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toEqual({ mtu: 9000, ipv4: { subnet: '10.1.0.0/24', gateway: '10.1.0.1' } })
    expect(merged['Constructor']).toEqual({ mtu: 1400 })
    expect(({} as Record<string, unknown>)['mtu']).toBeUndefined()
  })
})

describe('a network named __proto__ at write (RES-9)', () => {
  const setup = () => {
    const store = createMemoryStore()
    const service = createResourceService({ store, clock: createFixedClock(Date.UTC(2025, 0, 1)), inventory: createFakeInventory() })
    return { store, service }
  }

  it('is refused with a 400 naming the field and the rule, on create and patch, storing nothing', async () => {
    const { store, service } = setup()
    const body = JSON.parse(`{"metadata": {"name": "c"}, "spec": ${JSON.stringify(CD).slice(0, -1)}, "networks": {"__proto__": {"mtu": 9000}}}}`)
    await expect(service.create('ClusterDefaults', body)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'validation failed: networks.__proto__ is not allowed: __proto__ is reserved and cannot name a network',
    })
    expect(await store.list('ClusterDefaults')).toEqual([])
    const created = await service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: CD })
    const patch = JSON.parse('{"networks": {"__proto__": {"mtu": 9000}}}')
    await expect(service.patch('ClusterDefaults', created.metadata.uid, patch, 'merge')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect((await store.list('ClusterDefaults'))[0]?.spec).toEqual(CD)
  })

  it('is refused in a render preview too; constructor is an ordinary name', () => {
    expect(() => validateNetworks(JSON.parse('{"__proto__": {"mtu": 9000}}'))).toThrow(
      'validation failed: networks.__proto__ is not allowed: __proto__ is reserved and cannot name a network',
    )
    expect(validateNetworks(JSON.parse('{"constructor": {"mtu": 9000}}'))).toEqual({ constructor: { mtu: 9000 } })
  })

  it('stores and serves constructor like any other name', async () => {
    const { service } = setup()
    const created = await service.create('ClusterDefaults', { metadata: { name: 'c' }, spec: { ...CD, networks: JSON.parse('{"constructor": {"mtu": 9000}}') } })
    expect(created.spec.networks).toEqual({ constructor: { mtu: 9000 } })
  })
})
