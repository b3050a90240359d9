import { describe, expect, it } from 'vitest'
import { patchError } from './_patch-error.test-data.js'
import { parseJsonPointer } from '../../src/resources/json-pointer.js'
import { applyJsonPatch } from '../../src/resources/patch-json.js'
import { applyMergePatch } from '../../src/resources/patch-merge.js'
import { applyShorthandPatch } from '../../src/resources/patch-shorthand.js'

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects, removes on null and replaces non-objects', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] }
    const patch = { a: 'z', c: { f: null, h: 'i' }, list: [3] }
    expect(applyMergePatch(target, patch)).toEqual({ a: 'z', c: { d: 'e', h: 'i' }, list: [3] })
    expect(target).toEqual({ a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] })
  })

  it('follows the RFC 7386 appendix examples', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' })
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' })
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({})
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] })
    expect(applyMergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd'])
    expect(applyMergePatch({ a: 'b' }, ['c'])).toEqual(['c'])
    expect(applyMergePatch({ a: 'foo' }, null)).toBeNull()
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 })
    expect(applyMergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' })
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } })
  })

  it('treats __proto__ as an ordinary member', () => {
    const patched = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": "yes"}}')) as object
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype)
    expect(Object.keys(patched)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('applyJsonPatch (RFC 6902)', () => {
  const spec = { description: 'd', metaData: { color: 'green', 'a/b': '1', 'c~d': '2' }, list: ['x', 'y'] }

  it('applies add, remove, replace, move, copy and test in order', () => {
    const patched = applyJsonPatch(spec, [
      { op: 'test', path: '/metaData/color', value: 'green' },
      { op: 'replace', path: '/metaData/color', value: 'blue' },
      { op: 'add', path: '/metaData/size', value: 'xl' },
      { op: 'remove', path: '/metaData/a~1b' },
      { op: 'move', from: '/metaData/c~0d', path: '/metaData/moved' },
      { op: 'copy', from: '/description', path: '/template' },
      { op: 'add', path: '/list/-', value: 'z' },
      { op: 'add', path: '/list/0', value: 'w' },
      { op: 'remove', path: '/list/1' },
    ])
    expect(patched).toEqual({
      description: 'd',
      metaData: { color: 'blue', size: 'xl', moved: '2' },
      list: ['w', 'y', 'z'],
      template: 'd',
    })
    expect(spec.metaData.color).toBe('green')
  })

  it('replaces the whole document with the empty path', () => {
    expect(applyJsonPatch(spec, [{ op: 'replace', path: '', value: { a: 1 } }])).toEqual({ a: 1 })
  })

  it('compares test values as JSON (member order does not matter)', () => {
    const doc = { a: { x: 1, y: [1, 2] } }
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/a', value: { y: [1, 2], x: 1 } }])).toEqual(doc)
  })

  it('answers PATCH_FAILED with a detail for each kind of failure', () => {
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'test', path: '/metaData/color', value: 'red' }]))).toBe(
      'failed to apply patch to spec: operation 0 (test /metaData/color): value differs',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'remove', path: '/nope' }]))).toBe(
      'failed to apply patch to spec: operation 0 (remove /nope): path does not exist (member nope)',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'replace', path: '/list/2', value: 'q' }]))).toBe(
      'failed to apply patch to spec: operation 0 (replace /list/2): path does not exist (index 2)',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'add', path: '/list/3', value: 'q' }]))).toBe(
      'failed to apply patch to spec: operation 0 (add /list/3): index 3 is out of bounds',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'add', path: '/a/b', value: 1 }]))).toBe(
      'failed to apply patch to spec: operation 0 (add /a/b): path does not exist (member a)',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'move', from: '/metaData', path: '/metaData/x' }]))).toBe(
      'failed to apply patch to spec: operation 0 (move /metaData/x): cannot move a value into itself',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'remove', path: '' }]))).toBe(
      'failed to apply patch to spec: the patch removed the whole spec',
    )
  })

  it('rejects malformed patches as PATCH_FAILED', () => {
    expect(patchError(() => applyJsonPatch(spec, { op: 'add' }))).toBe(
      'failed to apply patch to spec: a JSON Patch must be an array of operations',
    )
    expect(patchError(() => applyJsonPatch(spec, [1]))).toBe(
      'failed to apply patch to spec: operation 0: must be an object',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'jump', path: '/a' }]))).toBe(
      'failed to apply patch to spec: operation 0: op must be one of add, remove, replace, move, copy, test',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'add', path: '/a' }]))).toBe(
      'failed to apply patch to spec: operation 0: add needs a value',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'add', path: 'a', value: 1 }]))).toBe(
      'failed to apply patch to spec: operation 0: path is not a valid JSON Pointer: a',
    )
    expect(patchError(() => applyJsonPatch(spec, [{ op: 'copy', path: '/a' }]))).toBe(
      'failed to apply patch to spec: operation 0: from must be a string',
    )
  })

  it('parses JSON Pointers with escapes', () => {
    expect(parseJsonPointer('')).toEqual([])
    expect(parseJsonPointer('/')).toEqual([''])
    expect(parseJsonPointer('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1'])
    expect(parseJsonPointer('/a~2')).toBeUndefined()
    expect(parseJsonPointer('/a~')).toBeUndefined()
    expect(parseJsonPointer('a')).toBeUndefined()
  })
})

describe('applyShorthandPatch', () => {
  it('sets dotted paths, creating objects, and removes on null', () => {
    const spec = { description: 'd', metaData: { color: 'green', size: 'l' } }
    expect(applyShorthandPatch(spec, { 'metaData.color': 'blue', 'metaData.size': null, description: 'e' })).toEqual({
      description: 'e',
      metaData: { color: 'blue' },
    })
    expect(applyShorthandPatch({}, { 'metaData.rack': 'r1', 'missing.leaf': null })).toEqual({
      metaData: { rack: 'r1' },
    })
    expect(spec.metaData.color).toBe('green')
  })

  it('answers PATCH_FAILED for bad keys, non-object parents and non-object patches', () => {
    expect(patchError(() => applyShorthandPatch({ description: 'd' }, { 'description.x': 'y' }))).toBe(
      'failed to apply patch to spec: cannot set description.x: description is not an object',
    )
    expect(patchError(() => applyShorthandPatch({}, { 'a..b': 'y' }))).toBe(
      'failed to apply patch to spec: invalid path "a..b": empty segment',
    )
    expect(patchError(() => applyShorthandPatch({}, ['a']))).toBe(
      'failed to apply patch to spec: a shorthand patch must be an object of "dotted.path": value',
    )
  })
})
