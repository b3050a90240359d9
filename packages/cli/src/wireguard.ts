import type { WireGuardEndpoints } from '@metadata-service/adapter-http'
import { createWireGuardTunnel, loadOrCreateServerKey } from '@metadata-service/adapter-wireguard'
import {
  isMetadataError,
  startWireGuard,
  type Clock,
  type Logger,
  type ResourceStore,
  type Tunnel,
  type WireGuardService,
} from '@metadata-service/core'
import type { Config } from './config/schema.js'
import { importGoWireGuardState } from './wireguard-import.js'

/** What {@link openWireGuard} needs besides the configuration. */
export interface WireGuardDeps {
  readonly store: ResourceStore
  /** Absolute data directory; the server key lives in `<dataDir>/wireguard/server.key` (WG-3). */
  readonly dataDir: string
  readonly logger: Logger
  readonly clock: Clock
  /** ID-4 for a client address: the node's xname; rejects with NODE_NOT_FOUND or INVENTORY_UNAVAILABLE. */
  readonly resolveNode: (address: string) => Promise<{ readonly xname: string }>
  /** The device; default wireguard-go (WG-2). Tests pass core's fake. */
  readonly createTunnel?: () => Tunnel
}

/**
 * OPS-1 "WireGuard → reconcile peers": starts wireguard-go when `wireguard_server` is set and valid, and re-applies
 * every stored peer (WG-8). An invalid value or a device failure is logged by core and leaves WireGuard off, so
 * `/wg-init` and `/phone-home` answer 503 (WG-1); startup goes on either way.
 */
export async function openWireGuard(config: Config, deps: WireGuardDeps): Promise<WireGuardService> {
  const logger = deps.logger.child({ component: 'wireguard' })
  // The Go state file's peers are stored under their node when ID-1..4 resolve it, else under the address itself.
  const resolveRequester = async (address: string) => {
    try {
      return (await deps.resolveNode(address)).xname
    } catch (err) {
      if (isMetadataError(err, 'NODE_NOT_FOUND')) return address
      throw err
    }
  }
  // §16: the Go service's server key and peers, imported once, before the device starts with that key.
  if (config.wireguard_server.trim() !== '' && config.wireguard_state_file.trim() !== '') {
    await importGoWireGuardState(config.wireguard_state_file, { ...deps, logger, resolveRequester })
  }
  return startWireGuard({
    server: config.wireguard_server,
    listenPort: config.wireguard_listen_port,
    store: deps.store,
    logger,
    clock: deps.clock,
    // WG-6, WG-10 (SPEC §16): the requester is the node ID-1..4 resolve; an address that is no node gets nothing.
    resolveNode: async (address) => (await deps.resolveNode(address)).xname,
    createTunnel:
      deps.createTunnel ??
      (() => createWireGuardTunnel({ interfaceName: config.wireguard_interface, wireguardGoPath: config.wireguard_go_path, logger })),
    loadPrivateKey: () => loadOrCreateServerKey(deps.dataDir),
  })
}

/** The HTTP side of the WireGuard service (WG-4, WG-10, WG-12). */
export function wireGuardEndpoints(service: WireGuardService): WireGuardEndpoints {
  return {
    init: (rawBody, clientAddress, options) => service.init(rawBody, clientAddress, options),
    // WG-10: the peer stays on the device until the 200 has left, since it may travel through that very peer.
    phoneHome: (id, clientAddress, options) => service.phoneHome(id, clientAddress, options),
    // WG-12 applies only while WireGuard is on; loopback counts as inside.
    allowsSocketPeer: (socketAddress) => !service.enabled() || service.isInsideTunnelNetwork(socketAddress),
  }
}
