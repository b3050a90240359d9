import type { RequestContext } from '../services/nocloud-api.js'
import { headerValue, type RequestHeaders } from './headers.js'

// A host that could break out of a URL (`/`, `@`, spaces, `#`) is dropped: it lands in vendor-data `#include` lines.
const HOST = /^[A-Za-z0-9._~%:[\]-]+$/

/** A {@link RequestContext} whose proto is always known. */
export interface RequestBase extends RequestContext {
  readonly proto: 'http' | 'https'
}

/**
 * The scheme and host a client used, for the NC-14 step 4 base URL. With a trusted peer (ID-2),
 * `X-Forwarded-Proto` and `X-Forwarded-Host` count (first list item of each); otherwise, or when they are absent,
 * the proto is `http` and the host is the `Host` header. `host` is absent when no usable host header exists;
 * a proto other than `http`/`https` is ignored.
 */
export function requestBase(peerTrusted: boolean, headers: RequestHeaders): RequestBase {
  const forwardedProto = peerTrusted ? firstItem(headerValue(headers, 'x-forwarded-proto'))?.toLowerCase() : undefined
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http'
  const forwardedHost = peerTrusted ? validHost(firstItem(headerValue(headers, 'x-forwarded-host'))) : undefined
  const host = forwardedHost ?? validHost(headerValue(headers, 'host')?.trim())
  return host === undefined ? { proto } : { proto, host }
}

function firstItem(value: string | undefined): string | undefined {
  return value?.split(',')[0]?.trim()
}

function validHost(value: string | undefined): string | undefined {
  return value !== undefined && HOST.test(value) ? value : undefined
}
