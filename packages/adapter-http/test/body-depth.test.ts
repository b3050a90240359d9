import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH } from '@metadata-service/core'
import { postJson, read, startHarness, type Harness } from './_harness.js'
import { startWireGuardApp } from './_wireguard-app.js'

// SPEC §16 "Bodies", issue 16 item 5: 10,000 levels of nesting in a 60 KB PATCH body overflowed the recursive
// copy and merge (500). Every body-reading route answers 400 naming the limit, before any recursive work, and
// stores nothing; 64 levels still pass.

const TOO_DEEP = { status: 400, type: 'application/json', body: `{"error":"invalid request body: JSON nested deeper than ${MAX_JSON_DEPTH} levels","code":400}` }
const nested = (levels: number, leaf = '1') => `${'{"a":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`

async function groupUid(h: Harness): Promise<string> {
  const res = await postJson(h, '/groups', { metadata: { name: 'g' }, spec: { description: 'before' } })
  expect(res.status).toBe(201)
  return ((await res.json()) as { metadata: { uid: string } }).metadata.uid
}

const write = (h: Harness, method: string, path: string, body: string, type = 'application/json') =>
  h.fetch(path, { method, headers: { 'Content-Type': type }, body })

describe('JSON nesting depth on every request body (SPEC §16, issue 16 item 5)', () => {
  it('PATCH in all three formats and /status at depth 10,000 (60 KB) answer 400 naming the limit, not 500', async () => {
    const h = await startHarness()
    const uid = await groupUid(h)
    const before = await (await h.fetch(`/groups/${uid}`)).text()
    const bodies: Array<[string, string, string]> = [
      [`/groups/${uid}`, 'application/merge-patch+json', `{"metaData":${nested(10_000)}}`],
      [`/groups/${uid}`, 'application/json-patch+json', `[{"op":"add","path":"/metaData","value":${deepArray(10_000)}}]`],
      [`/groups/${uid}`, 'application/shorthand-patch+json', `{"metaData.x":${deepArray(10_000)}}`],
      [`/groups/${uid}/status`, 'application/merge-patch+json', `{"status":${nested(10_000)}}`],
    ]
    for (const [path, type, body] of bodies) {
      expect(body.length).toBeGreaterThan(20_000)
      expect({ patch: type, ...(await read(await write(h, 'PATCH', path, body, type))) }).toEqual({ patch: type, ...TOO_DEEP })
    }
    expect(await read(await write(h, 'PUT', `/groups/${uid}/status`, nested(10_000)))).toEqual(TOO_DEEP)
    expect(await read(await write(h, 'PUT', `/groups/${uid}`, `{"metadata":{"name":"g"},"spec":${nested(65)}}`))).toEqual(TOO_DEEP)
    expect(await read(await write(h, 'POST', '/groups', `{"metadata":{"name":"h"},"spec":${deepArray(100)}}`))).toEqual(TOO_DEEP)
    expect(await (await h.fetch(`/groups/${uid}`)).text()).toBe(before)
    expect(((await (await h.fetch('/groups')).json()) as unknown[]).length).toBe(1)
  })

  it('counts brackets only outside strings, and 64 levels are still read (then judged by RES-9)', async () => {
    const h = await startHarness()
    const uid = await groupUid(h)
    const brackets = JSON.stringify({ description: '['.repeat(5000) })
    expect((await write(h, 'PATCH', `/groups/${uid}`, brackets, 'application/merge-patch+json')).status).toBe(200)
    const at64 = await read(await write(h, 'PUT', `/groups/${uid}`, `{"metadata":{"name":"g"},"spec":{"x":${nested(62)}}}`))
    expect(at64.status).toBe(400)
    expect(at64.body).toContain('unknown fields in spec: [x]')
  })

  it('a patch cannot build depth from a flat body: dotted keys and self-copies are refused (422), nothing stored', async () => {
    const h = await startHarness()
    const uid = await groupUid(h)
    const dotted = JSON.stringify({ [`metaData.${Array.from({ length: 10_000 }, () => 'a').join('.')}`]: 'x' })
    const shorthand = await read(await write(h, 'PATCH', `/groups/${uid}`, dotted, 'application/shorthand-patch+json'))
    expect(shorthand.status).toBe(422)
    expect(shorthand.body).toContain(`the spec would nest deeper than ${MAX_JSON_DEPTH} levels`)
    const copies = [{ op: 'add', path: '/metaData', value: { a: { b: 'x'.repeat(10) } } }]
    for (let i = 0; i < 40; i++) copies.push({ op: 'copy', from: '/metaData', path: `/metaData/c${i}` } as never)
    const copied = await read(await write(h, 'PATCH', `/groups/${uid}`, JSON.stringify(copies), 'application/json-patch+json'))
    expect(copied.status).toBe(422)
    expect(copied.body).toContain('a patch may copy at most 65536 values in all')
    const selfNest = [{ op: 'add', path: '/metaData', value: {} }]
    for (let i = 0; i < 100; i++) selfNest.push({ op: 'copy', from: '/metaData', path: '/metaData/n' } as never)
    expect((await write(h, 'PATCH', `/groups/${uid}`, JSON.stringify(selfNest), 'application/json-patch+json')).status).toBe(422)
    expect((await (await h.fetch(`/groups/${uid}`)).json()) as unknown).toMatchObject({ spec: { description: 'before' }, metadata: { resourceVersion: '1' } })
  })

  it('POST /render and POST /wg-init refuse deep bodies with a 400 naming the limit', async () => {
    const h = await startHarness({ preview: true })
    expect(await read(await write(h, 'POST', '/render', `{"node":${deepArray(10_000)}}`))).toEqual(TOO_DEEP)
    const wg = await startWireGuardApp()
    const answer = await wg.request('/wg-init', { method: 'POST', as: '10.252.0.26', body: `{"public_key":${deepArray(10_000)}}` })
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 400, body: `invalid request: JSON nested deeper than ${MAX_JSON_DEPTH} levels\n` })
  })
})
