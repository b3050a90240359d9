import { generateWireGuardKeyPair } from '../../src/wireguard/keys.js'
import { createFakeTunnel } from '../../src/testing/fake-tunnel.js'
import { describeTunnel } from '../../src/testing/tunnel.contract.js'

// The fake runs the same contract as adapter-wireguard's real device (STYLE 6).
describeTunnel('createFakeTunnel', async () => ({
  tunnel: createFakeTunnel(),
  startOptions: { privateKey: generateWireGuardKeyPair().privateKey, listenPort: 51820, address: '10.9.0.1/24' },
}))
