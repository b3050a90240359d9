import { randomBytes } from 'node:crypto'
import { createWireGuardService, parseServerAddress, silentLogger, type ResourceStore } from '@metadata-service/core'
import { createFakeTunnel } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresStore } from '../src/postgres-store.js'
import { startThrowawayPostgres, type ThrowawayPostgres } from '../src/testing/throwaway-postgres.js'

let cluster: ThrowawayPostgres
beforeAll(async () => {
  cluster = await startThrowawayPostgres()
})
afterAll(async () => {
  await cluster?.stop()
})

/** One replica's WireGuard service, in-process, on its own fake device (as `startWireGuard` wires a real one). */
async function replica(store: ResourceStore) {
  const tunnel = createFakeTunnel()
  await tunnel.start({ privateKey: randomBytes(32).toString('base64'), listenPort: 51820, address: '100.97.0.1/24' })
  const service = createWireGuardService({
    store,
    tunnel,
    server: parseServerAddress('100.97.0.1/24'),
    listenPort: 51820,
    logger: silentLogger,
    resolveNode: async (address) => `node-${address}`,
  })
  await service.start()
  return service
}

describe('/wg-init on two replicas sharing one database (WG-6, WG-7)', () => {
  it('never hands out one address twice when requests race across replicas', async () => {
    const url = await cluster.createDatabase('wireguard')
    const stores = [
      await openPostgresStore({ connectionString: url, logger: silentLogger }),
      await openPostgresStore({ connectionString: url, logger: silentLogger }),
    ]
    const services = await Promise.all(stores.map(replica))
    try {
      const requests = Array.from({ length: 24 }, (_, i) =>
        services[i % 2]!.init(JSON.stringify({ public_key: randomBytes(32).toString('base64') }), `10.252.1.${i + 1}`),
      )
      const answers = await Promise.all(requests)
      const addresses = answers.map((a) => a['client-vpn-ip'])
      expect(new Set(addresses).size).toBe(24)
      const stored = await openPostgresStore({ connectionString: url, logger: silentLogger })
      const peers = await stored.list('WireGuardPeer')
      await stored.close()
      expect(peers).toHaveLength(24)
      expect(new Set(peers.map((p) => p.spec.allowed_ip)).size).toBe(24)
      expect(peers.map((p) => p.spec.allowed_ip).sort()).toEqual(addresses.map((a) => `${a}/32`).sort())
    } finally {
      for (const service of services) await service.close()
      for (const store of stores) await store.close()
    }
  })
})
