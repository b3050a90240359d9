import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { ClientLog } from './client-log.js'

/** What the caller reports back once the exchange ended. */
export interface ExchangeTrace {
  answered(status: number, headers: Readonly<Record<string, string>>): void
  failed(): void
}

/**
 * Traces one request at `-v` (issue 17: which server answered): `> GET <url>` before it is sent, then
 * `< 200 OK from <address:port> in <ms> ms (request id <id>)`, the address being the socket's peer, so a name that
 * resolves somewhere unexpected shows. At `-l debug` also the request and response headers, the bearer token as
 * `***` (SEC-4). The peer address comes from undici's documented `undici:client:sendHeaders` diagnostics channel.
 */
export function traceExchange(
  log: ClientLog | undefined,
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
): ExchangeTrace {
  if (log === undefined || !log.enabled('info')) return { answered: () => {}, failed: () => {} }
  log.info(`> ${method} ${url}`)
  for (const [name, value] of Object.entries(headers)) log.debug(`> ${name}: ${name === 'authorization' ? 'Bearer ***' : value}`)

  const target = new URL(url)
  let peer: string | undefined
  const onHeaders = (message: unknown) => {
    const { request, socket } = message as { request: { origin: unknown; path: unknown }; socket?: Socket }
    if (peer !== undefined || !sameTarget(request, target) || socket?.remoteAddress === undefined) return
    peer = socket.remoteAddress.includes(':') ? `[${socket.remoteAddress}]:${socket.remotePort}` : `${socket.remoteAddress}:${socket.remotePort}`
  }
  subscribe(SEND_HEADERS, onHeaders)
  const started = performance.now()
  const stop = () => unsubscribe(SEND_HEADERS, onHeaders)

  return {
    answered(status, answerHeaders) {
      stop()
      const ms = Math.round(performance.now() - started)
      const requestId = answerHeaders['x-request-id']
      const from = peer === undefined ? target.host : peer
      const line = ['<', String(status), STATUS_CODES[status], 'from', from, 'in', String(ms), 'ms']
      if (requestId !== undefined) line.push(`(request id ${requestId})`)
      log.info(line.filter((part) => part !== undefined).join(' '))
      for (const [name, value] of Object.entries(answerHeaders)) log.debug(`< ${name}: ${value}`)
    },
    failed: stop,
  }
}

// --- internal ---

const SEND_HEADERS = 'undici:client:sendHeaders'

function sameTarget(request: { origin: unknown; path: unknown }, target: URL): boolean {
  try {
    return new URL(String(request.origin)).origin === target.origin && request.path === `${target.pathname}${target.search}`
  } catch {
    return false
  }
}
