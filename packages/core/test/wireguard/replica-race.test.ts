import { describe, expect, it } from 'vitest'
import { MetadataError } from '../../src/errors.js'
import type { ResourceStore } from '../../src/ports/resource-store.js'
import { createMemoryStore } from '../../src/testing/index.js'
import { KEY_A, KEY_B, UID_A, storedPeer } from './_peers.test-data.js'
import { startService } from './_service.test-data.js'

/**
 * A store shared with another replica: `foreign` was stored by the other replica, and this replica's list shows it
 * only after `staleLists` lists. Like adapter-postgres, a create onto a stored allowed_ip rejects with CONFLICT.
 */
function sharedStore(foreign: ReturnType<typeof storedPeer>, staleLists: number) {
  const inner = createMemoryStore([foreign])
  let lists = 0
  const store: ResourceStore = {
    ...inner,
    list: async (kind) => {
      const all = await inner.list(kind)
      lists += 1
      return lists <= staleLists ? all.filter((r) => r.metadata.uid !== foreign.metadata.uid) : all
    },
    create: async (resource) => {
      const peers = await inner.list('WireGuardPeer')
      const ip = (resource.spec as { allowed_ip?: string }).allowed_ip
      const holder = peers.find((p) => p.spec.allowed_ip === ip)
      if (resource.kind === 'WireGuardPeer' && holder) {
        throw new MetadataError('CONFLICT', `WireGuardPeer with allowed_ip ${ip} already exists: ${holder.metadata.uid}`)
      }
      return inner.create(resource)
    },
  }
  return { store, inner }
}

describe('wg-init with replicas on one store (WG-6)', () => {
  it('allocates again when another replica stored the address after this one listed', async () => {
    const foreign = storedPeer('x9000c0s0b0n0', 'wireguardpeer-00000000000000f1', '100.97.0.2/32', KEY_B)
    // The list stays stale through every attempt: the retry must skip the lost address by itself.
    const { store, inner } = sharedStore(foreign, 10)
    const { service } = await startService({ store })
    const answer = await service.init(JSON.stringify({ public_key: KEY_A }), '10.252.0.26')
    expect(answer).toMatchObject({ 'peer-uid': UID_A, 'client-vpn-ip': '100.97.0.3' })
    expect((await inner.list('WireGuardPeer')).map((p) => p.spec.allowed_ip)).toEqual(['100.97.0.2/32', '100.97.0.3/32'])
  })

  it('gives up with the WG-4 save text after eight lost races', async () => {
    const inner = createMemoryStore()
    const store: ResourceStore = {
      ...inner,
      create: async () => {
        throw new MetadataError('CONFLICT', 'WireGuardPeer with allowed_ip taken')
      },
    }
    const { service, logger } = await startService({ store })
    await expect(service.init(JSON.stringify({ public_key: KEY_A }), '10.252.0.26')).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'failed to save WireGuard peer intent: WireGuardPeer with allowed_ip taken',
    })
    expect(logger.entries.filter((r) => r.message === 'WireGuard allocation lost a race; allocating again')).toHaveLength(7)
  })
})
