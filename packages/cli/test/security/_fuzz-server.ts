import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { openFileStore } from '@metadata-service/adapter-fs'
import { createApp, listen } from '@metadata-service/adapter-http'
import { createMockInventory } from '@metadata-service/adapter-smd'
import {
  createNoCloudService,
  createResourceService,
  parseCidrList,
  systemClock,
  type ResourceStore,
} from '@metadata-service/core'
import { createRecordingLogger, type RecordingLogger } from '@metadata-service/core/testing'
import { expect } from 'vitest'
import { createAdminAuthorizer } from '../../src/admin-access.js'

// The real HTTP stack over the real file store and the mock inventory, in-process, so property tests can compare
// the store (generation, files on disk) before and after every refused request. Same pieces as `serve` composes.

/** A running server for fuzzing. */
export interface FuzzServer {
  readonly port: number
  readonly store: ResourceStore
  readonly logger: RecordingLogger
  readonly dataDir: string
  close(): Promise<void>
}

/** An answer read off the socket. */
export interface RawAnswer {
  readonly status: number
  readonly type: string
  readonly body: string
}

/** Starts the stack on 127.0.0.1, port 0, on a fresh temp data dir (removed on close). */
export async function startFuzzServer(): Promise<FuzzServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mds-fuzz-'))
  const logger = createRecordingLogger()
  const store = await openFileStore({ dataDir, logger })
  const inventory = createMockInventory({ logger })
  await inventory.start()
  const app = createApp(
    {
      resources: createResourceService({ store, clock: systemClock }),
      nocloud: createNoCloudService({ inventory, store, logger }),
      health: () => ({ healthy: true }),
      logger,
      authorize: createAdminAuthorizer(parseCidrList('127.0.0.0/8,::1/128')),
    },
    { trustedProxies: parseCidrList('127.0.0.0/8,::1/128') },
  )
  const http = await listen(app, { host: '127.0.0.1', port: 0 })
  return {
    port: http.port,
    store,
    logger,
    dataDir,
    async close() {
      await http.close(100)
      await inventory.close()
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Sends one request with the path exactly as given (no URL normalisation) and any body bytes. */
export function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body === undefined ? undefined : Buffer.from(options.body))
  })
}

/** The store as seen from outside: its generation and every file under the data dir with a content hash. */
export async function storeState(server: FuzzServer): Promise<{ generation: number; files: Record<string, string> }> {
  const files: Record<string, string> = {}
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.name !== 'metadata-service.lock') {
        files[relative(server.dataDir, path)] = createHash('sha256').update(await readFile(path)).digest('hex')
      }
    }
  }
  await walk(server.dataDir)
  return { generation: server.store.generation(), files }
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
