import type { Middleware } from 'koa'
import type { RouterContext } from '@koa/router'

/** How errors of a request are written: plain text (NoCloud, WireGuard) or the resource API's JSON (SPEC §0). */
export type ErrorStyle = 'plain' | 'json'

/** Per-request state shared by the middleware and routes of the app. */
export interface AppState {
  /** OPS-5 request id, echoed as `X-Request-ID`. */
  reqId: string
  /** The socket peer address as Node reports it (SEC-6 decides on this, never on headers). */
  peer: string
  /** ID-1..ID-3 client address. */
  client: string
  /** ID-2: whether the peer may set forwarding headers (also gates NC-14 X-Forwarded-Host/Proto). */
  peerTrusted: boolean
  /** The resolved node's xname, once known (OPS-5 log field). */
  node?: string
  /** Set once the answer is decided (deadline or error): later writes by an abandoned handler are dropped. */
  settled?: boolean
  /** OPS-2/OPS-3: the request was refused by the deadline or the overload guard (SVC-4 `http_requests_rejected_total`). */
  rejected?: 'overload' | 'timeout'
  /** Overrides the path-based error style (the fallback 404 is always plain). */
  errorStyle?: ErrorStyle
}

/** The Koa context every middleware and route of this adapter sees (router fields are absent before routing). */
export type AppContext = RouterContext<AppState>

/** A middleware of this adapter. */
export type AppMiddleware = Middleware<AppState, AppContext>
