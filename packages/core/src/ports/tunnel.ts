/** A WireGuard peer as the device reports it. Keys are standard base64. */
export interface TunnelPeer {
  readonly publicKey: string
  readonly allowedIps: readonly string[]
  /** Unix ms of the last handshake; undefined when none happened. */
  readonly lastHandshakeAt?: number
}

/** What a tunnel needs to start (WG-2). */
export interface TunnelStartOptions {
  /** Base64 X25519 private key. */
  readonly privateKey: string
  /** UDP port, e.g. 51820. */
  readonly listenPort: number
  /** The server's address with prefix, e.g. `100.97.0.1/16`. */
  readonly address: string
}

/**
 * A WireGuard device. Implemented by `@metadata-service/adapter-wireguard` (wireguard-go over UAPI);
 * `createFakeTunnel()` in `@metadata-service/core/testing` for tests. Rejections are
 * `MetadataError('TUNNEL_UNAVAILABLE')` with the device's reason.
 */
export interface Tunnel {
  start(options: TunnelStartOptions): Promise<void>
  /** Adds or replaces a peer with one allowed IP (CIDR). */
  upsertPeer(publicKey: string, allowedIp: string): Promise<void>
  /** Removes a peer; resolves when it was already absent. */
  removePeer(publicKey: string): Promise<void>
  peers(): Promise<readonly TunnelPeer[]>
  /** Calls `listener` once if the device dies after start. Returns an unsubscribe function. */
  onExit(listener: (reason: string) => void): () => void
  stop(): Promise<void>
}
