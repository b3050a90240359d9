import { describe, expect, it } from 'vitest'
import { GOLDEN_NETWORK_CONFIG } from '../../src/testing/goldens.js'
import { toYamlTextReference } from '../../src/nocloud/_yaml-reference.js'
import { goldenMetaDataDocument, TRICKY_SCALARS } from '../../src/nocloud/_yaml-samples.js'
import { wouldRetype, yamlString } from '../../src/nocloud/_yaml-scalar.js'
import { setOwn } from '../../src/nocloud/groups.js'
import { renderMetaData } from '../../src/nocloud/meta-data.js'
import { buildNetworkConfig } from '../../src/nocloud/network-config.js'
import { MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { toYamlText } from '../../src/nocloud/yaml-text.js'

describe('toYamlText (OPS-7 emitter) equals the yaml package on the usual documents (NC-11)', () => {
  it('writes the NC-12 meta-data document itself, byte-equal to the reference', () => {
    const doc = goldenMetaDataDocument()
    const fast = toYamlText(doc)
    expect(fast).toBe(toYamlTextReference(doc))
    expect(fast).toContain('      version: "1.0"\n      cloud_init_base_url: http://localhost:8888\n')
    expect(fast).toContain('        - description: Node Management Network\n          enabled: true\n          ip: 10.252.0.26\n')
    expect(fast).toContain('          mac: b4:2e:99:be:1a:6d\n          name: eth0\n          network: HMN\n          redfishid: "1"\n')
    expect(fast).toContain('      groups:\n        compute:\n          description: Compute nodes\n')
    expect(renderMetaData(doc)).toBe(fast)
  })

  it('writes the AT-15 network-config golden exactly', () => {
    const doc = { version: 1, config: [{ type: 'physical', name: 'eth0', subnets: [{ type: 'static', address: '10.0.0.1/24' }] }] }
    expect(toYamlText(doc)).toBe(toYamlTextReference(doc))
    expect(buildNetworkConfig(MOCK_NODE_FIXTURES[0]!)).toBe(GOLDEN_NETWORK_CONFIG)
  })

  it('quotes what a YAML 1.1 reader would retype, using the yaml schema tags and PyYAML resolvers', () => {
    expect(['1.0', '1000', 'yes', 'on', 'Off', '~', '', '12:34:56:12:34:56', '0x1F', '.inf', '=', '<<', '1.', 'e0'].filter((s) => !wouldRetype(s))).toEqual([])
    expect(['b4:2e:99:be:1a:6d', 'tc1000', '1.0.0', 'on1000', '==', '<<<'].filter(wouldRetype)).toEqual([])
    expect(yamlString('1.0')).toBe('"1.0"')
    expect(yamlString('')).toBe('""')
    expect(yamlString('yes')).toBe('"yes"')
    expect(yamlString('12:34:56:12:34:56')).toBe('"12:34:56:12:34:56"')
    expect(yamlString('b4:2e:99:be:1a:6d')).toBe('b4:2e:99:be:1a:6d')
    expect(yamlString('say "hi"')).toBe(`say "hi"`)
    expect(yamlString('"hi"')).toBe(`'"hi"'`)
    expect(yamlString(`'both" `)).toBe(`"'both\\" "`)
    expect(yamlString('x'.repeat(1100))).toBe('x'.repeat(1100))
  })

  it('escapes in double quotes what PyYAML cannot read raw (issue 16): tab, newlines, DEL, C1, U+2028/9, BOM, U+FFFE/F', () => {
    expect(yamlString('a\tb')).toBe('"a\\tb"')
    expect(yamlString('a\tb: c')).toBe('"a\\tb: c"')
    expect(yamlString('a\nb')).toBe('"a\\nb"')
    expect(yamlString('"a\nb"')).toBe('"\\"a\\nb\\""')
    expect(yamlString('\u0000\u007f\u0085\u009f')).toBe('"\\u0000\\u007f\\u0085\\u009f"')
    expect(yamlString('a\u2028b\u2029')).toBe('"a\\u2028b\\u2029"')
    expect(yamlString('\ufeffx\ufffe\uffff')).toBe('"\\ufeffx\\ufffe\\uffff"')
    expect(yamlString('\ud800')).toBe('"\\ud800"')
    expect(yamlString('🚀 ok')).toBe('🚀 ok')
    expect(yamlString('=')).toBe('"="')
    expect(yamlString('<<')).toBe('"<<"')
    expect(yamlString('--- x')).toBe('"--- x"')
  })

  it('matches the reference for every ordinary tricky scalar as key, value, sequence item and flow-empty sibling', () => {
    // eslint-disable-next-line no-control-regex -- strings the emitter escapes on purpose (issue 16)
    const ordinary = TRICKY_SCALARS.filter((s) => s.length <= 1000 && !/[\t\n\r\u0000\u0085\u2028\ud800]|^(?:---|\.\.\.)|^(?:=|<<)$/.test(s))
    expect(ordinary.length).toBeGreaterThan(80)
    for (const s of ordinary) {
      const doc: Record<string, unknown> = { a: s, list: [s, { k: s }], nested: { inner: s, empty: {}, none: [] } }
      setOwn(doc, s, s)
      expect(toYamlText(doc), JSON.stringify(s)).toBe(toYamlTextReference(doc))
    }
  })

  it('writes every JSON value itself: null, fractions, big numbers, shared objects twice, top-level arrays and scalars', () => {
    const shared = { x: 'v' }
    expect(toYamlText({ a: null, b: undefined, c: 1.5, d: -0, e: 5e-7, f: 1e21, g: 2 ** 60, h: [1, , 3] })).toBe( // eslint-disable-line no-sparse-arrays
      'a: null\nc: 1.5\nd: -0.0\ne: 5.0e-7\nf: 1.0e+21\ng: 1152921504606847000\nh:\n  - 1\n  - null\n  - 3\n',
    )
    expect(toYamlText({ a: shared, b: shared })).toBe('a:\n  x: v\nb:\n  x: v\n')
    expect(toYamlText(['top', 'level'])).toBe('- top\n- level\n')
    expect(toYamlText('scalar')).toBe('scalar\n')
    expect(toYamlText({ long: { ['k'.repeat(1025)]: { a: 'b' } } })).toBe(`long:\n  ? ${'k'.repeat(1025)}\n  :\n    a: b\n`)
  })

  it('refuses what JSON cannot hold instead of writing something cloud-init would misread', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const value of [{ a: new Date(0) }, { a: () => 1 }, { a: Symbol('s') }, cyclic, new Map()]) {
      expect(() => toYamlText(value)).toThrow(TypeError)
    }
  })

  it('writes empty collections, negative integers, booleans and __proto__ keys like the reference', () => {
    const doc: Record<string, unknown> = { e: {}, l: [], n: -42, t: true, f: false, s: [[], {}, [1, [2]], { a: [] }] }
    setOwn(doc, '__proto__', { '1': 'x' })
    expect(toYamlText(doc)).toBe(toYamlTextReference(doc))
    expect(toYamlText({})).toBe('{}\n')
  })
})
