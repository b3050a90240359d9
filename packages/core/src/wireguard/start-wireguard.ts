import { isMetadataError } from '../errors.js'
import type { Clock } from '../ports/clock.js'
import type { Logger } from '../ports/logger.js'
import type { ResourceStore } from '../ports/resource-store.js'
import type { Tunnel } from '../ports/tunnel.js'
import { errorText } from './_reconciler.js'
import { wireGuardPublicKey } from './keys.js'
import { parseServerAddress, type ParsedServerAddress } from './server-address.js'
import type { WireGuardService } from './wireguard-service-api.js'
import { createWireGuardService } from './wireguard-service.js'

/** What {@link startWireGuard} needs: the WireGuard options and the adapter factories. */
export interface StartWireGuardOptions {
  /** `wireguard_server`, e.g. `100.97.0.1/16`; `undefined` or `""` leaves WireGuard off (WG-1). */
  readonly server: string | undefined
  /** `wireguard_listen_port` (UDP), e.g. 51820. */
  readonly listenPort: number
  readonly store: ResourceStore
  readonly logger: Logger
  readonly clock?: Clock
  /** See {@link WireGuardServiceDeps.resolveNode}. */
  readonly resolveNode: (address: string) => Promise<string>
  /** Creates the device (adapter-wireguard `createWireGuardTunnel`); called only when `server` is valid. */
  readonly createTunnel: () => Tunnel
  /** WG-3: the base64 server private key (adapter-wireguard `loadOrCreateServerKey(dataDir)`). */
  readonly loadPrivateKey: () => Promise<string>
}

/**
 * Boots WireGuard as WG-1..WG-3 and WG-8 describe, and returns the service, which is off (`enabled()` false, the
 * routes answer 503 `wireguard disabled`) when:
 * - `server` is unset;
 * - `server` is invalid: logs `Invalid WIREGUARD_SERVER value: <detail>` (error);
 * - the key cannot be loaded or the device cannot start: logs `Failed to initialize WireGuard controller: <detail>`.
 *
 * Otherwise the device is started (`replace_peers`), then every stored peer is re-applied and gets its status.
 * Rejects only when the store cannot list peers.
 */
export async function startWireGuard(options: StartWireGuardOptions): Promise<WireGuardService> {
  const { logger } = options
  const server = parseServerOption(options.server, logger)
  let tunnel: Tunnel | undefined
  let serverPublicKey: string | undefined
  if (server !== undefined) {
    try {
      const privateKey = await options.loadPrivateKey()
      serverPublicKey = wireGuardPublicKey(privateKey)
      tunnel = options.createTunnel()
      await tunnel.start({ privateKey, listenPort: options.listenPort, address: server.interfaceCidr })
      logger.info('WireGuard started', { server: server.interfaceCidr, port: options.listenPort, publicKey: serverPublicKey })
    } catch (err) {
      logger.error(`Failed to initialize WireGuard controller: ${errorText(err)}`)
      await tunnel?.stop().catch(() => undefined)
      tunnel = undefined
    }
  }
  const service = createWireGuardService({
    store: options.store,
    tunnel,
    server: tunnel === undefined ? undefined : server,
    ...(serverPublicKey !== undefined && { serverPublicKey }),
    listenPort: options.listenPort,
    ...(options.clock !== undefined && { clock: options.clock }),
    logger,
    resolveNode: options.resolveNode,
  })
  await service.start()
  return service
}

// --- internal ---

function parseServerOption(text: string | undefined, logger: Logger): ParsedServerAddress | undefined {
  if (text === undefined || text.trim() === '') return undefined
  try {
    return parseServerAddress(text)
  } catch (err) {
    if (!isMetadataError(err)) throw err
    logger.error(err.message)
    return undefined
  }
}
