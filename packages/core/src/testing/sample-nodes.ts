import type { InventoryNode } from '../ports/inventory.js'

const HMN = 'Node Management Network'

/**
 * `count` distinct inventory nodes (at most 4,194,304), for tests that need a snapshot of some size: node `i` is
 * `x{1000 + i/256}c0s{i/4 % 64}b0n{i % 4}`, NID `i + 1`, a compute node with one HMN interface at
 * `10.{64 + i/65536}.{i/256 % 256}.{i % 256}` and one NIC. Its node table takes about 190 bytes per node
 * (a 1 MiB table chunk holds some 5,500 nodes).
 */
export function sampleInventoryNodes(count: number): InventoryNode[] {
  return Array.from({ length: count }, (_, i): InventoryNode => {
    const mac = `b4:2e:99:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`
    return {
      xname: `x${1000 + (i >> 8)}c0s${(i >> 2) & 63}b0n${i & 3}`,
      nid: i + 1,
      role: 'Compute',
      groups: ['compute', 'green'],
      interfaces: [{ id: mac.replaceAll(':', ''), description: HMN, mac, type: 'Node', ipAddresses: [{ ip: `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, network: 'HMN' }] }],
      nics: [{ redfishId: '1', description: HMN, mac, permanentMac: mac, enabled: true }],
    }
  })
}

function hex(byte: number): string {
  return (byte & 255).toString(16).padStart(2, '0')
}
