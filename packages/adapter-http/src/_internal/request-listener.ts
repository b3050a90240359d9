import type { RequestListener } from 'node:http'
import type Koa from 'koa'

// The request listener `createApp` built for each app (Koa's callback behind the NoCloud fast path). Kept beside
// the app rather than on it, so `listen()` keeps taking any `Pick<Koa, 'callback'>`.
const listeners = new WeakMap<object, () => RequestListener>()

/** Records how to build the request listener of `app` (called once per `listen()`). */
export function setRequestListener(app: object, build: () => RequestListener): void {
  listeners.set(app, build)
}

/** The request listener to serve `app` with: the one `createApp` recorded, else plain `app.callback()`. */
export function requestListenerOf(app: Pick<Koa, 'callback'>): RequestListener {
  return listeners.get(app)?.() ?? app.callback()
}
