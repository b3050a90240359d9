import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { Clock } from '../../src/ports/clock.js'
import type { InventoryNode } from '../../src/ports/inventory.js'
import { MetadataError } from '../../src/errors.js'
import type { ResourceStore } from '../../src/ports/resource-store.js'
import { storedResource } from '../../src/testing/fixtures.js'
import { createMemoryStore } from '../../src/testing/memory-store.js'
import { renderGroupTemplate } from '../../src/templates/index.js'
import type { WarmScheduler } from '../../src/services/nocloud-prerender.js'
import { COMPUTE, DEFAULT_SETUP, GREEN, REQUEST, clusterNodes, rejection, setup, type SetupOptions } from './_nocloud-service.test-setup.js'

/** A scheduler driven by the test: tasks wait in a queue, intervals fire on `tick()`. */
function manualScheduler() {
  const queue: (() => void)[] = []
  const intervals = new Set<() => void>()
  const calls = { soon: 0, every: 0 }
  const scheduler: WarmScheduler = {
    soon: (task) => {
      calls.soon += 1
      queue.push(task)
    },
    every: (task) => {
      calls.every += 1
      const entry = () => task()
      intervals.add(entry)
      return () => intervals.delete(entry)
    },
  }
  /** Runs one queued task, then lets promises (the store's index load) settle. */
  const step = async (): Promise<boolean> => {
    const task = queue.shift()
    if (task === undefined) return false
    task()
    await new Promise((resolve) => setTimeout(resolve, 0))
    return true
  }
  return {
    scheduler,
    calls,
    intervals,
    pending: () => queue.length,
    step,
    async steps(n: number) {
      for (let i = 0; i < n; i++) await step()
    },
    async drain(after: () => void = () => {}) {
      while (await step()) after()
    },
    tick: () => intervals.forEach((task) => task()),
  }
}

/** A clock that moves 1 ms every time it is read, so a 4 ms slice covers exactly 4 nodes. */
function tickingClock(): Clock {
  let now = 0
  return { now: () => now++ }
}

/** Every document a request may ask of `node` whose cache entry the pre-render fills. */
async function fetchAll(service: ReturnType<typeof setup>['service'], node: InventoryNode) {
  const docs = [await service.metaData(node, REQUEST), await service.networkConfig(node), await service.vendorData(node, REQUEST)]
  for (const group of node.groups ?? []) if (group !== 'blue') docs.push(await service.groupDocument(node, group, REQUEST))
  return docs
}

function warmed(options: SetupOptions = {}) {
  const nodes = options.nodes ?? clusterNodes(1000)
  const s = setup({ ...options, nodes })
  const sched = manualScheduler()
  const handle = s.service.startPrerender({ scheduler: sched.scheduler, clock: tickingClock(), sliceMs: 4 })
  return { ...s, nodes: [...s.inventory.nodes()], sched, handle }
}

describe('NoCloud pre-render (OPS-7)', () => {
  it('warms 1,000 nodes so that every request afterwards is a hit with the bytes of an unwarmed service', async () => {
    const { service, store, nodes, sched, logger } = warmed()
    expect(service.stats().prerender).toMatchObject({ enabled: true, running: true, passes: 0 })
    await sched.drain()

    const prerender = service.stats().prerender
    // green only for even nodes; blue is a membership without a stored Group, so it has nothing to pre-render.
    expect(prerender.builds).toEqual({ metaData: 1000, vendorData: 1000, networkConfig: 1000, group: 1500 })
    expect(prerender).toMatchObject({ enabled: true, running: false, passes: 1, abandoned: 0 })
    expect(prerender.lastPass).toMatchObject({ documents: 4500, nodes: 1000, ofNodes: 1000, failures: 0, requestDependent: 0, capped: false })
    expect(service.stats().cachedDocuments).toBe(4500)

    const unwarmed = setup({ store, nodes: [] }).service
    for (const node of nodes) {
      // Same store and the same snapshot objects, so both services render from identical inputs.
      const reference = [await unwarmed.metaData(node, REQUEST), await unwarmed.networkConfig(node), await unwarmed.vendorData(node, REQUEST)]
      for (const group of node.groups ?? []) if (group !== 'blue') reference.push(await unwarmed.groupDocument(node, group, REQUEST))
      expect(await fetchAll(service, node)).toEqual(reference)
    }
    expect(service.stats().builds).toEqual({ metaData: 0, vendorData: 0, networkConfig: 0, group: 0 })
    expect(service.stats().hits).toEqual({ metaData: 1000, vendorData: 1000, networkConfig: 1000, group: 1500 })
    expect(logger.entries.map((e) => `${e.level} ${e.message}`)).toEqual(['info NoCloud documents pre-rendered'])
  })

  it('yields between slices of bounded work, and a request for a node not reached yet renders it as today', async () => {
    const { service, nodes, sched } = warmed()
    const last = nodes[999]!
    await sched.steps(1) // index load, then the first slice
    expect(service.stats().cachedDocuments).toBe(18)
    expect(parse((await service.metaData(last, REQUEST)).body)['local-hostname']).toBe('tc1000')
    expect(service.stats().builds.metaData).toBe(1)
    const perSlice: number[] = []
    let before = service.stats().cachedDocuments
    await sched.drain(() => {
      const now = service.stats().cachedDocuments
      perSlice.push(now - before)
      before = now
    })
    // 4 nodes of at most 5 documents per 4 ms slice: 250 slices and one that finds the end, each scheduled
    // separately (the first runs right after the index load, which the pass start scheduled).
    expect(Math.max(...perSlice)).toBeLessThanOrEqual(20)
    expect(sched.calls.soon).toBe(251)
    expect(service.stats().prerender.lastPass).toMatchObject({ slices: 251, documents: 4500 })
    // The node the request rendered was found cached, not rendered again.
    expect(service.stats().prerender.builds.metaData).toBe(999)
  })

  it('abandons a pass when the store changes under it and serves no document of the old generation', async () => {
    const { service, store, nodes, sched } = warmed()
    await sched.steps(50)
    const early = service.stats().prerender.builds.metaData
    expect(early).toBeGreaterThan(0)
    const cd = (await store.get('ClusterDefaults', 'clusterdefaults-00000001'))!
    await store.update({ ...cd, spec: { base_url: 'http://x', cluster_name: 'newer' } }, cd.metadata.resourceVersion)
    // The write abandons the pass at once; the next pass starts when a check finds the generations held still.
    expect(service.stats().prerender).toMatchObject({ running: false, abandoned: 1 })
    sched.tick()
    expect(sched.pending()).toBe(1) // only the abandoned pass's next slice, which will do nothing
    sched.tick()
    await sched.drain()

    expect(service.stats().prerender).toMatchObject({ passes: 1, abandoned: 1 })
    expect(service.stats().prerender.builds.metaData).toBe(early + 1000)
    for (const node of nodes) {
      const [metaData, , vendorData] = await fetchAll(service, node)
      expect(parse(metaData!.body)['cluster-name']).toBe('newer')
      expect(vendorData!.body).toMatch(/^#include\nhttp:\/\/x\/compute\.yaml\n/)
    }
    expect(service.stats().builds).toEqual({ metaData: 0, vendorData: 0, networkConfig: 0, group: 0 })
  })

  it('starts over on an inventory snapshot swap noticed by the periodic check', async () => {
    const { service, inventory, sched } = warmed({ nodes: clusterNodes(100) })
    await sched.steps(5)
    inventory.setNodes(clusterNodes(100).map((n) => ({ ...n, nid: n.nid + 5000 })))
    sched.tick() // notices the swap: abandons
    expect(service.stats().prerender).toMatchObject({ running: false, abandoned: 1 })
    sched.tick() // unchanged since the last check: starts over
    await sched.drain()
    expect(service.stats().prerender).toMatchObject({ passes: 1, abandoned: 1 })
    const node = await inventory.node(clusterNodes(1)[0]!.xname)
    expect(parse((await service.metaData(node!, REQUEST)).body).hostname).toBe('tc5001')
    expect(service.stats().builds.metaData).toBe(0)
    sched.tick() // nothing changed: no new pass
    expect(sched.pending()).toBe(0)
  })

  it('starts no pass while writes keep coming (a /wg-init burst), and one when they stop', async () => {
    const { service, store, sched } = warmed({ nodes: clusterNodes(20) })
    await sched.drain()
    for (let i = 0; i < 3; i++) {
      await store.create(storedResource('Group', { metadata: { name: `burst${i}` }, spec: { template: '' } }, { uid: `group-0000001${i}` }))
      sched.tick()
      expect(sched.pending()).toBe(0)
    }
    sched.tick()
    await sched.drain()
    expect(service.stats().prerender).toMatchObject({ passes: 2, abandoned: 0 })
    expect(service.stats().prerender.builds.metaData).toBe(40)
  })

  it('warms only up to maxCachedDocuments, without evicting, and says so', async () => {
    const { service, nodes, sched } = warmed({ nodes: clusterNodes(100), maxCachedDocuments: 226 })
    await sched.drain()
    // 50 nodes of 4.5 documents on average: 225 documents fit, the 51st node's first document does too.
    expect(service.stats().cachedDocuments).toBe(226)
    expect(service.stats().prerender.lastPass).toMatchObject({ documents: 226, nodes: 50, ofNodes: 100, capped: true })
    await fetchAll(service, nodes[0]!)
    expect(service.stats().builds).toEqual({ metaData: 0, vendorData: 0, networkConfig: 0, group: 0 })
  })

  it('skips vendor-data whose base URL depends on the request (NC-14 step 4)', async () => {
    const { service, nodes, sched } = warmed({ nodes: clusterNodes(10), resources: [COMPUTE, GREEN] })
    await sched.drain()
    expect(service.stats().prerender.lastPass).toMatchObject({ requestDependent: 10, documents: 35 })
    expect((await service.vendorData(nodes[0]!, { host: 'a:1' })).body).toBe('#include\nhttp://a:1/compute.yaml\nhttp://a:1/green.yaml\n')
    expect(service.stats().builds.vendorData).toBe(1)
  })

  it('leaves failing documents to the requests without stopping the pass or logging per node', async () => {
    const renderGroup: typeof renderGroupTemplate = (template, context) => {
      if (Number(context['nid']) % 10 === 0) throw new Error('boom')
      return renderGroupTemplate(template, context)
    }
    const unreadable: InventoryNode = { ...clusterNodes(1001)[1000]!, groups: undefined }
    const { service, nodes, sched, logger } = warmed({ renderGroup, nodes: [...clusterNodes(1000), unreadable] })
    await sched.drain()
    // NIDs 10, 20, … (odd index: compute and blue) fail compute.yaml; the unreadable node gets meta-data and
    // network-config only (its vendor-data and group answers are never cached).
    expect(service.stats().prerender.lastPass).toMatchObject({ nodes: 1001, failures: 100, documents: 4402 })
    expect(logger.entries).toHaveLength(1)
    expect(logger.entries[0]).toMatchObject({ level: 'info', fields: { failures: 100 } })
    const failing = nodes[9]!
    expect(await rejection(service.groupDocument(failing, 'compute', REQUEST))).toMatchObject({ code: 'RENDER_FAILED', message: 'template rendering failed' })
    expect(service.stats().builds.group).toBe(1)
    await service.metaData(unreadable, REQUEST)
    expect(service.stats().builds.metaData).toBe(0)
  })

  it('retries an index load that failed at each check, logging the failure once', async () => {
    const inner = createMemoryStore(DEFAULT_SETUP)
    let failing = true
    const store: ResourceStore = {
      ...inner,
      list: (kind) => (failing ? Promise.reject(new MetadataError('STORAGE_FAILED', 'store down')) : inner.list(kind)),
    }
    const { service, sched, logger } = warmed({ store, nodes: clusterNodes(10) })
    await sched.drain()
    sched.tick()
    await sched.drain()
    expect(service.stats().prerender).toMatchObject({ running: false, passes: 0 })
    expect(logger.entries).toEqual([{ level: 'info', message: 'NoCloud pre-render failed', fields: { error: 'store down' } }])
    failing = false
    sched.tick()
    await sched.drain()
    expect(service.stats().prerender).toMatchObject({ passes: 1, lastPass: { nodes: 10, documents: 45 } })
  })

  it('stop cancels the pass, future slices and checks', async () => {
    const { service, store, sched, handle } = warmed()
    await sched.steps(3)
    const builds = service.stats().prerender.builds
    handle.stop()
    expect(sched.intervals.size).toBe(0)
    await store.create(storedResource('Group', { metadata: { name: 'other' }, spec: { template: '' } }, { uid: 'group-00000009' }))
    const soonAtStop = sched.calls.soon
    await sched.drain()
    expect(sched.calls.soon).toBe(soonAtStop)
    expect(service.stats().prerender).toMatchObject({ enabled: false, running: false, passes: 0, builds })
    expect(service.startPrerender()).toBeDefined()
    expect(sched.pending()).toBe(0)
  })

  it('is off until started', async () => {
    const { service, node } = setup()
    await service.metaData(await node(), REQUEST)
    expect(service.stats().prerender).toEqual({
      enabled: false,
      running: false,
      builds: { metaData: 0, vendorData: 0, networkConfig: 0, group: 0 },
      passes: 0,
      abandoned: 0,
    })
    expect(service.stats().cachedDocuments).toBe(1)
  })
})
