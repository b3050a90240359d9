import { describe, expect, it } from 'vitest'
import type { Metadata } from '../../src/domain/metadata.js'
import { storedResource } from '../../src/testing/fixtures.js'
import { compareLatest, pickLatest, timestampNanos } from '../../src/nocloud/latest.js'
import { buildResourceIndex } from '../../src/nocloud/resource-index.js'

const meta = (updatedAt: string, createdAt = '2025-01-01T00:00:00Z', uid = 'x-1'): Metadata => ({
  name: 'n',
  uid,
  createdAt,
  updatedAt,
  resourceVersion: '1',
})

describe('timestampNanos', () => {
  it('keeps nanoseconds and honours offsets', () => {
    expect(timestampNanos('1970-01-01T00:00:01.000000002Z')).toBe(1_000_000_002n)
    expect(timestampNanos('1970-01-01T00:00:01.5Z')).toBe(1_500_000_000n)
    expect(timestampNanos('1970-01-01T01:00:00+01:00')).toBe(0n)
    expect(timestampNanos('1970-01-01T00:00:00.1234567891Z')).toBe(123_456_789n)
  })

  it('refuses text that is not RFC 3339', () => {
    expect(timestampNanos('yesterday')).toBeUndefined()
    expect(timestampNanos('2025-01-01')).toBeUndefined()
    expect(timestampNanos('2025-13-01T00:00:00Z')).toBeUndefined()
  })
})

describe('compareLatest (NC-7)', () => {
  it('orders by updatedAt below the millisecond', () => {
    expect(compareLatest(meta('2025-01-01T00:00:00.000000002Z'), meta('2025-01-01T00:00:00.000000001Z'))).toBe(1)
    expect(compareLatest(meta('2025-01-01T00:00:00.5Z'), meta('2025-01-01T00:00:00.500000001Z'))).toBe(-1)
  })

  it('breaks ties by createdAt, then by the greater uid', () => {
    const t = '2025-02-01T00:00:00Z'
    expect(compareLatest(meta(t, '2025-01-02T00:00:00Z'), meta(t, '2025-01-01T00:00:00Z'))).toBe(1)
    expect(compareLatest(meta(t, t, 'b'), meta(t, t, 'a'))).toBe(1)
    expect(compareLatest(meta(t, t, 'a'), meta(t, t, 'a'))).toBe(0)
  })

  it('ranks an unparsable timestamp below every valid one', () => {
    expect(compareLatest(meta('garbage'), meta('1970-01-01T00:00:00Z'))).toBe(-1)
  })

  it('pickLatest returns the winner or undefined', () => {
    const a = { metadata: meta('2025-01-01T00:00:00Z', undefined, 'a') }
    const b = { metadata: meta('2025-01-03T00:00:00Z', undefined, 'b') }
    expect(pickLatest([a, b, a])).toBe(b)
    expect(pickLatest([])).toBeUndefined()
  })
})

describe('buildResourceIndex (NC-7 candidates)', () => {
  const info = (name: string, instanceId: string, uid: string, updatedAt: string) =>
    storedResource('InstanceInfo', { metadata: { name }, spec: { instance_id: instanceId } }, { uid, updatedAt })

  it('matches InstanceInfo by name or instance_id, the latest winning', () => {
    const byName = info('x1', 'i-1', 'instanceinfo-a', '2025-01-02T00:00:00Z')
    const byId = info('other', 'x1', 'instanceinfo-b', '2025-01-03T00:00:00Z')
    const index = buildResourceIndex({ clusterDefaults: [], instanceInfos: [byName, byId], groups: [] })
    expect(index.instanceInfo('x1')).toBe(byId)
    expect(index.instanceInfo('other')).toBe(byId)
    expect(index.instanceInfo('i-1')).toBe(byName)
    expect(index.instanceInfo('x9')).toBeUndefined()
  })

  it('takes any ClusterDefaults and Groups by name, latest winning', () => {
    const cd = (uid: string, updatedAt: string) =>
      storedResource('ClusterDefaults', { metadata: { name: uid }, spec: { base_url: 'http://a', cluster_name: uid } }, { uid, updatedAt })
    const old = cd('clusterdefaults-1', '2025-01-01T00:00:00Z')
    const newer = cd('clusterdefaults-2', '2025-01-01T00:00:00.000000001Z')
    const g1 = storedResource('Group', { metadata: { name: 'compute' }, spec: { template: '' } }, { uid: 'group-2' })
    const g2 = storedResource('Group', { metadata: { name: 'compute' }, spec: { template: '' } }, { uid: 'group-1' })
    const index = buildResourceIndex({ clusterDefaults: [newer, old], instanceInfos: [], groups: [g1, g2] })
    expect(index.clusterDefaults).toBe(newer)
    expect(index.group('compute')).toBe(g1)
    expect(index.group('green')).toBeUndefined()
    expect(buildResourceIndex({ clusterDefaults: [], instanceInfos: [], groups: [] }).clusterDefaults).toBeUndefined()
  })
})
