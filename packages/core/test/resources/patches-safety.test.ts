import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { patchError } from './_patch-error.test-data.js'
import { applyJsonPatch } from '../../src/resources/patch-json.js'
import { applyMergePatch } from '../../src/resources/patch-merge.js'
import { applyShorthandPatch } from '../../src/resources/patch-shorthand.js'

// The safety rules that keep the RES-6 patchers hand-written rather than on fast-json-patch, rfc6902 or
// json-merge-patch (their header comments, issue 17): client-chosen keys never touch a prototype, inherited members
// never count as present, `__proto__` is an ordinary member, and inputs are never mutated.

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype] as const
const prototypeKeys = () => PROTOTYPES.map((p) => Reflect.ownKeys(p).length)

/** Every object and array in `value` is a plain one (own prototype untouched), and no function got in. */
function expectPlainJson(value: unknown): void {
  if (typeof value === 'function') throw new Error('a function in the result')
  if (typeof value !== 'object' || value === null) return
  expect(Object.getPrototypeOf(value)).toBe(Array.isArray(value) ? Array.prototype : Object.prototype)
  for (const key of Object.keys(value)) expectPlainJson((value as Record<string, unknown>)[key])
}

describe('applyJsonPatch: prototypes and inherited members', () => {
  it('treats __proto__ as an ordinary member: add, test, replace and remove it', () => {
    const added = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: 'yes' } }]) as object
    expect(Object.keys(added)).toEqual(['__proto__'])
    expectPlainJson(added)
    const doc = JSON.parse('{"__proto__": {"a": 1}}') as object
    const patched = applyJsonPatch(doc, [
      { op: 'test', path: '/__proto__', value: { a: 1 } },
      { op: 'add', path: '/__proto__/b', value: 2 },
      { op: 'replace', path: '/__proto__/a', value: 3 },
    ])
    expect(JSON.stringify(patched)).toBe('{"__proto__":{"a":3,"b":2}}')
    expect(applyJsonPatch(doc, [{ op: 'remove', path: '/__proto__' }])).toEqual({})
    expect(JSON.stringify(doc)).toBe('{"__proto__":{"a":1}}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it.each([
    ['add /__proto__/polluted', { op: 'add', path: '/__proto__/polluted', value: 1 }, '(add /__proto__/polluted): path does not exist (member __proto__)'],
    ['add /constructor/prototype/polluted', { op: 'add', path: '/constructor/prototype/polluted', value: 1 }, '(add /constructor/prototype/polluted): path does not exist (member constructor)'],
    ['replace /constructor', { op: 'replace', path: '/constructor', value: 1 }, '(replace /constructor): path does not exist (member constructor)'],
    ['remove /toString', { op: 'remove', path: '/toString' }, '(remove /toString): path does not exist (member toString)'],
    ['test /constructor', { op: 'test', path: '/constructor', value: {} }, '(test /constructor): path does not exist (member constructor)'],
    ['move from /constructor', { op: 'move', from: '/constructor', path: '/x' }, '(move /x): path does not exist (member constructor)'],
    ['copy from /__proto__', { op: 'copy', from: '/__proto__', path: '/x' }, '(copy /x): path does not exist (member __proto__)'],
    ['test /list/length', { op: 'test', path: '/list/length', value: 1 }, '(test /list/length): path does not exist (index length)'],
  ])('finds no inherited member: %s answers 422', (_name, operation, detail) => {
    const doc = { list: ['a'] }
    expect(patchError(() => applyJsonPatch(doc, [operation]))).toBe(`failed to apply patch to spec: operation 0 ${detail}`)
    expect(doc).toEqual({ list: ['a'] })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses an array index with a leading zero (RFC 6901) and a move into a child, as 422', () => {
    expect(patchError(() => applyJsonPatch({ list: ['a', 'b'] }, [{ op: 'add', path: '/list/01', value: 'x' }]))).toBe(
      'failed to apply patch to spec: operation 0 (add /list/01): index 01 is out of bounds',
    )
    expect(patchError(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]))).toBe(
      'failed to apply patch to spec: operation 0 (move /a/b/c): cannot move a value into itself',
    )
  })
})

describe('applyMergePatch and applyShorthandPatch: prototypes', () => {
  it('merges constructor, prototype and nested __proto__ members as ordinary members, leaving the target as it was', () => {
    const target = JSON.parse('{"a": {"__proto__": {"x": 1}}}') as object
    const patch = JSON.parse('{"constructor": {"prototype": {"polluted": 1}}, "a": {"__proto__": {"y": 2}}}') as object
    const merged = applyMergePatch(target, patch)
    expect(JSON.stringify(merged)).toBe('{"a":{"__proto__":{"x":1,"y":2}},"constructor":{"prototype":{"polluted":1}}}')
    expectPlainJson(merged)
    expect(JSON.stringify(target)).toBe('{"a":{"__proto__":{"x":1}}}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('sets __proto__ and constructor.prototype paths as own members, and removing an inherited one is a no-op', () => {
    const patched = applyShorthandPatch({}, { '__proto__.polluted': 1, 'constructor.prototype.polluted': 2 })
    expect(JSON.stringify(patched)).toBe('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}')
    expectPlainJson(patched)
    expect(applyShorthandPatch({ a: 1 }, { 'toString': null, 'constructor.name': null })).toEqual({ a: 1 })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

// --- property: arbitrary documents and patches built from the dangerous names ---

const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'length', 'a', '0', '01', '-'] as const
const name = fc.constantFrom(...NAMES)
/** JSON as a request body gives it (JSON.parse makes `__proto__` an own member). */
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, 0, 'x'),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(name, tie('json'), { maxKeys: 3, noNullPrototype: true }),
  ),
}))
const body = json.map((value) => JSON.parse(JSON.stringify(value)) as unknown)
const pointer = fc.array(name, { maxLength: 3 }).map((tokens) => tokens.map((t) => `/${t}`).join(''))
const operation = fc.record(
  { op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), path: pointer, from: pointer, value: body },
  { requiredKeys: ['op', 'path'] },
)
const dotted = fc.array(name, { minLength: 1, maxLength: 3 }).map((tokens) => tokens.join('.'))
const shorthand = fc
  .array(fc.tuple(dotted, fc.oneof(body, fc.constant(null))), { maxLength: 3 })
  .map((entries) => JSON.parse(JSON.stringify(Object.fromEntries(entries))) as unknown)

describe('every patcher with arbitrary dangerous names (property)', () => {
  const cases = [
    ['applyJsonPatch', fc.array(operation, { maxLength: 4 }), applyJsonPatch],
    ['applyMergePatch', body, applyMergePatch],
    ['applyShorthandPatch', shorthand, applyShorthandPatch],
  ] as const
  it.each(cases)('%s returns plain JSON or throws PATCH_FAILED, mutates nothing and touches no prototype', (_name, patches, apply) => {
    const before = prototypeKeys()
    fc.assert(
      fc.property(body, patches, (document, patch) => {
        const documentText = JSON.stringify(document)
        const patchText = JSON.stringify(patch)
        try {
          expectPlainJson(apply(document, patch))
        } catch (err) {
          expect(err).toMatchObject({ name: 'MetadataError', code: 'PATCH_FAILED' })
        }
        expect(JSON.stringify(document)).toBe(documentText)
        expect(JSON.stringify(patch)).toBe(patchText)
        expect(prototypeKeys()).toEqual(before)
      }),
      { numRuns: 500 },
    )
  })
})
