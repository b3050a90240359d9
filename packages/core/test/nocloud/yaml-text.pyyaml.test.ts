import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fuzzParameters, hostileJson, hostileString, RESOLVER_LOOKALIKES, SPECIAL_CHARACTERS, startPyYaml, type PyYamlChecker } from '../../src/testing/index.js'
import { metaDataDocuments, networkConfigDocuments } from './_yaml-documents.test-data.js'
import { setOwn } from '../../src/nocloud/groups.js'
import { toYamlText } from '../../src/nocloud/yaml-text.js'

// Issue 16 item 4, SPEC §16: every YAML document we emit loads with PyYAML's safe_load (cloud-init's reader,
// Debian python3-yaml) to the very data we meant: thousands of documents whose strings and keys hold every control
// and special Unicode class, YAML indicators and plain scalars YAML 1.1 resolves to other types.

let pyyaml: PyYamlChecker
beforeAll(async () => {
  pyyaml = await startPyYaml()
})
afterAll(async () => {
  await pyyaml?.close()
})

/** The document as cloud-init would read it, compared with what we meant (the value itself, through JSON). */
async function expectPyYamlReads(value: unknown): Promise<void> {
  const text = toYamlText(value)
  const verdict = await pyyaml.check(text, value)
  expect(verdict, `${JSON.stringify(text)} should load as ${JSON.stringify(value)}`).toEqual({ ok: true })
}

describe('toYamlText loads in PyYAML to the same data (issue 16, NC-11)', () => {
  it('the reported cases: values =, U+FFFE, U+FFFF, U+007F; keys <<, U+2028, U+2029, U+0085', async () => {
    for (const value of ['=', '\ufffe', '\uffff', '\u007f']) await expectPyYamlReads({ a: value })
    for (const key of ['<<', 'a\u2028b', 'a\u2029b', 'a\u0085b', '\u2028', '\u0085']) {
      const doc = {}
      setOwn(doc, key, 'x')
      await expectPyYamlReads(doc)
    }
  })

  it('every special character alone, as key and value, at the start, middle and end', async () => {
    const specials = [...Object.values(SPECIAL_CHARACTERS).flat(), ...RESOLVER_LOOKALIKES]
    for (const s of specials) {
      for (const text of [s, `${s}x`, `x${s}`, `x${s}y`, `${s} `, ` ${s}`]) {
        const doc: Record<string, unknown> = { value: text, list: [text, { k: text }] }
        setOwn(doc, text, text)
        await expectPyYamlReads(doc)
      }
    }
  })

  it('keys around the 1,024-character limit of implicit keys, plain, quoted and escaped', async () => {
    for (const n of [1000, 1020, 1021, 1022, 1023, 1024, 1025, 1030]) {
      for (const key of ['k'.repeat(n), `"${'k'.repeat(n - 2)}`, `\u0001${'k'.repeat(n - 1)}`, `${'\u2028'.repeat(n / 10)}`]) {
        const doc: Record<string, unknown> = {}
        setOwn(doc, key, { nested: [key] })
        await expectPyYamlReads({ list: [doc], doc })
      }
    }
  })

  it('any JSON value with hostile strings and keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(hostileString, hostileJson, { maxKeys: 6 }), (doc) => expectPyYamlReads(doc)),
      fuzzParameters(1500),
    )
  })

  for (const [name, documents] of [['meta-data', metaDataDocuments(hostileString)], ['network-config', networkConfigDocuments(hostileString)]] as const) {
    it(`${name}-shaped documents with hostile strings`, async () => {
      await fc.assert(fc.asyncProperty(documents, (doc) => expectPyYamlReads(doc)), fuzzParameters(500))
    })
  }
})
