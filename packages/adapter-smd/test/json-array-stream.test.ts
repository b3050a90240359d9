import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createJsonArrayStream, type ArrayStreamEnd } from '../src/_json-array-stream.js'

// The cut reader must give what JSON.parse of the whole body gives (SMD-6, SMD-7, OPS-7): the same elements for
// any chunking and cut size, and for a body that is not JSON the very same SyntaxError message.

type Outcome =
  | { readonly ok: true; readonly end: ArrayStreamEnd; readonly elements: unknown[] }
  | { readonly ok: false; readonly error: unknown }

/** Feeds `body` in pieces of the given sizes (cycled) with `cutBytes`. */
function read(body: Uint8Array, sizes: readonly number[], cutBytes: number, envelopes: readonly (string | undefined)[]): Outcome {
  const elements: unknown[] = []
  const stream = createJsonArrayStream({
    envelopes,
    cutBytes,
    onElements(batch, first) {
      expect(first).toBe(elements.length)
      elements.push(...batch)
    },
  })
  let at = 0
  for (let k = 0; at < body.length; k++) {
    const size = sizes[k % sizes.length]!
    stream.push(body.subarray(at, at + size))
    at += size
  }
  try {
    return { ok: true, end: stream.end(), elements }
  } catch (error) {
    return { ok: false, error }
  }
}

/** What the pre-OPS-7 path made of the body: undici `text()` decoding, then JSON.parse. */
function reference(body: Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(body)) as unknown }
  } catch (err) {
    return { ok: false, message: (err as Error).message }
  }
}

/** Checks `outcome` against JSON.parse of the whole body. */
function expectSameAsJsonParse(body: Uint8Array, outcome: Outcome): void {
  const ref = reference(body)
  if (!outcome.ok) {
    expect(outcome.error).toBeInstanceOf(SyntaxError)
    expect(ref).toEqual({ ok: false, message: (outcome.error as Error).message })
    return
  }
  const { end, elements } = outcome
  if (end.kind === 'text') {
    expect(end.text).toBe(new TextDecoder().decode(body))
    expect(elements).toEqual([])
    return
  }
  expect(ref.ok).toBe(true)
  const value = (ref as { value: unknown }).value
  if (end.envelope === undefined) {
    expect(elements).toEqual(value)
    return
  }
  const object = value as Record<string, unknown>
  if (end.later === undefined) {
    expect(Object.keys(object)).toEqual([end.envelope])
    expect(elements).toEqual(object[end.envelope])
    return
  }
  for (const key of end.later.keys) expect((end.later.value as Record<string, unknown>)[key]).toEqual(object[key])
  if (!end.later.keys.has(end.envelope)) expect(elements).toEqual(object[end.envelope])
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
const sizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 })
const cutBytes = fc.integer({ min: 1, max: 200 })
const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '"', '\\', ',', ']', '}', '[', '{', ' ', '\n', '\u0001') })
const element = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ ID: text, IPAddresses: fc.array(fc.record({ IPAddress: text, Network: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 3 }) }),
  // Nested objects that start with the elements' first key: the reader's guessed boundaries must be refuted.
  fc.record({ ID: fc.integer(), Sub: fc.array(fc.record({ ID: text }), { maxLength: 3 }) }),
)
const spacing = fc.constantFrom(undefined, 1, '\t')
const body = fc.oneof(
  fc.tuple(fc.array(element, { maxLength: 12 }), spacing).map(([list, space]) => JSON.stringify(list, null, space)),
  fc.tuple(fc.array(element, { maxLength: 12 }), spacing).map(([list, space]) => JSON.stringify({ Components: list }, null, space)),
  fc.tuple(fc.array(element, { maxLength: 6 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })).map(
    ([list, more]) => `{"Components":${JSON.stringify(list)}${Object.keys(more).length ? `,${JSON.stringify(more).slice(1, -1)}` : ''}}`,
  ),
)
/** A body broken by a cut, a deleted character or an inserted one. */
const broken = fc.tuple(body, fc.nat(), fc.constantFrom('cut', 'delete', 'insert'), fc.constantFrom(',', ']', '}', '[', '{', '"', '\\', ':', 'x', '1', ' ', '\u0000')).map(
  ([b, at, how, c]) => {
    const k = at % (b.length + 1)
    return how === 'cut' ? b.slice(0, k) : how === 'delete' ? b.slice(0, k) + b.slice(k + 1) : b.slice(0, k) + c + b.slice(k)
  },
)

describe('reading a JSON array in cuts (SMD-7, OPS-7)', () => {
  it('delivers exactly the elements JSON.parse reads, for any chunking and cut size', () => {
    fc.assert(
      fc.property(body, sizes, cutBytes, (b, s, c) => {
        const bytes = encode(b)
        const outcome = read(bytes, s, c, [undefined, 'Components'])
        expect(outcome.ok && outcome.end.kind).toBe('streamed')
        expectSameAsJsonParse(bytes, outcome)
      }),
      { numRuns: 1500 },
    )
  })

  it('throws the very SyntaxError JSON.parse throws for a cut, truncated or mangled body', () => {
    fc.assert(
      fc.property(broken, sizes, cutBytes, (b, s, c) => {
        const bytes = encode(b)
        expectSameAsJsonParse(bytes, read(bytes, s, c, [undefined, 'Components']))
      }),
      { numRuns: 3000 },
    )
  })

  it('keeps the message of an error deep in a long body, where only a window of it is kept', () => {
    const list = Array.from({ length: 3000 }, (_, i) => ({ ID: `x${i}`, IPAddresses: [{ IPAddress: `10.0.${i >> 8}.${i & 255}` }] }))
    const good = JSON.stringify({ Components: list })
    for (const at of [good.length - 2, 70_000, 150_003, good.indexOf('x2999')]) {
      for (const c of ['', 'x', ',', '}']) {
        const bytes = encode(good.slice(0, at) + c + good.slice(at + 1))
        expectSameAsJsonParse(bytes, read(bytes, [65_536, 1_000, 7], 4096, ['Components']))
      }
    }
  })

  it('keeps the line and column of the message (Node.js 22+) deep in a pretty-printed body, whatever its line breaks', () => {
    const list = Array.from({ length: 400 }, (_, i) => ({ ID: `x${i}`, IPAddresses: [{ IPAddress: `10.0.1.${i & 255}` }] }))
    const pretty = JSON.stringify({ Components: list }, null, 2)
    for (const breaks of ['\n', '\r\n', '\r']) {
      const good = pretty.replaceAll('\n', breaks)
      // An element split over cuts and lines, and one whose comma stands alone on its line.
      const commaLine = good.replaceAll(`${breaks}    },`, `${breaks}    }${breaks},`)
      expect(commaLine).not.toBe(good)
      for (const body of [good, commaLine]) {
        for (const at of [body.length - 3, body.indexOf('x350'), Math.floor(body.length / 2)]) {
          const bytes = encode(`${body.slice(0, at)}x${body.slice(at + 1)}`)
          expectSameAsJsonParse(bytes, read(bytes, [500, 37], 256, ['Components']))
        }
      }
    }
  })

  it('reads other shapes whole: an object, null, blank, a BOM, non-JSON', () => {
    for (const b of ['{"ID":"x1"}', 'null', '', '   ', '\uFEFF[1,2]', '<html>oops</html>', `${' '.repeat(600)}[1]`, '{"Components":null}']) {
      const outcome = read(encode(b), [3], 8, [undefined, 'Components'])
      expect(outcome).toMatchObject({ ok: true, end: { kind: 'text', text: new TextDecoder().decode(encode(b)) } })
    }
  })

  it('streams a bare array and an envelope only where the payload allows them', () => {
    expect(read(encode('[1,2]'), [1], 1, ['Components'])).toMatchObject({ ok: true, end: { kind: 'text' } })
    expect(read(encode('{"Components":[1]}'), [1], 1, [undefined])).toMatchObject({ ok: true, end: { kind: 'text' } })
    expect(read(encode('{"ComponentEndpoints":[1,2]}'), [2], 1, [undefined, 'ComponentEndpoints'])).toEqual({
      ok: true,
      end: { kind: 'streamed', envelope: 'ComponentEndpoints' },
      elements: [1, 2],
    })
  })
})
