import { describe, expect, it } from 'vitest'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { indexNodesByAddress } from '../../src/identity/node-index.js'

describe('indexNodesByAddress (SMD-9)', () => {
  const [n0, n1] = MOCK_NODE_FIXTURES as [(typeof MOCK_NODE_FIXTURES)[number], (typeof MOCK_NODE_FIXTURES)[number]]

  it('indexes component and interface addresses in canonical form, first owner winning', () => {
    const index = indexNodesByAddress([
      { ...n0, componentIp: '10.9.0.1' },
      { ...n1, componentIp: '10.9.0.1', interfaces: [{ ...n1.interfaces[0]!, ipAddresses: [{ ip: 'FD00:0::2', network: 'HMN' }] }] },
    ])
    expect(index.get('10.9.0.1')?.xname).toBe(n0.xname)
    expect(index.get('fd00::2')?.xname).toBe(n1.xname)
    expect(index.get('10.252.0.26')?.xname).toBe(n0.xname)
    expect(index.get('10.252.0.27')).toBeUndefined()
  })

  it("gives an address that is one node's interface IP and a later node's component IP to the latter, as the SMD snapshot does", () => {
    const index = indexNodesByAddress([n0, { ...n1, componentIp: '10.252.0.26' }])
    expect(index.get('10.252.0.26')?.xname).toBe(n1.xname)
    expect(index.get('10.100.0.26')?.xname).toBe(n0.xname)
  })
})
