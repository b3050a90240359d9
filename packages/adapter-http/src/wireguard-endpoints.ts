import type { PhoneHomeOptions, WgInitAccepted, WgInitOptions } from '@metadata-service/core'

/**
 * The WireGuard bootstrap as the HTTP routes see it (WG-4, WG-10, WG-12). The CLI builds it from core's
 * `WireGuardService`; without one, `createApp` answers both routes with `503` `wireguard disabled` (WG-1: the
 * routes always exist). Rejections are `MetadataError`s whose messages are the exact WG-4/WG-10 texts, answered as
 * plain text through the one error table.
 */
export interface WireGuardEndpoints {
  /**
   * `POST /wg-init`: `rawBody` is the body as received (at most the SEC-5 cap), whatever its `Content-Type`; the
   * use case parses it (WG-4). `clientAddress` is the ID-1..ID-3 address (ID-5); `options.reqId` the request id
   * (OPS-5) for the use case's log lines. Resolves with the 202 payload; an address that is no known node rejects
   * with NODE_NOT_FOUND `node not found` (404, SPEC §16).
   */
  init(rawBody: Uint8Array, clientAddress: string, options: WgInitOptions): Promise<WgInitAccepted>
  /**
   * `POST /phone-home/{id}` (WG-10): `id` is the percent-decoded path segment. Resolves for the empty 200.
   * `options.answered` settles once that answer has left (finished or the connection closed): the node phones home
   * through its own tunnel, so its peer must stay on the device until then (core's `PhoneHomeOptions`);
   * `options.reqId` is the request id (OPS-5). Anyone but the node that owns the peer gets FORBIDDEN (403, SPEC §16).
   */
  phoneHome(id: string, clientAddress: string, options: PhoneHomeOptions): Promise<void>
  /**
   * WG-12, asked only under `--wireguard-only` (`AppOptions.wireguardOnly`): whether a NoCloud or `/phone-home`
   * request from this **socket peer** address (as Node reports it, e.g. `::ffff:10.0.0.1`; never a forwarded
   * header, SEC-2) may pass. True while WireGuard is off, and for loopback and tunnel-network peers. Called on every
   * such request, so it must be cheap.
   */
  allowsSocketPeer(socketAddress: string): boolean
}
