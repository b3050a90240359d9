import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  GET_REQUEST,
  answerErrno,
  deviceConfigRequest,
  parsePeers,
  peerRemovalRequest,
  peerUpsertRequest,
  uapiExchange,
} from '../src/_uapi.js'

const HEX_A = 'f1dbbc03cf66968ee6d6bf2ae1271f1a7e807fc571f207d7dc4daa856d82e554'
const KEY_A = '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ='
const HEX_B = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'
const KEY_B = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo='

describe('UAPI requests (WG-2)', () => {
  it('configures the device with hex key, port and replace_peers', () => {
    expect(deviceConfigRequest(HEX_A, 51820)).toBe(
      `set=1\nprivate_key=${HEX_A}\nlisten_port=51820\nreplace_peers=true\n\n`,
    )
  })

  it('upserts a peer with one allowed IP and a 25 s keepalive', () => {
    expect(peerUpsertRequest(HEX_A, '100.97.0.2/32')).toBe(
      `set=1\npublic_key=${HEX_A}\nreplace_allowed_ips=true\nallowed_ip=100.97.0.2/32\npersistent_keepalive_interval=25\n\n`,
    )
  })

  it('removes a peer', () => {
    expect(peerRemovalRequest(HEX_A)).toBe(`set=1\npublic_key=${HEX_A}\nremove=true\n\n`)
    expect(GET_REQUEST).toBe('get=1\n\n')
  })
})

describe('UAPI answers', () => {
  it('reads errno', () => {
    expect(answerErrno('errno=0\n\n')).toBe(0)
    expect(answerErrno('listen_port=1\nerrno=-22\n\n')).toBe(-22)
    expect(answerErrno('listen_port=1\n\n')).toBeUndefined()
  })

  it('parses peers, allowed IPs and handshake times from get=1', () => {
    const answer = [
      `private_key=${HEX_B}`,
      'listen_port=51820',
      `public_key=${HEX_A}`,
      'preshared_key=0000000000000000000000000000000000000000000000000000000000000000',
      'protocol_version=1',
      'endpoint=10.231.0.2:40000',
      'last_handshake_time_sec=1700000000',
      'last_handshake_time_nsec=123456789',
      'tx_bytes=92',
      'rx_bytes=180',
      'persistent_keepalive_interval=25',
      'allowed_ip=100.97.0.2/32',
      'allowed_ip=fd00::2/128',
      `public_key=${HEX_B}`,
      'last_handshake_time_sec=0',
      'last_handshake_time_nsec=0',
      'allowed_ip=100.97.0.3/32',
      'errno=0',
      '',
      '',
    ].join('\n')
    expect(parsePeers(answer)).toEqual([
      { publicKey: KEY_A, allowedIps: ['100.97.0.2/32', 'fd00::2/128'], lastHandshakeAt: 1_700_000_000_123 },
      { publicKey: KEY_B, allowedIps: ['100.97.0.3/32'] },
    ])
    expect(parsePeers('listen_port=51820\nerrno=0\n\n')).toEqual([])
  })
})

describe('uapiExchange over a unix socket', () => {
  let dir: string
  let server: Server | undefined
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
    server = undefined
    await rm(dir, { recursive: true, force: true })
  })

  /** A fake device that records each request and answers with the chunks `reply` gives, or closes / stays silent. */
  async function fakeDevice(reply: (request: string) => readonly string[] | 'close' | 'silent') {
    dir = await mkdtemp(join(tmpdir(), 'mds-uapi-'))
    const path = join(dir, 'wg0.sock')
    const requests: string[] = []
    server = createServer((socket) => {
      let buffer = ''
      socket.setEncoding('utf8')
      socket.on('data', async (chunk: string) => {
        buffer += chunk
        if (!buffer.endsWith('\n\n')) return
        requests.push(buffer)
        const answer = reply(buffer)
        buffer = ''
        if (answer === 'close') socket.destroy()
        if (answer === 'close' || answer === 'silent') return
        for (const piece of answer) {
          socket.write(piece)
          await new Promise((resolve) => setImmediate(resolve))
        }
      })
    })
    await new Promise<void>((resolve) => server?.listen(path, resolve))
    return { path, requests }
  }

  it('sends the request and resolves with the whole answer, even when it arrives in pieces', async () => {
    const device = await fakeDevice(() => ['listen_port=51820\nerr', 'no=0\n', '\n'])
    await expect(uapiExchange(device.path, GET_REQUEST, 5000)).resolves.toBe('listen_port=51820\nerrno=0\n\n')
    expect(device.requests).toEqual([GET_REQUEST])
  })

  it('rejects when the device closes before the answer ends', async () => {
    const device = await fakeDevice(() => 'close')
    await expect(uapiExchange(device.path, GET_REQUEST, 5000)).rejects.toThrow(
      `${device.path} closed the connection before answering`,
    )
  })

  it('rejects when the device does not answer in time', async () => {
    const device = await fakeDevice(() => 'silent')
    await expect(uapiExchange(device.path, GET_REQUEST, 50)).rejects.toThrow(`no answer from ${device.path} within 50 ms`)
  })

  it('rejects when nothing listens on the path', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-uapi-'))
    await expect(uapiExchange(join(dir, 'absent.sock'), GET_REQUEST, 5000)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
