import { parse as parseYaml } from 'yaml'
import { MetadataError } from '../errors.js'
import { parseIp } from '../ip/ip.js'
import { allowedIpHost } from './allocator.js'
import { checkWireGuardKey } from './keys.js'

/** One peer of the Go service's WireGuard state file, checked. */
export interface GoStatePeer {
  /** Padded standard base64, normalised (WG-5). */
  readonly publicKey: string
  /** The tunnel address, canonical text (`100.97.0.2`): the host of `allowedIP`, else `vpnIP`. */
  readonly address: string
  /** The node's boot address the Go service keyed it by (`clientIP`, else `peerID`); may be empty. */
  readonly clientAddress: string
}

/** The Go service's WireGuard state (`/data/wireguard/state.yaml`), checked. */
export interface GoWireGuardState {
  /** The server's private key, padded standard base64 (WG-3 form). */
  readonly serverPrivateKey: string
  readonly peers: readonly GoStatePeer[]
}

/**
 * Parses the state file the Go service's WireGuard controller kept (YAML with `version`, `serverPrivateKey`,
 * `serverPublicKey`, `allocatedIPs`, and `peers` of `peerID`, `publicKey`, `vpnIP`, `clientIP`, `allowedIP`; keys in
 * base64), so its server key and peers can be imported (§16, issue 13). Unknown keys are ignored; `serverPublicKey`
 * and `allocatedIPs` are derived data and not read.
 *
 * Throws `MetadataError('VALIDATION_FAILED')` whose message says what is wrong, with a path into the file
 * (`peers[2].publicKey: must be base64 of 32 bytes`), the key itself never (SEC-4).
 */
export function parseGoWireGuardState(text: string): GoWireGuardState {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw invalid(`not YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  if (!isRecord(doc)) throw invalid('expected a mapping with serverPrivateKey and peers')
  const privateKey = typeof doc.serverPrivateKey === 'string' ? checkWireGuardKey(doc.serverPrivateKey) : undefined
  if (privateKey === undefined || !privateKey.ok) throw invalid('serverPrivateKey: must be base64 of 32 bytes')
  const rawPeers = doc.peers ?? []
  if (!Array.isArray(rawPeers)) throw invalid('peers: must be a list')
  const peers = rawPeers.map((raw: unknown, i) => parsePeer(raw, `peers[${i}]`))
  return { serverPrivateKey: privateKey.key, peers }
}

// --- internal ---

function parsePeer(raw: unknown, at: string): GoStatePeer {
  if (!isRecord(raw)) throw invalid(`${at}: must be a mapping`)
  const key = typeof raw.publicKey === 'string' ? checkWireGuardKey(raw.publicKey) : undefined
  if (key === undefined || !key.ok) throw invalid(`${at}.publicKey: must be base64 of 32 bytes`)
  const allowed = text(raw.allowedIP)
  const vpn = text(raw.vpnIP)
  const address = allowed !== '' ? allowedIpHost(allowed) : parseIp(vpn)?.address
  if (address === undefined || parseIp(address)?.family !== 4) {
    const field = allowed !== '' ? 'allowedIP' : 'vpnIP'
    throw invalid(`${at}.${field}: must be an IPv4 address${field === 'allowedIP' ? ' or CIDR' : ''}, got ${JSON.stringify(raw[field] ?? null)}`)
  }
  return { publicKey: key.key, address, clientAddress: text(raw.clientIP) || text(raw.peerID) }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

function invalid(detail: string): MetadataError {
  return new MetadataError('VALIDATION_FAILED', detail)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
