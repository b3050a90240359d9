import { describe, expect, it } from 'vitest'
import { createFakeInventory, createFixedClock, createMemoryStore, MOCK_N0, MOCK_N1, MOCK_STORAGE, sampleInventoryNodes, storedResource } from '../../src/testing/index.js'
import { createBootRecorder } from '../../src/boot-status/boot-recorder.js'
import { createBootStatusService } from '../../src/boot-status/boot-status-service.js'

// BOOT: the record kept current from the inventory (memberships) and the store (which Groups have a template).

function setup() {
  const clock = createFixedClock()
  const inventory = createFakeInventory() // n0: compute, green; n1: compute, blue; storage node: storage
  const store = createMemoryStore()
  const recorder = createBootRecorder({ clock })
  const status = createBootStatusService({ recorder, inventory, store, tunnelAddresses: () => new Map([[MOCK_N0, '100.97.0.2']]) })
  const group = (name: string, template: string, uid: string) =>
    store.create(storedResource('Group', { metadata: { name }, spec: { description: '', template } }, { uid }))
  const boot = (xname: string, client: string) => {
    for (const document of ['meta-data', 'user-data', 'vendor-data'] as const) {
      status.record({ node: xname, client, document, group: undefined, status: 200, at: clock.now() })
    }
  }
  return { clock, inventory, store, status, group, boot }
}

describe('createBootStatusService (BOOT)', () => {
  it('lists the inventory nodes and their groups before any request, and knows stored Groups', async () => {
    const { status, group } = setup()
    await group('empty', '', 'group-00000009')
    const report = await status.report({})
    expect(report.nodes.map((n) => [n.xname, n.groups])).toEqual([
      [MOCK_N0, ['compute', 'green']],
      [MOCK_N1, ['compute', 'blue']],
      [MOCK_STORAGE, ['storage']],
    ])
    expect(Object.keys(report.groups)).toEqual(['blue', 'compute', 'empty', 'green', 'storage'])
  })

  it('requires the documents of member groups with a template, following store writes', async () => {
    const { status, group, boot } = setup()
    boot(MOCK_N1, '10.252.0.27')
    expect((await status.node(MOCK_N1))?.state).toBe('configured')
    await group('compute', '#cloud-config\n', 'group-00000001')
    expect(await status.node(MOCK_N1)).toMatchObject({ state: 'booting', missing: ['compute.yaml'] })
    status.record({ node: MOCK_N1, client: '10.252.0.27', document: 'group', group: 'compute', status: 200, at: Date.UTC(2025, 0, 1) })
    expect((await status.node(MOCK_N1))?.state).toBe('configured')
  })

  it('start: loads the node list at once and follows later changes without a read', async () => {
    const { status, store, group, clock } = setup()
    const stop = await status.start(5)
    // Recorded before any read: the memberships are known, so compute.yaml is counted as n1's.
    await group('compute', '#cloud-config\n', 'group-00000001')
    await new Promise((resolve) => setTimeout(resolve, 50))
    for (const document of ['meta-data', 'user-data', 'vendor-data', 'group'] as const) {
      status.record({ node: MOCK_N1, client: '10.252.0.27', document, group: document === 'group' ? 'compute' : undefined, status: 200, at: clock.now() })
    }
    expect((await status.node(MOCK_N1))?.state).toBe('configured')
    stop()
    void store
  })

  it('follows inventory syncs: a node gone from SMD leaves the record', async () => {
    const { status, inventory } = setup()
    expect((await status.summary()).summary.nodes).toBe(3)
    inventory.setNodes([])
    expect((await status.summary()).summary.nodes).toBe(0)
  })

  it('walks the inventory only when it changed, and the record only when the Groups did (issue 19)', async () => {
    const clock = createFixedClock()
    const inventory = createFakeInventory()
    const store = createMemoryStore()
    const inner = createBootRecorder({ clock })
    const passes = { roster: 0, groups: 0 }
    const recorder = {
      ...inner,
      setRoster: (...args: Parameters<typeof inner.setRoster>) => (passes.roster++, inner.setRoster(...args)),
      setGroups: (...args: Parameters<typeof inner.setGroups>) => (passes.groups++, inner.setGroups(...args)),
    }
    const status = createBootStatusService({ recorder, inventory, store })
    await status.summary()
    expect(passes).toEqual({ roster: 1, groups: 0 })
    const compute = await store.create(storedResource('Group', { metadata: { name: 'compute' }, spec: { description: '', template: '#cloud-config\n' } }, { uid: 'group-00000001' }))
    await status.summary()
    expect(passes).toEqual({ roster: 1, groups: 1 })
    expect(await status.node(MOCK_N1)).toMatchObject({ missing: expect.arrayContaining(['compute.yaml']) as unknown })
    // Writes the record does not depend on: an InstanceInfo, a template's text, a description.
    await store.create(storedResource('InstanceInfo', { metadata: { name: MOCK_N0 }, spec: { instance_id: 'i-1' } }))
    const edited = await store.update({ ...compute, spec: { description: 'edited', template: '#cloud-config\nruncmd: []\n' } }, compute.metadata.resourceVersion)
    await status.summary()
    expect(passes).toEqual({ roster: 1, groups: 1 })
    // A template emptied: vendor-data stops listing compute.yaml, so n1 no longer needs it.
    await store.update({ ...edited, spec: { description: 'edited', template: '' } }, edited.metadata.resourceVersion)
    await status.summary()
    expect(passes).toEqual({ roster: 1, groups: 2 })
    expect((await status.node(MOCK_N1))?.missing ?? []).not.toContain('compute.yaml')
    inventory.setNodes([])
    expect((await status.summary()).summary.nodes).toBe(0)
    expect(passes).toEqual({ roster: 2, groups: 2 })
  })

  it('walks a changed inventory in slices of about 4 ms, yielding between them, and lists every node (issue 19)', async () => {
    const clock = createFixedClock()
    const nodes = sampleInventoryNodes(40)
    const inventory = createFakeInventory(nodes)
    // Each node read takes 1 ms on this clock; every yield is recorded and runs its continuation at once.
    const ticking = { now: () => (clock.advance(1), clock.now()) }
    const yields: number[] = []
    const scheduler = { soon: (task: () => void) => (yields.push(clock.now()), task()) }
    const recorder = createBootRecorder({ clock })
    const status = createBootStatusService({ recorder, inventory, store: createMemoryStore(), scheduler, clock: ticking })
    expect((await status.summary()).summary.nodes).toBe(40)
    expect(yields.length).toBeGreaterThanOrEqual(8)
    expect(yields.length).toBeLessThanOrEqual(20)
    expect((await status.report({})).nodes.map((n) => n.xname).sort()).toEqual(nodes.map((n) => n.xname).sort())
  })

  it('adds the WireGuard tunnel address of a node that has a peer', async () => {
    const { status } = setup()
    expect((await status.node(MOCK_N0))?.wireguard).toEqual({ tunnelAddress: '100.97.0.2' })
    expect((await status.node(MOCK_N1))?.wireguard).toBeUndefined()
    expect((await status.report({ limit: 1 })).nodes[0]?.wireguard).toEqual({ tunnelAddress: '100.97.0.2' })
  })
})
