import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  MetadataError,
  isMetadataError,
  parseCidr,
  wireGuardKeyToHex,
  type Logger,
  type Tunnel,
  type TunnelStartOptions,
} from '@metadata-service/core'
import { spawnDevice, type DeviceProcess } from './_device-process.js'
import {
  GET_REQUEST,
  answerErrno,
  deviceConfigRequest,
  parsePeers,
  peerRemovalRequest,
  peerUpsertRequest,
  uapiExchange,
} from './_uapi.js'
import { execFileRunner, type CommandRunner } from './run-command.js'

/** Options of {@link createWireGuardTunnel}. */
export interface WireGuardTunnelOptions {
  /** `wireguard_interface`, e.g. `wg0`: 1–15 characters of `[A-Za-z0-9_.=+-]` (Linux IFNAMSIZ). */
  readonly interfaceName: string
  /** `wireguard_go_path`. Default `wireguard-go` (found on PATH). */
  readonly wireguardGoPath?: string
  /** Where wireguard-go puts `<iface>.sock`. Default `/var/run/wireguard`; tests point it elsewhere. */
  readonly socketDir?: string
  readonly logger: Logger
  /** Runs `ip`. Default {@link execFileRunner}. */
  readonly run?: CommandRunner
  /** How long wireguard-go may take to open its socket, in milliseconds. Default 10000. */
  readonly startTimeoutMs?: number
  /** Time limit of one UAPI request, in milliseconds. Default 5000. */
  readonly requestTimeoutMs?: number
}

const INTERFACE_NAME = /^[A-Za-z0-9_.=+-]{1,15}$/
/** Poll interval while waiting for the UAPI socket, in milliseconds. */
const SOCKET_POLL_MS = 50
/** SIGTERM grace before SIGKILL on stop, in milliseconds. */
const STOP_GRACE_MS = 3000

type State = 'idle' | 'starting' | 'running' | 'failed' | 'stopped'

/**
 * The {@link Tunnel} port on a userspace WireGuard device (WG-2): `start` spawns `<wireguardGoPath> -f <iface>`,
 * waits for its UAPI socket, sets the private key, listen port and `replace_peers=true`, then runs
 * `ip address replace <address> dev <iface>` and `ip link set <iface> up`. Peers are set over UAPI with hex keys.
 *
 * If the child exits after start, the exit listeners get the reason once and every later call rejects. All
 * rejections are `MetadataError('TUNNEL_UNAVAILABLE')`; the private key never appears in a message or a log (SEC-4).
 * Needs `/dev/net/tun` and CAP_NET_ADMIN.
 */
export function createWireGuardTunnel(options: WireGuardTunnelOptions): Tunnel {
  const iface = options.interfaceName
  const socketPath = join(options.socketDir ?? '/var/run/wireguard', `${iface}.sock`)
  const run = options.run ?? execFileRunner
  const startTimeoutMs = options.startTimeoutMs ?? 10_000
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000
  const logger = options.logger.child({ component: 'wireguard', interface: iface })
  const listeners = new Set<(reason: string) => void>()
  let state: State = 'idle'
  let failure = ''
  let device: DeviceProcess | undefined

  const exchange = async (request: string): Promise<string> => {
    let answer: string
    try {
      answer = await uapiExchange(socketPath, request, requestTimeoutMs)
    } catch (err) {
      throw unavailable(`wireguard UAPI request failed: ${(err as Error).message}`, err)
    }
    const errno = answerErrno(answer)
    if (errno !== 0) throw unavailable(`wireguard-go refused the request: errno=${errno ?? 'missing'}`)
    return answer
  }
  const request = (text: string) => {
    if (state === 'failed') return Promise.reject(unavailable(`wireguard device failed: ${failure}`))
    if (state !== 'running') return Promise.reject(unavailable('wireguard device is not running'))
    return exchange(text)
  }

  const waitForSocket = async () => {
    const deadline = Date.now() + startTimeoutMs
    for (;;) {
      if (device?.hasExited()) {
        throw unavailable(`wireguard-go ${await device.exited} before opening ${socketPath}: ${device.recentOutput()}`)
      }
      try {
        await exchange(GET_REQUEST)
        return
      } catch {
        if (Date.now() > deadline) throw unavailable(`wireguard-go did not open ${socketPath} within ${startTimeoutMs} ms`)
      }
      await new Promise((resolve) => setTimeout(resolve, SOCKET_POLL_MS))
    }
  }

  const boot = async (start: TunnelStartOptions) => {
    if (!INTERFACE_NAME.test(iface)) throw unavailable(`invalid WireGuard interface name "${iface}"`)
    const address = parseCidr(start.address)
    const privateKeyHex = hexKey(start.privateKey, 'private key')
    if (await exchange(GET_REQUEST).then(() => true, () => false)) {
      throw unavailable(`interface ${iface} is already driven by a running wireguard-go (${socketPath})`)
    }
    // Nothing answers there: a file left by a killed device would make the wait below see a socket too early.
    await rm(socketPath, { force: true })
    device = spawnDevice(options.wireguardGoPath ?? 'wireguard-go', iface, logger)
    await waitForSocket()
    await exchange(deviceConfigRequest(privateKeyHex, start.listenPort))
    await run('ip', ['address', 'replace', `${address.address.address}/${address.prefix}`, 'dev', iface])
    await run('ip', ['link', 'set', iface, 'up'])
  }

  const shutDown = async () => {
    // Only a device we spawned owns the socket; a refused start must not touch another device's.
    if (device === undefined) return
    await device.kill(STOP_GRACE_MS)
    await rm(socketPath, { force: true })
  }

  return {
    async start(start) {
      if (state !== 'idle') throw unavailable(`wireguard device cannot start: it is ${state}`)
      state = 'starting'
      try {
        await boot(start)
      } catch (err) {
        state = 'failed'
        failure = (err as Error).message
        await shutDown().catch(() => undefined)
        throw isMetadataError(err, 'TUNNEL_UNAVAILABLE') ? err : unavailable((err as Error).message, err)
      }
      state = 'running'
      logger.info('WireGuard device up', { address: start.address, listenPort: start.listenPort })
      void device?.exited.then((reason) => {
        if (state !== 'running') return
        state = 'failed'
        failure = `wireguard-go ${reason}`
        logger.error(`WireGuard device failed: ${failure}`, { output: device?.recentOutput() })
        for (const listener of [...listeners]) listener(failure)
        listeners.clear()
      })
    },
    async upsertPeer(publicKey, allowedIp) {
      let cidr
      try {
        cidr = parseCidr(allowedIp)
      } catch (err) {
        throw unavailable(`invalid allowed IP: ${(err as Error).message}`, err)
      }
      await request(peerUpsertRequest(hexKey(publicKey, 'public key'), cidr.text))
    },
    async removePeer(publicKey) {
      await request(peerRemovalRequest(hexKey(publicKey, 'public key')))
    },
    async peers() {
      return parsePeers(await request(GET_REQUEST))
    },
    onExit(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async stop() {
      if (state === 'stopped') return
      state = 'stopped'
      listeners.clear()
      await shutDown()
    },
  }
}

// --- internal ---

function hexKey(base64Key: string, what: string): string {
  try {
    return wireGuardKeyToHex(base64Key)
  } catch (err) {
    throw unavailable(`invalid ${what}: ${(err as Error).message}`, err)
  }
}

function unavailable(message: string, cause?: unknown): MetadataError {
  return new MetadataError('TUNNEL_UNAVAILABLE', message, cause === undefined ? {} : { cause })
}
