import { describe, expect, it } from 'vitest'
import type { Inventory } from '../../src/ports/inventory.js'
import { serviceHealth } from '../../src/services/service-health.js'
import { createFakeInventory, createFakeTokenSource } from '../../src/testing/index.js'

/** The fake inventory before its first sync (SMD-14). */
const syncing = (): Inventory => {
  const inventory = createFakeInventory()
  return { ...inventory, health: () => ({ ...inventory.health(), ready: false }) }
}

describe('serviceHealth (SVC-1)', () => {
  it('is healthy once the inventory has synced, with or without SMD auth (--mock-smd has none)', () => {
    expect(serviceHealth(createFakeInventory(), createFakeTokenSource())).toEqual({ healthy: true })
    expect(serviceHealth(createFakeInventory(), undefined)).toEqual({ healthy: true })
  })

  it('stays healthy on a stale snapshot, which is still served (SMD-7)', () => {
    const inventory = createFakeInventory()
    const stale: Inventory = { ...inventory, health: () => ({ ...inventory.health(), stale: true, lastError: 'smd down' }) }
    expect(serviceHealth(stale, undefined)).toEqual({ healthy: true })
  })

  it('is unhealthy until the first sync (SMD-14)', () => {
    expect(serviceHealth(syncing(), createFakeTokenSource())).toEqual({ healthy: false, reason: 'smd initial refresh pending' })
  })

  it('is unhealthy with the token source’s reason while dynamic auth is, before the sync rule (TOK-9)', () => {
    const token = createFakeTokenSource({ mode: 'bootstrap' })
    token.setUnhealthy('TokenSmith answered 500')
    expect(serviceHealth(syncing(), token)).toEqual({ healthy: false, reason: 'dynamic TokenSmith auth unhealthy: TokenSmith answered 500' })
    expect(serviceHealth(createFakeInventory(), token).healthy).toBe(false)
  })
})
