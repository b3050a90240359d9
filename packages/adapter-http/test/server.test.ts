import { request, type RequestListener } from 'node:http'
import { connect } from 'node:net'
import { silentLogger, type NoCloudService } from '@metadata-service/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, listen, runtimeHasReusePort, type HttpServerHandle } from '../src/index.js'
import { LOOPBACK_TRUSTED, gate, startHarness } from './_harness.js'

/** An app whose /meta-data waits for `held`; every other dependency comes from a harness. */
async function serveHeld(held: Promise<void>): Promise<{ server: HttpServerHandle; entered: Promise<void> }> {
  const h = await startHarness()
  let enter!: () => void
  const entered = new Promise<void>((resolve) => (enter = resolve))
  const nocloud: NoCloudService = {
    ...h.nocloud,
    metaData: async (...args) => {
      enter()
      await held
      return h.nocloud.metaData(...args)
    },
  }
  const app = createApp(
    { resources: h.resources, nocloud, health: () => ({ healthy: true }), logger: silentLogger },
    { trustedProxies: LOOPBACK_TRUSTED },
  )
  return { server: await listen(app, { host: '127.0.0.1', port: 0 }), entered }
}

/** A raw GET that reports the status, or the socket error when the connection dies. */
function rawGet(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { 'X-Forwarded-For': '10.252.0.26' } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    req.end()
  })
}

describe('listen (OPS-4, OPS-6)', () => {
  it('binds an ephemeral port on the given host and announces the 60 s keep-alive', async () => {
    const h = await startHarness()
    const url = new URL(h.url)
    expect(Number(url.port)).toBeGreaterThan(0)
    const res = await new Promise<Record<string, unknown>>((resolve, reject) => {
      request(`${h.url}/user-data`, { headers: { Connection: 'keep-alive' } }, (r) => {
        r.resume()
        resolve(r.headers)
      })
        .on('error', reject)
        .end()
    })
    expect(res['keep-alive']).toBe('timeout=60')
  })

  it('rejects when the port is taken', async () => {
    const h = await startHarness()
    const app = createApp({ resources: h.resources, nocloud: h.nocloud, health: () => ({ healthy: true }), logger: silentLogger }, { trustedProxies: [] })
    await expect(listen(app, { host: '127.0.0.1', port: Number(new URL(h.url).port) })).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })

  it('close() stops accepting, lets an in-flight request finish, then resolves', async () => {
    const held = gate()
    const { server, entered } = await serveHeld(held.wait)
    expect(server.address).toBe('127.0.0.1')
    const inFlight = rawGet(server.port, '/meta-data')
    await entered
    let closed = false
    const closing = server.close(30_000).then(() => (closed = true))
    expect(await rawGet(server.port, '/user-data')).toBe('ECONNREFUSED')
    expect(closed).toBe(false)
    held.open()
    expect(await inFlight).toBe(200)
    await closing
    expect(closed).toBe(true)
    await server.close(10)
  })

  it('close() destroys what is still running once the drain time is up', async () => {
    const { server, entered } = await serveHeld(new Promise(() => {}))
    const inFlight = rawGet(server.port, '/meta-data')
    await entered
    await server.close(20)
    expect(await inFlight).toBe('ECONNRESET')
  })

  it('honours a configured header timeout within a second, not at the 30 s Node connection check (issue 16)', async () => {
    const h = await startHarness()
    const app = createApp({ resources: h.resources, nocloud: h.nocloud, health: () => ({ healthy: true }), logger: silentLogger }, { trustedProxies: LOOPBACK_TRUSTED })
    const server = await listen(app, { host: '127.0.0.1', port: 0, readTimeoutMs: 1_000 })
    try {
      // A slow client: part of the headers, then nothing. Node answers 408 and closes once it checks.
      const socket = connect(server.port, '127.0.0.1')
      socket.write('GET /meta-data HTTP/1.1\r\nHost: x\r\nX-Slow: ')
      let answer = ''
      socket.on('data', (chunk: Buffer) => void (answer += chunk.toString('latin1')))
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      // Far below Node's default 30 s check, far above the configured 1 s plus a 250 ms check: not a timing test.
      const verdict = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(resolve, 10_000, 'still open'))])
      socket.destroy()
      expect({ verdict, status: answer.split('\r\n')[0] }).toEqual({ verdict: 'closed', status: 'HTTP/1.1 408 Request Timeout' })
    } finally {
      await server.close(100)
    }
  }, 20_000)
})

describe('listen timeouts (the Go service\'s read_timeout, write_timeout, idle_timeout)', () => {
  /** A bare listener: `/stall` never answers, anything else answers `ok`. */
  const bare = (options: { readTimeoutMs?: number; writeTimeoutMs?: number; idleTimeoutMs?: number }) => {
    const handler: RequestListener = (req, res) => {
      if (req.url !== '/stall') res.end('ok')
    }
    return listen({ callback: () => handler } as unknown as Parameters<typeof listen>[0], { host: '127.0.0.1', port: 0, ...options })
  }
  /** Writes `text` on a fresh connection; resolves with everything read until the server closes it. */
  const exchange = (port: number, text: string) =>
    new Promise<string>((resolve, reject) => {
      let seen = ''
      const socket = connect(port, '127.0.0.1', () => socket.write(text))
      socket.setEncoding('utf8').on('data', (chunk: string) => (seen += chunk))
      socket.on('close', () => resolve(seen)).on('error', reject)
    })
  const servers: HttpServerHandle[] = []
  const start = async (options: Parameters<typeof bare>[0]) => {
    const server = await bare(options)
    servers.push(server)
    return server
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close(0)))
  })

  it('read: a request whose headers do not all arrive gets 408 and its connection closed', async () => {
    const server = await start({ readTimeoutMs: 300 })
    expect(await exchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n')).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('write: a request that stalls has its connection dropped; one that answers is untouched', async () => {
    const server = await start({ writeTimeoutMs: 300 })
    expect(await rawGet(server.port, '/')).toBe(200)
    expect(await rawGet(server.port, '/stall')).toBe('ECONNRESET')
  })

  it('idle: keep-alive is announced with the idle timeout and the idle connection is closed by the server', async () => {
    const server = await start({ idleTimeoutMs: 1000 })
    const answer = await exchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n')
    expect(answer).toMatch(/\r\nKeep-Alive: timeout=1\r\n/)
    expect(answer).toMatch(/\r\n\r\nok$/)
  })
})

describe('reusePort (issue 19, --workers)', () => {
  it('is known from Node 22.12 and 23.1 on', () => {
    for (const v of ['20.20.2', '22.11.0', '23.0.0']) expect(runtimeHasReusePort(v), v).toBe(false)
    for (const v of ['22.12.0', '22.22.1', '23.1.0', '24.0.0', '25.2.1']) expect(runtimeHasReusePort(v), v).toBe(true)
  })

  // On a runtime without the option it is never applied, so a second bind of the port fails as it always did.
  it('lets two servers of one process listen on the same port where the runtime has it (EADDRINUSE elsewhere)', async () => {
    const h = await startHarness()
    const app = createApp({ resources: h.resources, nocloud: h.nocloud, health: () => ({ healthy: true }), logger: silentLogger }, { trustedProxies: [] })
    const first = await listen(app, { host: '127.0.0.1', port: 0, reusePort: true })
    try {
      const second = listen(app, { host: '127.0.0.1', port: first.port, reusePort: true })
      if (!runtimeHasReusePort()) {
        await expect(second).rejects.toMatchObject({ code: 'EADDRINUSE' })
        return
      }
      const listening = await second
      expect(listening.port).toBe(first.port)
      await listening.close(0)
    } finally {
      await first.close(0)
    }
  })
})
