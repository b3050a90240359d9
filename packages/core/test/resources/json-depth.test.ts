import { describe, expect, it } from 'vitest'
import { createFixedClock, createMemoryStore, createSequenceRandom } from '../../src/testing/index.js'
import { createResourceService } from '../../src/services/resource-service.js'
import { jsonDepth, jsonTextTooDeep, jsonValueCount, MAX_JSON_DEPTH, parseJsonBody, TOO_DEEP_MESSAGE } from '../../src/resources/json-depth.js'

// SPEC §16 "Bodies", issue 16 item 5: the depth limit on text (before JSON.parse) and on parsed values (before the
// patchers' recursive copy and merge), without recursion of its own.

/** `levels` nested values built without recursion (JSON.parse of the text would do too). */
function deep(levels: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value]
  return value
}

describe('JSON depth (MAX_JSON_DEPTH = 64)', () => {
  it('scans text linearly, counting brackets outside strings only, escapes included', () => {
    expect(MAX_JSON_DEPTH).toBe(64)
    expect(jsonTextTooDeep(`${'['.repeat(64)}${']'.repeat(64)}`)).toBe(false)
    expect(jsonTextTooDeep(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe(true)
    expect(jsonTextTooDeep(JSON.stringify({ s: '{'.repeat(1000), t: 'a\\"[[[[', u: '\\\\' }))).toBe(false)
    expect(jsonTextTooDeep(`["\\\\"${',['.repeat(70)}`)).toBe(true)
    expect(jsonTextTooDeep(`{"a":${'{"a":'.repeat(100_000)}`)).toBe(true)
  })

  it('parseJsonBody refuses before parsing, and names the parse failure otherwise', () => {
    expect(() => parseJsonBody('['.repeat(100_000))).toThrow(TOO_DEEP_MESSAGE)
    expect(() => parseJsonBody('{')).toThrow(/^invalid request body: /)
    expect(parseJsonBody('{"a":[1]}')).toEqual({ a: [1] })
  })

  it('measures parsed values without recursion and stops counting early', () => {
    expect(jsonDepth(1)).toBe(0)
    expect(jsonDepth({})).toBe(1)
    expect(jsonDepth({ a: [[], { b: 1 }] })).toBe(3)
    expect(jsonDepth(deep(200_000))).toBe(MAX_JSON_DEPTH + 1)
    expect(jsonValueCount({ a: [1, 2], b: 'x' }, 100)).toBe(5)
    expect(jsonValueCount(Array.from({ length: 500_000 }, () => 0), 10)).toBe(11)
  })
})

describe('ResourceService refuses deep bodies before recursive work (issue 16 item 5)', () => {
  it('create, replace, every patch format and both status writes: INVALID_BODY naming the limit, nothing stored', async () => {
    const store = createMemoryStore()
    const service = createResourceService({ store, clock: createFixedClock(), random: createSequenceRandom() })
    const { uid } = (await service.create('Group', { metadata: { name: 'g' }, spec: {} })).metadata
    const generation = store.generation()
    const body = { spec: { metaData: deep(50_000) } }
    const attempts: Array<() => Promise<unknown>> = [
      () => service.create('Group', { metadata: { name: 'h' }, ...body }),
      () => service.replace('Group', uid, { metadata: { name: 'g' }, ...body }),
      () => service.patch('Group', uid, body.spec, 'merge'),
      () => service.patch('Group', uid, [{ op: 'add', path: '/metaData', value: deep(50_000) }], 'json-patch'),
      () => service.patch('Group', uid, { 'metaData.x': deep(50_000) }, 'shorthand'),
      () => service.replaceStatus('Group', uid, { status: deep(50_000) }),
      () => service.patchStatus('Group', uid, deep(50_000)),
    ]
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({ code: 'INVALID_BODY', message: TOO_DEEP_MESSAGE })
    }
    expect(store.generation()).toBe(generation)
  })
})
