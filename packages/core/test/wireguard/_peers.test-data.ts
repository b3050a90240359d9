import type { WireGuardPeer } from '../../src/domain/wireguard-peer.js'

/** AT-36 key. */
export const KEY_A = '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ='
/** Its WG-5 uid (`echo -n KEY_A | sha256sum`). */
export const UID_A = 'wireguardpeer-4b5440ddc0cfb912'
export const KEY_B = 'mI0Rk6OwjM5VVRmHkvZFhJUBgNLELpJhQZOiCTvKuWs='
export const UID_B = 'wireguardpeer-cacc6345f91692a7'
export const KEY_C = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo='
export const N0 = 'x1000c0s0b0n0'
export const N1 = 'x1000c0s0b0n1'
export const N2 = 'x1000c0s1b0n0'

/** A stored WireGuardPeer as an earlier run or the resource API would have left it. */
export function storedPeer(name: string, uid: string, allowedIp: string, publicKey = KEY_C): WireGuardPeer {
  return {
    apiVersion: 'v1',
    kind: 'WireGuardPeer',
    metadata: {
      name,
      uid,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      resourceVersion: '1',
    },
    spec: { public_key: publicKey, allowed_ip: allowedIp },
    status: { ready: false },
  }
}

/** Server key pair of the service fixtures (RFC 7748 Alice). */
export const SERVER_PRIVATE_KEY = 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo='
export const SERVER_PUBLIC_KEY = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo='
