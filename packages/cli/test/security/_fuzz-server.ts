import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { Agent, request } from 'node:http'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { KIND_LIST, systemClock } from '@metadata-service/core'
import { createFakeTunnel, createRecordingLogger, type RecordingLogger } from '@metadata-service/core/testing'
import { expect } from 'vitest'
import { startServer } from '../../src/compose.js'
import { loadConfig } from '../../src/config/load.js'

// The fuzz suite's server (issue 16): `serve`'s own composition root (startServer) in-process, on the real file
// store in a temp data dir, the mock inventory, WireGuard on core's fake device, `/metrics` and the admin routes
// for loopback, so every route of `/openapi.json` answers as in production. Property tests compare the store
// (files on disk and every collection as the API lists it) before and after each refused request.

/** A running server for fuzzing. */
export interface FuzzServer {
  readonly port: number
  readonly logger: RecordingLogger
  readonly dataDir: string
  /** Keep-alive connections for the store checks (the fuzzed requests each use a fresh one). */
  readonly agent: Agent
  close(): Promise<void>
}

/** An answer read off the socket. */
export interface RawAnswer {
  readonly status: number
  readonly type: string
  readonly body: string
  /** Body size in bytes. */
  readonly bytes: number
}

/** The OPS-2 deadline of the fuzz server, seconds: a request that runs away answers 503, which every property refuses. */
export const FUZZ_REQUEST_TIMEOUT_SECONDS = 5

/** Starts the stack on 127.0.0.1, port 0, on a fresh temp data dir (removed on close). */
export async function startFuzzServer(): Promise<FuzzServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mds-fuzz-'))
  const logger = createRecordingLogger()
  const argv = [
    ...['--mock-smd', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir],
    ...['--wireguard-server', '100.97.0.1/16', '--admin-cidrs', '127.0.0.0/8,::1/128', '--trusted-proxies', '127.0.0.0/8,::1/128'],
    ...['--request-timeout', String(FUZZ_REQUEST_TIMEOUT_SECONDS), '--shutdown-timeout', '0.1'],
  ]
  const { config } = loadConfig({ argv, env: {}, readFile: () => undefined })
  const server = await startServer(config, { logger, clock: systemClock, version: 'fuzz', createTunnel: () => createFakeTunnel() })
  const agent = new Agent({ keepAlive: true })
  return {
    port: server.port,
    logger,
    dataDir,
    agent,
    async close() {
      agent.destroy()
      await server.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Sends one request with the path exactly as given (no URL normalisation) and any body bytes. */
export function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Uint8Array | string; agent?: Agent } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: options.headers ?? {}, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: body.toString('utf8'), bytes: body.length })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body === undefined ? undefined : Buffer.from(options.body))
  })
}

/** What the store holds, seen from outside: every file under the data dir (hashed) and every collection listed. */
export interface StoreState {
  readonly files: Record<string, string>
  readonly collections: Record<string, string>
}

/** The store as seen from outside: its files on disk and its four collections as the resource API lists them. */
export async function storeState(server: FuzzServer): Promise<StoreState> {
  const files: Record<string, string> = {}
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.name !== 'metadata-service.lock') {
        // A temp file of an atomic write may be renamed away between the listing and the read: it is not state.
        const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)))
        if (bytes !== undefined) files[relative(server.dataDir, path)] = createHash('sha256').update(bytes).digest('hex')
      }
    }
  }
  await walk(server.dataDir)
  const collections: Record<string, string> = {}
  for (const { collection } of KIND_LIST) {
    collections[collection] = (await send(server.port, 'GET', `/${collection}`, { agent: server.agent })).body
  }
  return { files, collections }
}

/** The store as last seen, for properties that check it after every request. */
export interface StoreGuard {
  /** After a refusal: the store is exactly as last seen (issue 16: nothing stored on refusal). */
  expectUnchanged(context: unknown): Promise<void>
  /** After an accepted write (and its clean-up): the store as it is now becomes the known state. */
  accept(): Promise<void>
}

/** A {@link StoreGuard} starting from the store once it is quiet. */
export async function guardStore(server: FuzzServer): Promise<StoreGuard> {
  let known = await quietState(server)
  return {
    async expectUnchanged(context) {
      expect({ context, store: await storeState(server) }).toEqual({ context, store: known })
    },
    async accept() {
      known = await quietState(server)
    },
  }
}

/**
 * The store state once background work has settled: a new WireGuardPeer's status is reconciled just after the write
 * that created it (WG-8), through an atomic write. Settled means no temp file of an atomic write is left, every
 * WireGuardPeer has a `status.phase`, and two looks 15 ms apart agree; at most about 5 s is waited.
 */
async function quietState(server: FuzzServer): Promise<StoreState> {
  let before = await storeState(server)
  for (let i = 0; i < 300; i++) {
    await new Promise((resolve) => setTimeout(resolve, 15))
    const now = await storeState(server)
    if (settled(now) && JSON.stringify(now) === JSON.stringify(before)) return now
    before = now
  }
  return before
}

function settled(state: StoreState): boolean {
  if (Object.keys(state.files).some((file) => file.includes('.tmp-'))) return false
  const peers = JSON.parse(state.collections.wireguardpeers ?? '[]') as Array<{ status?: { phase?: string } }>
  return peers.every((peer) => peer.status?.phase !== undefined)
}

/** A resource-API refusal: a 4xx with a JSON `{"error": <non-empty>, "code": <status>}` body. */
export function expectJsonRefusal(answer: RawAnswer, context: unknown): string {
  const body = JSON.parse(answer.body) as { error?: unknown; code?: unknown }
  expect({ context, status: answer.status >= 400 && answer.status < 500, type: answer.type, code: body.code }).toEqual({
    context,
    status: true,
    type: 'application/json',
    code: answer.status,
  })
  expect(typeof body.error === 'string' && body.error.length > 0, JSON.stringify(context)).toBe(true)
  return body.error as string
}

/** A NoCloud or WireGuard refusal: a 4xx plain-text message ending in a newline. */
export function expectPlainRefusal(answer: RawAnswer, context: unknown): void {
  expect({ context, status: answer.status >= 400 && answer.status < 500, type: answer.type, newline: answer.body.endsWith('\n') }).toEqual({
    context,
    status: true,
    type: 'text/plain; charset=utf-8',
    newline: true,
  })
  expect(answer.body.trim().length, JSON.stringify(context)).toBeGreaterThan(0)
}

// eslint-disable-next-line no-control-regex -- issue 16: nothing the client sent comes back raw
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/**
 * The invariants of every answer (issue 16): below 500; no raw control character in an error body (a newline ends
 * a plain one); a bounded body (at most `maxBytes`, default 1 MiB: what one request may make the server write).
 */
export function expectSane(answer: RawAnswer, context: unknown, maxBytes = 1024 * 1024): void {
  expect({ context, status: answer.status < 500 ? 'below 500' : `${answer.status} ${answer.body.slice(0, 300)}` }).toEqual({ context, status: 'below 500' })
  if (answer.status >= 400) expect({ context, raw: RAW_CONTROL.test(answer.body.replace(/\n$/, '')) }).toEqual({ context, raw: false })
  expect({ context, bounded: answer.bytes <= maxBytes }).toEqual({ context, bounded: true })
}

/** A request body for the fuzz properties: its text, printed short in counterexamples (they can be 70 KB). */
export interface FuzzBody {
  readonly text: string
}

/** Wraps body text so that fast-check prints at most 200 characters of it. */
export function fuzzBody(text: string): FuzzBody {
  const shown = text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text
  return { text, [fc.toStringMethod]: () => JSON.stringify(shown) } as FuzzBody
}

/**
 * JSON nested up to 12,000 levels deep (issue 16 item 5: 10,000 overflowed the stack; the limit is 64), objects or
 * arrays around a small value, placed where `wrap` puts it in a body.
 */
export function deepJsonBody(wrap: (inner: string) => string = (inner) => inner): fc.Arbitrary<FuzzBody> {
  return fc
    .tuple(fc.integer({ min: 1, max: 12_000 }), fc.boolean(), fc.jsonValue({ maxDepth: 2 }))
    .map(([levels, arrays, leaf]) => {
      const inner = arrays
        ? `${'['.repeat(levels)}${JSON.stringify(leaf)}${']'.repeat(levels)}`
        : `${'{"a":'.repeat(levels)}${JSON.stringify(leaf)}${'}'.repeat(levels)}`
      return fuzzBody(wrap(inner))
    })
}

