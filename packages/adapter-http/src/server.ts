import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Koa from 'koa'
import type { ClosableApp } from './app.js'

/** Where to listen, and the connection timeouts (`read_timeout`, `write_timeout`, `idle_timeout` of the Go service). */
export interface ListenOptions {
  /** Interface address, e.g. `0.0.0.0` or `127.0.0.1`. */
  readonly host: string
  /** TCP port; 0 picks a free one (see {@link HttpServerHandle.port}). */
  readonly port: number
  /**
   * Milliseconds for a request's headers and body to arrive (Node's `headersTimeout` and `requestTimeout`, like Go's
   * `ReadTimeout`); 0 disables it. Default 15000 (OPS-6).
   */
  readonly readTimeoutMs?: number
  /**
   * Milliseconds a connection with a request in progress may pass without any byte moving before it is dropped
   * (Node's socket timeout, `server.timeout`: the nearest to Go's `WriteTimeout`, without a timer per request);
   * 0 disables it. Default 15000.
   */
  readonly writeTimeoutMs?: number
  /** Milliseconds an idle keep-alive connection stays open (Node's `keepAliveTimeout`, Go's `IdleTimeout`). Default 60000 (OPS-6). */
  readonly idleTimeoutMs?: number
  /**
   * Binds a listening socket of this process's own with SO_REUSEPORT (Node's `reusePort`, which also makes the bind
   * exclusive of node:cluster's shared handle), so that the kernel spreads new connections over every process
   * bound to the port (issue 19, `--workers`). Only where {@link runtimeHasReusePort}; default false.
   */
  readonly reusePort?: boolean
}

/**
 * True when this Node.js has `listen({ reusePort })` (22.12 and later 22.x, 23.1 and later); elsewhere the option
 * would be ignored. `version` defaults to the running one (`process.versions.node`).
 */
export function runtimeHasReusePort(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12)
}

/** A listening server. */
export interface HttpServerHandle {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number
  /** The bound address. */
  readonly address: string
  /**
   * OPS-4: stops accepting, lets in-flight requests finish for up to `drainMs` milliseconds, then destroys the
   * remaining sockets. Resolves once the server is closed; calling it again is harmless.
   */
  close(drainMs: number): Promise<void>
}

// OPS-6: headers and body must arrive within 15 s; idle keep-alive connections close after 60 s. A stalled
// response is dropped after 15 s without progress (the Go service's write timeout).
const READ_TIMEOUT_MS = 15_000
const WRITE_TIMEOUT_MS = 15_000
const KEEP_ALIVE_TIMEOUT_MS = 60_000
// OPS-3 under a storm of new connections: Node's default backlog (511) overflows when thousands of nodes connect at
// once, and a dropped SYN comes back only after 1, 3, 7 s of client retransmits, which looks like a hang. The
// kernel caps this at net.core.somaxconn (4096 on current kernels).
const LISTEN_BACKLOG = 4096

/**
 * Serves `app.callback()` on `host:port` with the OPS-6 timeouts (for an app of `createApp`: the NoCloud handler in
 * front of Koa). Rejects when the port cannot be bound.
 */
export async function listen(app: Pick<Koa, 'callback'> & Partial<ClosableApp>, options: ListenOptions): Promise<HttpServerHandle> {
  const readMs = options.readTimeoutMs ?? READ_TIMEOUT_MS
  // Node enforces headersTimeout and requestTimeout only when it checks its connections, every 30 s by default, so
  // a configured 15 s fired after 16-38 s (issue 16). Checking often enough honours them within a second.
  const connectionsCheckingInterval = checkingIntervalFor(readMs > 0 ? readMs : 1_000)
  const server = createServer({ connectionsCheckingInterval }, app.callback())
  server.headersTimeout = readMs
  server.requestTimeout = readMs
  server.timeout = options.writeTimeoutMs ?? WRITE_TIMEOUT_MS
  server.keepAliveTimeout = options.idleTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Never `exclusive` without SO_REUSEPORT: every worker would then bind the port alone, and all but one fail.
    const reuse = options.reusePort === true && runtimeHasReusePort() ? { reusePort: true, exclusive: true } : {}
    server.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG, ...reuse }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = server.address() as AddressInfo
  return {
    port: bound.port,
    address: bound.address,
    close: (drainMs) => {
      // Event streams (BOOT) end first: they would otherwise hold the server open for the whole drain time.
      app.closing?.()
      return closeServer(server, drainMs)
    },
  }
}

/**
 * How often Node checks for connections past their header and request deadlines, in milliseconds: a quarter of
 * the shortest deadline, between 100 ms and 1 s, so a deadline is honoured within at most a second (a quarter of it
 * when shorter). One walk over the open connections each time: cheap next to the requests they carry.
 */
function checkingIntervalFor(shortestTimeoutMs: number): number {
  return Math.min(1_000, Math.max(100, Math.floor(shortestTimeoutMs / 4)))
}

function closeServer(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), drainMs)
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
    // Idle keep-alive sockets would otherwise hold the server open until their own timeout.
    server.closeIdleConnections()
  })
}
