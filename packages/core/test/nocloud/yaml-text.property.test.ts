import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fuzzParameters } from '../../src/testing/index.js'
import { toYamlTextReference } from '../../src/nocloud/_yaml-reference.js'
import { metaDataDocuments, networkConfigDocuments } from './_yaml-documents.test-data.js'
import { TRICKY_SCALARS } from '../../src/nocloud/_yaml-samples.js'
import { toYamlText } from '../../src/nocloud/yaml-text.js'

// OPS-7: the hand-written emitter keeps the bytes the `yaml` package writes for every string both write safely.
// Where they differ on purpose (issue 16: characters PyYAML cannot read raw, `=` and `<<`, document markers), the
// PyYAML property test (yaml-text.pyyaml.test.ts) is the judge.

// eslint-disable-next-line no-control-regex -- the classes issue 16 escapes
const ESCAPED = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u
/** A string the `yaml` package writes as PyYAML reads it (and short enough to be an implicit key). */
const ordinary = (s: string) => s.length <= 1000 && !ESCAPED.test(s) && !/^(?:---|\.\.\.)/.test(s) && s !== '=' && s !== '<<'

// Adversarial strings: arbitrary unicode, graphemes, tricky YAML scalars, and strings over YAML indicator
// characters, so that quoting decisions are taken often (NC-11, OPS-7).
const indicatorChars = fc.constantFrom(...'ab1.:-?#&*!|>\'"%@`,[]{} ~=/eyYnN0x_<'.split(''))
const str = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom(...TRICKY_SCALARS),
    fc.string({ unit: indicatorChars, maxLength: 8 }),
    fc.tuple(fc.constantFrom(...TRICKY_SCALARS), fc.constantFrom(...TRICKY_SCALARS)).map(([a, b]) => a + b),
  )
  .filter(ordinary)

describe('toYamlText equals the yaml package byte for byte on ordinary strings (OPS-7, NC-11)', () => {
  for (const [name, arb] of [['meta-data', metaDataDocuments(str)], ['network-config', networkConfigDocuments(str)]] as const) {
    it(`${name}-shaped documents with adversarial strings`, () => {
      fc.assert(
        fc.property(arb, (doc) => {
          expect(toYamlText(doc)).toBe(toYamlTextReference(doc))
        }),
        fuzzParameters(2500),
      )
    })
  }
})
