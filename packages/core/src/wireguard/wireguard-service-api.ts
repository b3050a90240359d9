import type { Clock } from '../ports/clock.js'
import type { Logger } from '../ports/logger.js'
import type { ResourceStore } from '../ports/resource-store.js'
import type { Tunnel } from '../ports/tunnel.js'
import type { WgInitAccepted } from './peer-intent.js'
import type { ParsedServerAddress } from './server-address.js'

// The WireGuard bootstrap use cases as the HTTP side and the CLI see them: the service, what it needs, the options of
// its calls and its fixed answer texts. `wireguard-service.ts` implements it.

/** WG-1: what `/wg-init` and `/phone-home/{id}` answer (503) while WireGuard is off or failed. */
export const WIREGUARD_DISABLED_MESSAGE = 'wireguard disabled'
/** SPEC §16 (WG-10): what `/wg-init` answers (404) to an address that is no known node; nothing is allocated. */
export const WG_INIT_UNKNOWN_NODE_MESSAGE = 'node not found'
/** SPEC §16 (WG-10): what `/phone-home/{id}` answers (403) to anyone but the node that owns the peer. */
export const PHONE_HOME_FORBIDDEN_MESSAGE =
  'phone-home refused: only the node that owns this WireGuard peer may phone home for it (from its tunnel address or its own address)'

/** Options of {@link WireGuardService.init}. */
export interface WgInitOptions {
  /** The request id (OPS-5), carried by every log line the call writes, the device reconcile it causes included. */
  readonly reqId?: string
}

/** Options of {@link WireGuardService.phoneHome}. */
export interface PhoneHomeOptions extends WgInitOptions {
  /**
   * Settles once the answer has been handed to the network (the HTTP layer passes the response's end). A node
   * phones home through its own tunnel (WG-12), so removing its peer first would drop the 200 on the way back: when
   * given, the store delete (and the freed IP) happens at once, while the device removal waits for this, at most
   * 5 s, plus 1 s for the answer to cross the tunnel; `phoneHome` then resolves without waiting for the device.
   */
  readonly answered?: Promise<unknown>
}

/** What {@link createWireGuardService} needs. WireGuard is on only when both `tunnel` and `server` are given. */
export interface WireGuardServiceDeps {
  readonly store: ResourceStore
  /** The started device, or `undefined` when WireGuard is off (WG-1). Stopped by `close()`. */
  readonly tunnel: Tunnel | undefined
  /** The parsed `wireguard_server`, or `undefined` when off. */
  readonly server: ParsedServerAddress | undefined
  /** Base64 public key of the server, sent as `server-public-key` (WG-4). Default `""`. */
  readonly serverPublicKey?: string
  /** `wireguard_listen_port`, sent as `server-port` (a string) (WG-4). */
  readonly listenPort: number
  /** Timestamps of created peers. Default: the system clock. */
  readonly clock?: Clock
  readonly logger: Logger
  /**
   * WG-6, WG-10 (SPEC §16): the node's xname for a client address, as ID-1..4 resolve it (the WG-9 tunnel map
   * first). Rejects with NODE_NOT_FOUND when the address is no known node (`init` then answers 404 and allocates
   * nothing), or e.g. INVENTORY_UNAVAILABLE (`init` rejects with it; `phoneHome` too, unless the caller proves
   * ownership by its tunnel address).
   */
  readonly resolveNode: (address: string) => Promise<string>
}

/** The WireGuard bootstrap use cases (WG-4..WG-10, WG-12). */
export interface WireGuardService {
  /** True while WireGuard is on: a tunnel and a server address were given and the device has not died. */
  enabled(): boolean
  /**
   * `POST /wg-init` (WG-4, WG-6). Resolves with the 202 payload. Rejects with MetadataErrors whose messages are the
   * exact WG-4 texts: TUNNEL_UNAVAILABLE `wireguard disabled` (503); INVALID_BODY `invalid request`;
   * VALIDATION_FAILED `public_key is required` / `… must be valid base64` / `… must decode to 32 bytes` /
   * `failed to validate WireGuard peer intent: <err>` (400); INTERNAL `failed to check existing peer: <err>` /
   * `failed to save WireGuard peer intent: <err>` (500); POOL_EXHAUSTED
   * `failed to allocate WireGuard IP: no available IPs` (500); NODE_NOT_FOUND `node not found` (404, SPEC §16:
   * the address is no known node; nothing is allocated); or whatever else `resolveNode` rejects with.
   */
  init(body: unknown, clientAddress: string, options?: WgInitOptions): Promise<WgInitAccepted>
  /**
   * `POST /phone-home/{id}` (WG-10): deletes the peer whose uid is `id`, else the one named `id`, else the one of the
   * caller's node, and removes it from the device (once done, or after `options.answered`: see
   * {@link PhoneHomeOptions}). Resolves (answer 200, empty body) also when nothing matched.
   * SPEC §16: a peer found by `id` is deleted only for the node that owns it (`_caller.ts`); anyone else gets
   * FORBIDDEN {@link PHONE_HOME_FORBIDDEN_MESSAGE} (403) and nothing changes. An inventory outage that leaves the
   * owner unknown rejects with that error (503).
   * Rejects also with TUNNEL_UNAVAILABLE `wireguard disabled`, or INTERNAL (500)
   * `failed to load WireGuard peer intent: <err>` / `failed to delete WireGuard peer intent: <err>`.
   */
  phoneHome(id: string, clientAddress: string, options?: PhoneHomeOptions): Promise<void>
  /** Loads the tunnel map, subscribes to the store and reconciles every peer (WG-8). Call once, after the device started. */
  start(): Promise<void>
  /** Reconciles every stored peer again and resolves when done (WG-8). */
  reconcile(): Promise<void>
  /** Resolves once queued reconcile work is done (tests, shutdown). */
  idle(): Promise<void>
  /**
   * WG-9: the name of the stored peer whose allowed_ip host is `address` (canonical text, as ID-1 normalises it:
   * `100.97.0.2`), or `undefined` (also while WireGuard is off). A Map lookup, safe on the hot path. The caller
   * checks that the name is a known node before using it (ID-4), else falls through to the inventory.
   */
  resolveTunnelAddress(address: string): string | undefined
  /** WG-9: a copy of the map, tunnel host → peer name. Empty while WireGuard is off. */
  tunnelMap(): ReadonlyMap<string, string>
  /**
   * WG-12: true when the socket peer address (any form ID-1 accepts) is loopback or inside the WireGuard network,
   * network and broadcast addresses included. Unparsable addresses, and every address while off, give false.
   */
  isInsideTunnelNetwork(socketAddress: string): boolean
  /** Unsubscribes, waits for queued work and stops the tunnel. */
  close(): Promise<void>
}
