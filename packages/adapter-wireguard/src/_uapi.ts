import { connect } from 'node:net'
import { wireGuardKeyFromHex, type TunnelPeer } from '@metadata-service/core'

/**
 * The wireguard-go UAPI text protocol (https://www.wireguard.com/xplatform/): `key=value` lines, a request ends with
 * an empty line, and so does the answer, whose last line is `errno=<n>` (0 on success). Keys travel as hex.
 */

/** Device configuration at start (WG-2): the private key, the UDP port, and no peers. */
export function deviceConfigRequest(privateKeyHex: string, listenPort: number): string {
  return `set=1\nprivate_key=${privateKeyHex}\nlisten_port=${listenPort}\nreplace_peers=true\n\n`
}

/** Adds or replaces a peer with exactly one allowed IP (WG-2). */
export function peerUpsertRequest(publicKeyHex: string, allowedIp: string): string {
  return (
    `set=1\npublic_key=${publicKeyHex}\nreplace_allowed_ips=true\nallowed_ip=${allowedIp}\n` +
    'persistent_keepalive_interval=25\n\n'
  )
}

/** Removes a peer (WG-2); wireguard-go answers errno=0 for an absent peer too. */
export function peerRemovalRequest(publicKeyHex: string): string {
  return `set=1\npublic_key=${publicKeyHex}\nremove=true\n\n`
}

/** Reads the device state. */
export const GET_REQUEST = 'get=1\n\n'

/**
 * The `errno` of an answer: 0 on success, the (negative) error number otherwise, `undefined` when the answer has no
 * errno line at all (a broken or truncated answer).
 */
export function answerErrno(answer: string): number | undefined {
  const match = /(?:^|\n)errno=(-?\d+)\n/.exec(answer)
  return match ? Number(match[1]) : undefined
}

/**
 * The peers of a `get=1` answer. A peer starts at each `public_key=` line; `allowed_ip` repeats; a handshake time of
 * 0 means none happened. Keys are converted to base64.
 */
export function parsePeers(answer: string): TunnelPeer[] {
  const peers: TunnelPeer[] = []
  let current: { publicKey: string; allowedIps: string[]; sec: number; nsec: number } | undefined
  const flush = () => {
    if (current === undefined) return
    const { publicKey, allowedIps, sec, nsec } = current
    peers.push(sec > 0 ? { publicKey, allowedIps, lastHandshakeAt: sec * 1000 + Math.floor(nsec / 1e6) } : { publicKey, allowedIps })
  }
  for (const line of answer.split('\n')) {
    const eq = line.indexOf('=')
    if (eq < 0) continue
    const key = line.slice(0, eq)
    const value = line.slice(eq + 1)
    if (key === 'public_key') {
      flush()
      current = { publicKey: wireGuardKeyFromHex(value), allowedIps: [], sec: 0, nsec: 0 }
    } else if (current !== undefined) {
      if (key === 'allowed_ip') current.allowedIps.push(value)
      else if (key === 'last_handshake_time_sec') current.sec = Number(value)
      else if (key === 'last_handshake_time_nsec') current.nsec = Number(value)
    }
  }
  flush()
  return peers
}

/**
 * Sends one request over the unix socket at `socketPath` and resolves with the whole answer (through the empty line
 * that ends it). Rejects on connection errors, on a close before the answer ended, and after `timeoutMs`.
 */
export function uapiExchange(socketPath: string, request: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath)
    let answer = ''
    let settled = false
    const finish = (err: Error | undefined) => {
      if (settled) return
      settled = true
      socket.destroy()
      if (err) reject(err)
      else resolve(answer)
    }
    socket.setEncoding('utf8')
    socket.setTimeout(timeoutMs, () => finish(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)))
    socket.on('data', (chunk: string) => {
      answer += chunk
      if (answer.endsWith('\n\n')) finish(undefined)
    })
    socket.on('error', (err) => finish(err))
    socket.on('close', () => finish(new Error(`${socketPath} closed the connection before answering`)))
    socket.write(request)
  })
}
