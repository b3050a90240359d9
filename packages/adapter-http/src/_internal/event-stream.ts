import type { AppContext } from './state.js'

/** Content type of server-sent events. */
export const EVENT_STREAM = 'text/event-stream; charset=utf-8'

/** Options of {@link openEventStream}. */
export interface EventStreamOptions {
  /** Time between polls, ms. */
  readonly intervalMs: number
  /** A comment line is sent after this much silence, so proxies and clients keep the connection, ms. Default 15,000. */
  readonly keepAliveMs?: number
  /**
   * Called every `intervalMs` (never twice at once): resolves with the next event to send, or undefined when there is
   * nothing new. A rejection ends the stream.
   */
  readonly poll: () => Promise<{ readonly event: string; readonly data: unknown } | undefined>
  /** Registers the function that ends the stream at shutdown (OPS-4); returns its unregistration. */
  readonly onShutdown: (end: () => void) => () => void
}

const DEFAULT_KEEP_ALIVE_MS = 15_000

/**
 * Answers the request with a server-sent event stream (`text/event-stream`, one JSON `data:` line per event) that
 * sends `first` at once and then what `poll` finds, at most once per `intervalMs`. The poll is skipped while the
 * client has not read the last event (slow clients get fewer, larger events instead of growing buffers). The stream
 * ends when the client goes away, when `poll` fails, or at shutdown.
 */
export function openEventStream(ctx: AppContext, first: { readonly event: string; readonly data: unknown }, options: EventStreamOptions): void {
  // Written straight to the response, not handed to Koa as a body stream: Koa reports a client that goes away
  // mid-stream as an error, and here that is how every stream ends.
  const stream = ctx.res
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS
  let lastWrite = Date.now()
  let busy = false
  const write = (text: string) => {
    lastWrite = Date.now()
    stream.write(text)
  }
  const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  const timer = setInterval(() => {
    if (busy || stream.writableNeedDrain) return
    busy = true
    options
      .poll()
      .then((next) => {
        if (next !== undefined) send(next.event, next.data)
        else if (Date.now() - lastWrite >= keepAliveMs) write(': keep-alive\n\n')
      })
      .catch(() => end())
      .finally(() => (busy = false))
  }, options.intervalMs)
  // At shutdown the connection goes too: a kept-alive socket would otherwise hold the closing server open.
  const unregister = options.onShutdown(() => {
    ctx.res.once('finish', () => ctx.req.socket.destroy())
    end()
  })
  const end = () => {
    clearInterval(timer)
    unregister()
    stream.end()
  }
  ctx.req.on('close', end)
  // An event stream is idle between events by design: no socket timeout.
  ctx.req.socket.setTimeout(0)
  ctx.status = 200
  ctx.respond = false
  // The headers already set (X-Request-ID, nosniff) go out with these.
  stream.writeHead(200, {
    'Content-Type': EVENT_STREAM,
    'Cache-Control': 'no-cache',
    // Proxies such as nginx would otherwise hold the events back.
    'X-Accel-Buffering': 'no',
  })
  // The client reconnects after 2 s if the stream breaks.
  write('retry: 2000\n\n')
  send(first.event, first.data)
}
