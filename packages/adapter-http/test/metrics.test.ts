import { register as globalRegistry } from 'prom-client'
import { MOCK_NODE_FIXTURES, storedResource } from '@metadata-service/core/testing'
import type { InventoryStats, NoCloudService } from '@metadata-service/core'
import { describe, expect, it } from 'vitest'
import { createRuntimeMetrics, createServiceMetrics, type MetricsSources } from '../src/index.js'
import { heldMetaData, N0_IP, read, startHarness } from './_harness.js'

// SVC-4 `/metrics`: Prometheus text on the main port, every name prefixed `metadata_service_`, from a real server.

/** Sample lines of an exposition, `name{labels}` → value (comments dropped). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const cut = line.lastIndexOf(' ')
    const value = line.slice(cut + 1)
    out.set(line.slice(0, cut), value === '+Inf' ? Number.POSITIVE_INFINITY : Number(value))
  }
  return out
}

async function scrape(h: { fetch: (path: string) => Promise<Response> }): Promise<Map<string, number>> {
  const res = await h.fetch('/metrics')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return samples(await res.text())
}

const SMD_STATS: InventoryStats = {
  syncSuccesses: 7,
  syncFailures: 2,
  lastSyncDurationMs: 250,
  lastSuccessAt: 1_700_000_000_000,
  syncAgeSec: 12.5,
  stale: false,
  nodes: 3,
  ips: 5,
  liveLookups: { found: 4, not_found: 1, error: 0 },
}

describe('SVC-4 /metrics', () => {
  it('counts requests by method, route pattern and status; 404s of unknown paths are `unmatched` (AT-50)', async () => {
    const h = await startHarness({ metrics: ({ nocloud }) => createServiceMetrics({ nocloud: () => nocloud.stats() }) })
    await h.fetch('/meta-data', { as: N0_IP })
    await h.fetch('/meta-data', { as: N0_IP })
    await h.fetch('/compute.yaml', { as: N0_IP })
    await h.fetch('/groups/group-deadbeef')
    await h.fetch('/no/such/path')
    await h.fetch('/meta-data', { as: '192.168.99.99' })
    const m = await scrape(h)

    expect(m.get('metadata_service_http_requests_total{method="GET",route="/meta-data",status="200"}')).toBe(2)
    expect(m.get('metadata_service_http_requests_total{method="GET",route="/:group.yaml",status="200"}')).toBe(1)
    expect(m.get('metadata_service_http_requests_total{method="GET",route="/groups/:uid",status="404"}')).toBe(1)
    expect(m.get('metadata_service_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1)
    expect(m.get('metadata_service_http_requests_total{method="GET",route="/meta-data",status="404"}')).toBe(1)
    // Raw paths never become labels.
    expect([...m.keys()].some((k) => k.includes('group-deadbeef') || k.includes('/no/such'))).toBe(false)

    const series = 'method="GET",route="/meta-data",status="200"'
    expect(m.get(`metadata_service_http_request_duration_seconds_count{${series}}`)).toBe(2)
    expect(m.get(`metadata_service_http_request_duration_seconds_bucket{${series},le="+Inf"}`)).toBe(2)
    const bounds = [...m.keys()].filter((k) => k.startsWith(`metadata_service_http_request_duration_seconds_bucket{${series}`))
    expect(bounds.map((k) => /le="([^"]+)"/.exec(k)?.[1])).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'])
    expect(m.get(`metadata_service_http_request_duration_seconds_sum{${series}}`)).toBeGreaterThan(0)

    // The scrape itself is the one request in flight.
    expect(m.get('metadata_service_http_requests_in_flight')).toBe(1)
    expect(m.get('metadata_service_unknown_client_total')).toBe(1)
    expect(m.get('metadata_service_documents_served_total{document="meta-data"}')).toBe(2)
    expect(m.get('metadata_service_documents_served_total{document="group"}')).toBe(1)
    expect(m.get('metadata_service_documents_served_total{document="vendor-data"}')).toBe(0)
    expect(m.get('metadata_service_render_cache_misses_total{document="meta-data"}')).toBe(1)
    expect(m.get('metadata_service_render_cache_hits_total{document="meta-data"}')).toBe(1)
    expect(m.get('metadata_service_http_requests_rejected_total{reason="overload"}')).toBe(0)

    // The scrape is counted once it is answered.
    expect((await scrape(h)).get('metadata_service_http_requests_total{method="GET",route="/metrics",status="200"}')).toBe(1)
  })

  it('network_config_addresses_total counts the addresses of built network-config documents by outcome (issue 14)', async () => {
    const h = await startHarness({ metrics: ({ nocloud }) => createServiceMetrics({ nocloud: () => nocloud.stats() }) })
    expect((await h.fetch('/network-config', { as: N0_IP })).status).toBe(200)
    await h.fetch('/network-config', { as: N0_IP }) // cached: no second build
    const m = await scrape(h)
    expect(m.get('metadata_service_network_config_addresses_total{outcome="guessed"}')).toBe(2)
    expect(m.get('metadata_service_network_config_addresses_total{outcome="defined"}')).toBe(0)
    expect(m.get('metadata_service_network_config_addresses_total{outcome="left_out"}')).toBe(0)
  })

  it('every family of SVC-4 is present, and every name is prefixed', async () => {
    const h = await startHarness({ metrics: () => createServiceMetrics() })
    const text = await (await h.fetch('/metrics')).text()
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => `${match[1]} ${match[2]}`)
    expect(families.every((f) => f.startsWith('metadata_service_'))).toBe(true)
    expect(families).toEqual(
      expect.arrayContaining(
        [
          'http_requests_total counter',
          'http_request_duration_seconds histogram',
          'http_requests_in_flight gauge',
          'http_requests_rejected_total counter',
          'degraded_responses_total counter',
          'template_limit_exceeded_total counter',
          'unknown_client_total counter',
          'smd_sync_age_seconds gauge',
          'smd_sync_last_success_timestamp_seconds gauge',
          'smd_sync_duration_seconds gauge',
          'smd_sync_failures_total counter',
          'smd_snapshot_nodes gauge',
          'smd_snapshot_ips gauge',
          'smd_snapshot_stale gauge',
          'smd_live_lookups_total counter',
          'tokensmith_healthy gauge',
          'tokensmith_refresh_failures_total counter',
          'wireguard_enabled gauge',
          'wireguard_peers gauge',
          'storage_corrupt_files gauge',
          'render_cache_hits_total counter',
          'render_cache_misses_total counter',
          'documents_served_total counter',
        ].map((f) => `metadata_service_${f}`),
      ),
    )
    // Before any sync: age +Inf, last success 0 (an age alert fires for a service that never synced).
    const m = samples(text)
    expect(m.get('metadata_service_smd_sync_age_seconds')).toBe(Number.POSITIVE_INFINITY)
    expect(m.get('metadata_service_smd_sync_last_success_timestamp_seconds')).toBe(0)
  })

  it('with build info: the process and Node.js runtime families, merged sensibly over the processes of --workers', async () => {
    const build = { version: '1.2.3', commit: 'abc1234' }
    const single = samples(await createServiceMetrics({}, { build }).scrape())
    expect(single.get(`metadata_service_build_info{version="1.2.3",commit="abc1234",node="${process.version}"}`)).toBe(1)
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'process_max_fds', 'nodejs_heap_size_total_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(single.has(name), name).toBe(true)
    }
    // Two more processes' snapshots (here: this one twice): memory and CPU add up; the start time is the oldest
    // process's and a per-process limit stays what it is, where a sum (or prom-client's own omission) would mislead.
    const others = [createRuntimeMetrics(build), createRuntimeMetrics(build)]
    const merged = samples(
      await createServiceMetrics({}, { build, gather: async () => Promise.all([createServiceMetrics({}, { build }).snapshot(), ...others.map((o) => o.snapshot())]) }).scrape(),
    )
    expect(merged.get('process_start_time_seconds')).toBe(single.get('process_start_time_seconds'))
    expect(merged.get('process_max_fds')).toBe(single.get('process_max_fds'))
    expect(merged.get('process_resident_memory_bytes')).toBeGreaterThan(2 * (single.get('process_resident_memory_bytes') ?? 0) * 0.9)
    expect([...merged.keys()].filter((k) => k.startsWith('metadata_service_build_info'))).toEqual([`metadata_service_build_info{version="1.2.3",commit="abc1234",node="${process.version}"}`])
    expect(merged.get(`metadata_service_build_info{version="1.2.3",commit="abc1234",node="${process.version}"}`)).toBe(1)
  })

  it('gauges mirror the components at scrape time (SMD, TokenSmith, WireGuard, STO-4 corrupt files)', async () => {
    let smd = SMD_STATS
    let healthy = true
    const sources: MetricsSources = {
      smd: () => smd,
      token: () => ({ mode: 'bootstrap', health: { healthy }, refreshFailures: 3 }),
      wireguard: () => ({ enabled: true, peers: 2 }),
      storageProblems: () => [{ kind: 'Group', location: '/data/groups/group-1.json', reason: 'bad JSON' }],
    }
    const h = await startHarness({ metrics: () => createServiceMetrics(sources) })
    const m = await scrape(h)
    expect(m.get('metadata_service_smd_sync_age_seconds')).toBe(12.5)
    expect(m.get('metadata_service_smd_sync_last_success_timestamp_seconds')).toBe(1_700_000_000)
    expect(m.get('metadata_service_smd_sync_duration_seconds')).toBe(0.25)
    expect(m.get('metadata_service_smd_sync_failures_total')).toBe(2)
    expect(m.get('metadata_service_smd_snapshot_nodes')).toBe(3)
    expect(m.get('metadata_service_smd_snapshot_ips')).toBe(5)
    expect(m.get('metadata_service_smd_snapshot_stale')).toBe(0)
    expect(m.get('metadata_service_smd_live_lookups_total{result="found"}')).toBe(4)
    expect(m.get('metadata_service_smd_live_lookups_total{result="not_found"}')).toBe(1)
    expect(m.get('metadata_service_smd_live_lookups_total{result="error"}')).toBe(0)
    expect(m.get('metadata_service_tokensmith_healthy{mode="bootstrap"}')).toBe(1)
    expect(m.get('metadata_service_tokensmith_refresh_failures_total')).toBe(3)
    expect(m.get('metadata_service_wireguard_enabled')).toBe(1)
    expect(m.get('metadata_service_wireguard_peers')).toBe(2)
    expect(m.get('metadata_service_storage_corrupt_files{kind="Group"}')).toBe(1)

    smd = { ...SMD_STATS, stale: true, syncFailures: 3 }
    healthy = false
    const later = await scrape(h)
    expect(later.get('metadata_service_smd_snapshot_stale')).toBe(1)
    expect(later.get('metadata_service_smd_sync_failures_total')).toBe(3)
    expect(later.get('metadata_service_tokensmith_healthy{mode="bootstrap"}')).toBe(0)
  })

  it('tokensmith_healthy is 1 in static mode', async () => {
    const h = await startHarness({
      metrics: () => createServiceMetrics({ token: () => ({ mode: 'static', health: { healthy: true }, refreshFailures: 0 }) }),
    })
    expect((await scrape(h)).get('metadata_service_tokensmith_healthy{mode="static"}')).toBe(1)
  })

  it('NC-17: degraded_responses_total{route} goes up by one per degraded vendor-data answer (AT-10)', async () => {
    const h = await startHarness({ metrics: ({ nocloud }) => createServiceMetrics({ nocloud: () => nocloud.stats() }) })
    expect((await scrape(h)).get('metadata_service_degraded_responses_total{route="/vendor-data"}')).toBe(0)
    h.inventory.setNodes([{ ...MOCK_NODE_FIXTURES[0]!, groups: undefined }])
    expect(await read(await h.fetch('/vendor-data', { as: N0_IP }))).toMatchObject({ status: 200, body: '#include\n' })
    const m = await scrape(h)
    expect(m.get('metadata_service_degraded_responses_total{route="/vendor-data"}')).toBe(1)
    expect(m.get('metadata_service_degraded_responses_total{route="/network-config"}')).toBe(0)
  })

  it('SPEC §16: a group document over a template limit answers 500 for that node and is counted by group and limit', async () => {
    const h = await startHarness({ metrics: ({ nocloud }) => createServiceMetrics({ nocloud: () => nocloud.stats() }) })
    const keys = Array.from({ length: 200 }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${i} key${i}@example`)
    // As a data directory may hold it (written before the cluster grew): the store, not the API, so nothing validates it.
    await h.store.create(storedResource('ClusterDefaults', { metadata: { name: 'cd' }, spec: { base_url: 'http://localhost:8888', cluster_name: 'c', public_keys: keys } }, { uid: 'clusterdefaults-00000001' }))
    const bomb = '{{#public_keys}}{{#public_keys}}{{#public_keys}}{{.}}{{/public_keys}}{{/public_keys}}{{/public_keys}}'
    await h.store.create(storedResource('Group', { metadata: { name: 'compute' }, spec: { template: bomb } }, { uid: 'group-00000001' }))
    expect(await read(await h.fetch('/compute.yaml', { as: N0_IP }))).toMatchObject({
      status: 500,
      body: 'template output exceeds 1048576 bytes (max_document_bytes)\n',
    })
    expect((await h.fetch('/meta-data', { as: N0_IP })).status).toBe(200)
    expect((await h.fetch('/meta-data', { as: '10.252.0.28' })).status).toBe(200)
    const m = await scrape(h)
    expect(m.get('metadata_service_template_limit_exceeded_total{group="compute",limit="bytes"}')).toBe(1)
    expect(h.logger.entries.some((e) => e.message === 'group document over a template limit' && e.fields.group === 'compute')).toBe(true)
  })

  it('OPS-3/OPS-2 refusals are counted by reason', async () => {
    const held = heldMetaData()
    const h = await startHarness({
      app: { maxInflight: 1 },
      metrics: () => createServiceMetrics(),
      wrapNocloud: held.wrapNocloud,
    })
    const slow = h.fetch('/meta-data', { as: N0_IP })
    await held.inside
    expect((await h.fetch('/user-data')).status).toBe(503)
    // /metrics is an SVC path: scraped while overloaded (SPEC §8).
    const m = await scrape(h)
    expect(m.get('metadata_service_http_requests_rejected_total{reason="overload"}')).toBe(1)
    expect(m.get('metadata_service_http_requests_in_flight')).toBe(2)
    held.open()
    await slow

    const t = await startHarness({
      app: { requestTimeoutMs: 20 },
      metrics: () => createServiceMetrics(),
      wrapNocloud: (real): NoCloudService => ({ ...real, metaData: () => new Promise(() => {}) }),
    })
    expect(await read(await t.fetch('/meta-data', { as: N0_IP }))).toMatchObject({ status: 503, body: 'request timed out\n' })
    expect((await scrape(t)).get('metadata_service_http_requests_rejected_total{reason="timeout"}')).toBe(1)
  })

  it('without metrics there is no /metrics route, and prom-client\'s global registry is never used', async () => {
    const h = await startHarness()
    expect((await h.fetch('/metrics')).status).toBe(404)
    createServiceMetrics()
    createServiceMetrics()
    expect(await globalRegistry.metrics()).not.toContain('metadata_service_')
  })
})
