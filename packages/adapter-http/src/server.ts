import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Koa from 'koa'
import { runAppCloseHooks } from './_internal/close-hooks.js'
import { requestListenerOf } from './_internal/request-listener.js'

/** Where to listen. */
export interface ListenOptions {
  /** Interface address, e.g. `0.0.0.0` or `127.0.0.1`. */
  readonly host: string
  /** TCP port; 0 picks a free one (see {@link HttpServerHandle.port}). */
  readonly port: number
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

// OPS-6: headers and body must arrive within 15 s; idle keep-alive connections close after 60 s.
const HEADERS_TIMEOUT_MS = 15_000
const REQUEST_TIMEOUT_MS = 15_000
const KEEP_ALIVE_TIMEOUT_MS = 60_000
// OPS-3 under a storm of new connections: Node's default backlog (511) overflows when thousands of nodes connect at
// once, and a dropped SYN comes back only after 1, 3, 7 s of client retransmits, which looks like a hang. The
// kernel caps this at net.core.somaxconn (4096 on current kernels).
const LISTEN_BACKLOG = 4096

/**
 * Serves `app` on `host:port` with the OPS-6 timeouts; an app of `createApp` is served through its NoCloud fast
 * path (OPS-7). Rejects when the port cannot be bound.
 */
export async function listen(app: Pick<Koa, 'callback'>, options: ListenOptions): Promise<HttpServerHandle> {
  const server = createServer(requestListenerOf(app))
  server.headersTimeout = HEADERS_TIMEOUT_MS
  server.requestTimeout = REQUEST_TIMEOUT_MS
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG }, () => {
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
      runAppCloseHooks(app)
      return closeServer(server, drainMs)
    },
  }
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
