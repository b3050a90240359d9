// The generated inventory of the benchmark: one home for how node i is named and addressed, shared by the fake
// SMD (which serves it) and the storm target list (which wrk reads). Deterministic, so two runs see the same nodes.

/**
 * @typedef {object} BenchNode
 * @property {number} index    0-based position in SMD order
 * @property {string} xname    e.g. `x1000c0s0b0n0`
 * @property {number} nid      1-based NID
 * @property {string} hmnIp    boot address (HMN), the identity the storm sends in `X-Forwarded-For`
 * @property {string} hsnIp    second address (HSN)
 * @property {string} hmnMac
 * @property {string} hsnMac
 * @property {readonly string[]} groups  two SMD labels: `compute`, then `green` (even index) or `blue` (odd)
 * @property {string} yamlGroup  the templated group whose `/{group}.yaml` the storm asks this node for
 */

/** Nodes per cabinet: 8 chassis × 8 slots × 4 nodes (BMC 0). */
const PER_CABINET = 256

/**
 * IPv4 text for `base` (the second octet) plus a 1-based offset spread over the lower three octets, so 100,000
 * nodes fit in one /10 per network without `.0.0`.
 * @param {number} secondOctet
 * @param {number} offset  1-based
 * @returns {string}
 */
function address(secondOctet, offset) {
  return `10.${secondOctet + Math.floor(offset / 65_536)}.${Math.floor(offset / 256) % 256}.${offset % 256}`
}

/**
 * A locally administered MAC whose second byte tells the network apart (0 HMN, 1 HSN).
 * @param {number} net
 * @param {number} index
 * @returns {string}
 */
function mac(net, index) {
  const hex = (n) => n.toString(16).padStart(2, '0')
  return `02:${hex(net)}:${hex(Math.floor(index / 65_536) % 256)}:${hex(Math.floor(index / 256) % 256)}:${hex(index % 256)}:00`
}

/**
 * Node `index` of the benchmark inventory. HMN addresses live in 10.64.0.0/10, HSN in 10.128.0.0/10.
 * @param {number} index  0-based; at most 4,000,000
 * @returns {BenchNode}
 */
export function benchNode(index) {
  const cabinet = 1000 + Math.floor(index / PER_CABINET)
  const chassis = Math.floor(index / 32) % 8
  const slot = Math.floor(index / 4) % 8
  const even = index % 2 === 0
  return {
    index,
    xname: `x${cabinet}c${chassis}s${slot}b0n${index % 4}`,
    nid: index + 1,
    hmnIp: address(64, index + 1),
    hsnIp: address(128, index + 1),
    hmnMac: mac(0, index),
    hsnMac: mac(1, index),
    groups: ['compute', even ? 'green' : 'blue'],
    yamlGroup: even ? 'green' : 'compute',
  }
}

/**
 * The first `count` nodes.
 * @param {number} count
 * @returns {BenchNode[]}
 */
export function benchNodes(count) {
  return Array.from({ length: count }, (_, i) => benchNode(i))
}

/**
 * The three nodes of the server's built-in mock inventory (SPEC SMD-15), for `--mock`. The storage node asks for
 * `/storage.yaml`, a group without a stored resource (200 `#cloud-config`, NC-16 step 4).
 * @type {BenchNode[]}
 */
export const MOCK_NODES = [
  mockNode(0, 'x1000c0s0b0n0', 1000, '26', ['compute', 'green'], 'green'),
  mockNode(1, 'x1000c0s0b0n1', 1001, '27', ['compute', 'blue'], 'compute'),
  mockNode(2, 'x1000c0s1b0n0', 1002, '28', ['storage'], 'storage'),
]

function mockNode(index, xname, nid, last, groups, yamlGroup) {
  return { index, xname, nid, hmnIp: `10.252.0.${last}`, hsnIp: `10.100.0.${last}`, hmnMac: '', hsnMac: '', groups, yamlGroup }
}

/**
 * The wrk target list: one line per node, `<hmn ip> <group>`, read by `storm.lua`.
 * @param {readonly BenchNode[]} nodes
 * @returns {string}
 */
export function targetLines(nodes) {
  return nodes.map((n) => `${n.hmnIp} ${n.yamlGroup}\n`).join('')
}
