import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CliIo } from '../src/io.js'

/** A CliIo that records output instead of printing (the console guard forbids console.*). */
export interface FakeIo extends CliIo {
  readonly out: string[]
  readonly err: string[]
  stdoutText(): string
  stderrText(): string
}

/**
 * In-memory CliIo; `stdin` undefined means stdin is a terminal. Standard output is a pipe (client commands print
 * JSON) unless `tty` is true (they print tables).
 */
export function fakeIo(
  options: { env?: Record<string, string>; stdin?: string; files?: Record<string, string>; tty?: boolean } = {},
): FakeIo {
  const out: string[] = []
  const err: string[] = []
  return {
    env: options.env ?? {},
    out,
    err,
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
    stdoutIsTty: options.tty === true,
    stdinIsTty: options.stdin === undefined,
    readStdin: async () => options.stdin ?? '',
    readFile: (path) => options.files?.[path],
    onShutdownSignal: () => () => {},
  }
}

/** One request the stub server received. */
export interface SeenRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** What the stub answers. */
export interface StubAnswer {
  readonly status: number
  readonly body?: unknown
  readonly contentType?: string
}

/** A real HTTP server on 127.0.0.1 (ephemeral port) that records requests and answers from `handler`. */
export async function startStub(handler: (req: SeenRequest) => StubAnswer): Promise<{
  url: string
  requests: SeenRequest[]
  close(): Promise<void>
}> {
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(seen)
      const answer = handler(seen)
      const text = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body)
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  }
}

/** A Group resource as the API returns it (RES-2). */
export function groupResource(uid: string, name: string, updatedAt = '2025-01-02T03:04:05.000Z') {
  return {
    apiVersion: 'v1',
    kind: 'Group',
    metadata: { name, uid, createdAt: '2025-01-01T00:00:00.000Z', updatedAt, resourceVersion: '1' },
    spec: { description: `${name} nodes`, template: '' },
    status: { valid: true },
  }
}
