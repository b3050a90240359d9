import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { N0_IP, startHarness, type Harness } from './_harness.js'

// Issue 16: `/%ZZ.yaml` answered 404 (the router hands an undecodable segment over as it is), and `/%00.yaml` put a
// NUL into a plain-text error body. Bad percent-encoding is 400 wherever a path is decoded; client text echoed in
// an error body carries its control characters as `\uXXXX`, in both error styles.

const PLAIN = 'text/plain; charset=utf-8'

/** Sends the path exactly as given (fetch and URL would normalise it). */
function raw(h: Harness, method: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const { port } = new URL(h.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { 'X-Forwarded-For': N0_IP }, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('paths that do not percent-decode (issue 16)', () => {
  it('answer 400 "invalid path: bad percent-encoding" on NoCloud (plain) and resource routes (JSON)', async () => {
    const h = await startHarness()
    for (const path of ['/%ZZ.yaml', '/%.yaml', '/a%2.yaml', '/%FF.yaml', '/%C0%AE.yaml', '/meta-data%', '/%ZZ']) {
      expect({ path, ...(await raw(h, 'GET', path)) }).toEqual({ path, status: 400, type: PLAIN, body: 'invalid path: bad percent-encoding\n' })
    }
    for (const [method, path] of [['GET', '/groups/%ZZ'], ['DELETE', '/instanceinfos/%E2%82'], ['PATCH', '/groups/x%/status']]) {
      expect({ path, ...(await raw(h, method!, path!)) }).toEqual({
        path,
        status: 400,
        type: 'application/json',
        body: '{"error":"invalid path: bad percent-encoding","code":400}',
      })
    }
    expect((await raw(h, 'POST', '/phone-home/%ZZ')).status).toBe(400)
    // Well-formed encodings still decode once, as before.
    expect((await raw(h, 'GET', '/rack%201.yaml')).body).toBe('node x1000c0s0b0n0 is not a member of group rack 1\n')
  })
})

describe('control characters from the client are never echoed raw (issue 16)', () => {
  it('NUL, newline, ESC, DEL, C1 and U+2028 from the path come back as \\uXXXX in plain bodies', async () => {
    const h = await startHarness()
    const cases: Array<[string, string]> = [
      ['/%00.yaml', '\\u0000'],
      ['/a%0D%0Ab.yaml', 'a\\u000d\\u000ab'],
      ['/%1B%5B2J.yaml', '\\u001b[2J'],
      ['/x%7F%C2%9B%E2%80%A8.yaml', 'x\\u007f\\u009b\\u2028'],
    ]
    for (const [path, shown] of cases) {
      expect({ path, ...(await raw(h, 'GET', path)) }).toEqual({
        path,
        status: 404,
        type: PLAIN,
        body: `node x1000c0s0b0n0 is not a member of group ${shown}\n`,
      })
    }
  })

  it('JSON error bodies carry them escaped as text too (no raw DEL, C1 or U+2028 in the body)', async () => {
    const h = await startHarness()
    const answer = await raw(h, 'GET', '/groups/%00%7F%C2%85%E2%80%A8')
    expect(answer.status).toBe(404)
    expect(answer.body).not.toMatch(/[\u007f-\u009f\u2028]/)
    expect((JSON.parse(answer.body) as { error: string }).error).toBe(
      'Group not found: failed to load Group \\u0000\\u007f\\u0085\\u2028: resource not found',
    )
  })
})
