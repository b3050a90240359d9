/** One peer as the Go service's controller kept it (`PersistentPeerState`). */
export interface GoStatePeerFixture {
  readonly peerID: string
  readonly publicKey: string
  readonly vpnIP: string
  readonly clientIP: string
  /** Empty for peers `/wg-init` added (the Go controller's AddPeer never set it). */
  readonly allowedIP: string
}

/**
 * The text of the Go service's WireGuard state file (`/data/wireguard/state.yaml`) for `state`, byte for byte as
 * its controller wrote it: `yaml.v3` `Marshal` of `ControllerState` (field order version, serverPrivateKey,
 * serverPublicKey, allocatedIPs, peers; 4-space indentation; `version` a quoted string; empty strings `""`; empty
 * lists `[]`; base64 keys as plain scalars).
 */
export function goWireGuardStateYaml(state: {
  readonly serverPrivateKey: string
  readonly serverPublicKey: string
  readonly peers: readonly GoStatePeerFixture[]
}): string {
  const scalar = (value: string) => (value === '' ? '""' : value)
  const allocated = state.peers.map((p) => p.vpnIP).filter((ip) => ip !== '')
  const lines = [
    'version: "1"',
    `serverPrivateKey: ${scalar(state.serverPrivateKey)}`,
    `serverPublicKey: ${scalar(state.serverPublicKey)}`,
    allocated.length === 0 ? 'allocatedIPs: []' : 'allocatedIPs:',
    ...allocated.map((ip) => `    - ${ip}`),
    state.peers.length === 0 ? 'peers: []' : 'peers:',
    ...state.peers.flatMap((p) => [
      `    - peerID: ${scalar(p.peerID)}`,
      `      publicKey: ${scalar(p.publicKey)}`,
      `      vpnIP: ${scalar(p.vpnIP)}`,
      `      clientIP: ${scalar(p.clientIP)}`,
      `      allowedIP: ${scalar(p.allowedIP)}`,
    ]),
  ]
  return `${lines.join('\n')}\n`
}
