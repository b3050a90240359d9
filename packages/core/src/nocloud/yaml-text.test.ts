import { describe, expect, it } from 'vitest'
import { GOLDEN_NETWORK_CONFIG } from '../testing/goldens.js'
import { emitYamlDocument } from './_yaml-emit.js'
import { toYamlTextReference } from './_yaml-reference.js'
import { goldenMetaDataDocument, TRICKY_SCALARS } from './_yaml-samples.js'
import { wouldRetype, yamlString } from './_yaml-scalar.js'
import { setOwn } from './groups.js'
import { renderMetaData } from './meta-data.js'
import { buildNetworkConfig } from './network-config.js'
import { MOCK_NODE_FIXTURES } from '../testing/fixtures.js'
import { toYamlText } from './yaml-text.js'

describe('toYamlText fast emitter (OPS-7) equals the yaml package (NC-11)', () => {
  it('writes the NC-12 meta-data document itself, byte-equal to the reference', () => {
    const doc = goldenMetaDataDocument()
    const fast = emitYamlDocument(doc)
    expect(fast).toBe(toYamlTextReference(doc))
    expect(fast).toContain('      version: "1.0"\n      cloud_init_base_url: http://localhost:8888\n')
    expect(fast).toContain('        - description: Node Management Network\n          enabled: true\n          ip: 10.252.0.26\n')
    expect(fast).toContain('          mac: b4:2e:99:be:1a:6d\n          name: eth0\n          network: HMN\n          redfishid: "1"\n')
    expect(fast).toContain('      groups:\n        compute:\n          description: Compute nodes\n')
    expect(renderMetaData(doc)).toBe(fast)
  })

  it('writes the AT-15 network-config golden exactly', () => {
    const doc = { version: 1, config: [{ type: 'physical', name: 'eth0', subnets: [{ type: 'static', address: '10.0.0.1/24' }] }] }
    expect(emitYamlDocument(doc)).toBe(toYamlTextReference(doc))
    expect(buildNetworkConfig(MOCK_NODE_FIXTURES[0]!)).toBe(GOLDEN_NETWORK_CONFIG)
  })

  it('quotes what a YAML 1.1 reader would retype, using the yaml schema tags', () => {
    expect(['1.0', '1000', 'yes', 'on', 'Off', '~', '', '12:34:56:12:34:56', '0x1F', '.inf'].filter((s) => !wouldRetype(s))).toEqual([])
    expect(['b4:2e:99:be:1a:6d', 'tc1000', '1.0.0', 'on1000'].filter(wouldRetype)).toEqual([])
    expect(yamlString('1.0', false)).toBe('"1.0"')
    expect(yamlString('', false)).toBe('""')
    expect(yamlString('yes', true)).toBe('"yes"')
    expect(yamlString('12:34:56:12:34:56', false)).toBe('"12:34:56:12:34:56"')
    expect(yamlString('b4:2e:99:be:1a:6d', false)).toBe('b4:2e:99:be:1a:6d')
    expect(yamlString('say "hi"', false)).toBe(`say "hi"`)
    expect(yamlString('"hi"', false)).toBe(`'"hi"'`)
    expect(yamlString(`'both" `, false)).toBe(`"'both\\" "`)
    expect(yamlString('a\tb: c', false)).toBe('"a\\tb: c"')
    expect(yamlString('a\nb', false)).toBeUndefined()
    expect(yamlString('<<', false)).toBeUndefined()
    expect(yamlString('x'.repeat(1100), true)).toBeUndefined()
  })

  it('matches the reference for every tricky scalar as key, value, sequence item and flow-empty sibling', () => {
    for (const s of TRICKY_SCALARS) {
      const doc: Record<string, unknown> = { a: s, list: [s, { k: s }], nested: { inner: s, empty: {}, none: [] } }
      setOwn(doc, s, s)
      expect(toYamlText(doc), JSON.stringify(s)).toBe(toYamlTextReference(doc))
    }
  })

  it('falls back to the reference for what it does not handle', () => {
    const shared = { x: 'y' }
    const cases: unknown[] = [
      { a: null }, { a: undefined }, { a: 1.5 }, { a: -0 }, { a: 2 ** 60 }, { a: 'line\nbreak' }, { a: new Date(0) },
      { a: shared, b: shared }, ['top', 'level'], 'scalar', { a: [1, , 3] }, // eslint-disable-line no-sparse-arrays
    ]
    for (const value of cases) {
      expect(emitYamlDocument(value)).toBeUndefined()
      expect(toYamlText(value)).toBe(toYamlTextReference(value))
    }
    expect(toYamlText({ a: shared, b: shared })).toContain('&a1')
  })

  it('writes empty collections, negative integers, booleans and __proto__ keys like the reference', () => {
    const doc: Record<string, unknown> = { e: {}, l: [], n: -42, t: true, f: false, s: [[], {}, [1, [2]], { a: [] }] }
    setOwn(doc, '__proto__', { '1': 'x' })
    expect(emitYamlDocument(doc)).toBe(toYamlTextReference(doc))
    expect(emitYamlDocument({})).toBe('{}\n')
  })
})
