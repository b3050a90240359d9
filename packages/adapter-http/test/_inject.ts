import type { RequestListener, ServerResponse } from 'node:http'
import { inject } from 'light-my-request'

/** One request for {@link injectRequest}. */
export interface InjectedRequest {
  readonly method: string
  /** The exact request target, e.g. `/rack%201.yaml?x=1` (light-my-request alone would normalise it). */
  readonly target: string
  /** Header names as sent; values joined as Node joins repeated headers. */
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  /** The socket peer the app sees (ID-1). */
  readonly remoteAddress: string
}

/** What the listener wrote: the status, the header lines in the order written (as `[name, value]`), the body. */
export interface InjectedAnswer {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Buffer
}

/**
 * The in-process entry of the shared suites (STYLE 21, the fastify `inject` idea): dispatches one synthetic request
 * through `listener` (an app's `callback()`, the listener `listen()` serves) without a socket, through
 * light-my-request's request and response objects. The header lines are read from the head Node serialised, so their
 * order is the order on the wire.
 */
export async function injectRequest(listener: RequestListener, request: InjectedRequest): Promise<InjectedAnswer> {
  const res = await inject(
    (req, out) => {
      req.url = request.target
      listener(req, out)
    },
    {
      method: request.method as 'GET',
      url: '/',
      headers: request.headers,
      remoteAddress: request.remoteAddress,
      ...(request.body === undefined ? {} : { payload: request.body }),
    },
  )
  // `_header` is the serialised head (status line and header lines) of every Node ServerResponse.
  const head = (res.raw.res as ServerResponse & { _header?: string })._header ?? ''
  return { status: res.statusCode, headers: headerLines(head), body: res.rawPayload }
}

// --- internal ---

function headerLines(head: string): Array<readonly [string, string]> {
  return head
    .split('\r\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon), line.slice(colon + 1).trim()] as const
    })
}
