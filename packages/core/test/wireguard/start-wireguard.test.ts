import { describe, expect, it } from 'vitest'
import { createFakeTunnel, createMemoryStore, createRecordingLogger } from '../../src/testing/index.js'
import { KEY_A, N0, SERVER_PRIVATE_KEY, SERVER_PUBLIC_KEY, storedPeer } from './_peers.test-data.js'
import { startWireGuard, type StartWireGuardOptions } from '../../src/wireguard/start-wireguard.js'

function options(overrides: Partial<StartWireGuardOptions> = {}) {
  const tunnel = createFakeTunnel()
  const logger = createRecordingLogger()
  let created = 0
  const base: StartWireGuardOptions = {
    server: '100.97.0.1/16',
    listenPort: 51820,
    store: createMemoryStore([storedPeer(N0, 'wireguardpeer-0000000000000001', '100.97.0.2/32', KEY_A)]),
    logger,
    resolveNode: async (address) => address,
    createTunnel: () => {
      created += 1
      return tunnel
    },
    loadPrivateKey: async () => SERVER_PRIVATE_KEY,
    ...overrides,
  }
  return { base, tunnel, logger, created: () => created }
}

const errors = (logger: ReturnType<typeof createRecordingLogger>) =>
  logger.entries.filter((e) => e.level === 'error').map((e) => e.message)

describe('startWireGuard (WG-1, WG-2, WG-3, WG-8)', () => {
  it('starts the device with the key, port and server CIDR, then re-applies stored peers', async () => {
    const { base, tunnel, logger } = options()
    const service = await startWireGuard(base)
    expect(service.enabled()).toBe(true)
    expect(tunnel.startedWith).toEqual({ privateKey: SERVER_PRIVATE_KEY, listenPort: 51820, address: '100.97.0.1/16' })
    expect(await tunnel.peers()).toEqual([{ publicKey: KEY_A, allowedIps: ['100.97.0.2/32'] }])
    const answer = await service.init(JSON.stringify({ public_key: SERVER_PUBLIC_KEY }), '10.1.1.1')
    expect(answer['server-public-key']).toBe(SERVER_PUBLIC_KEY)
    expect(answer['client-vpn-ip']).toBe('100.97.0.3')
    expect(errors(logger)).toEqual([])
    await service.close()
    expect(tunnel.running).toBe(false)
  })

  it.each([undefined, '', '  '])('leaves WireGuard off without a log line when the server is %j', async (server) => {
    const { base, logger, created } = options({ server })
    const service = await startWireGuard(base)
    expect(service.enabled()).toBe(false)
    expect(created()).toBe(0)
    expect(errors(logger)).toEqual([])
    await expect(service.init('{}', '10.1.1.1')).rejects.toThrow('wireguard disabled')
  })

  it('logs an invalid server value and runs without WireGuard', async () => {
    const { base, logger, created } = options({ server: '100.97.0.1/31' })
    const service = await startWireGuard(base)
    expect(service.enabled()).toBe(false)
    expect(created()).toBe(0)
    expect(errors(logger)).toEqual([
      'Invalid WIREGUARD_SERVER value: prefix length /31 leaves no client addresses (at most /30)',
    ])
    const [peer] = await base.store.list('WireGuardPeer')
    expect(peer?.status.phase).toBe('Degraded')
  })

  it('logs an unusable key as a controller failure and never starts the device', async () => {
    const { base, logger, created } = options({
      loadPrivateKey: () => Promise.reject(new Error('invalid key in /data/wireguard/server.key')),
    })
    const service = await startWireGuard(base)
    expect(service.enabled()).toBe(false)
    expect(created()).toBe(0)
    expect(errors(logger)).toEqual(['Failed to initialize WireGuard controller: invalid key in /data/wireguard/server.key'])
  })

  it('logs a device start failure, stops the half-started device and runs without WireGuard', async () => {
    const { base, tunnel, logger } = options()
    tunnel.failNext('wireguard-go: /dev/net/tun: no such file')
    const service = await startWireGuard(base)
    expect(service.enabled()).toBe(false)
    expect(errors(logger)).toEqual(['Failed to initialize WireGuard controller: wireguard-go: /dev/net/tun: no such file'])
    expect(tunnel.calls.map((c) => c.method)).toEqual(['start', 'stop'])
  })
})
