import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Where a fake device writes what it received, one JSON string per line. */
export const REQUEST_LOG = 'requests.log'

/**
 * Writes an executable stand-in for wireguard-go into `dir`: run as `<script> -f <iface>`, it listens on
 * `<socketDir>/<iface>.sock`, logs every UAPI request to `<dir>/requests.log`, answers `set` with `errno=0` (or
 * `errno=-22` for a key of all `ee`), answers `get` with one peer, exits with code 3 on `die=1`, and removes its
 * socket on SIGTERM. `mode: 'crash'` exits with code 1 at once after printing an error; `mode: 'mute'` never opens
 * the socket.
 */
export async function writeFakeWireGuardGo(dir: string, socketDir: string, mode: 'ok' | 'crash' | 'mute' = 'ok') {
  const script = join(dir, `fake-wireguard-go-${mode}`)
  const source = `#!${process.execPath}
const net = require('node:net')
const fs = require('node:fs')
const path = require('node:path')
const iface = process.argv[3]
if (process.argv[2] !== '-f' || !iface) process.exit(64)
if (${JSON.stringify(mode)} === 'crash') {
  process.stderr.write('ERROR: (' + iface + ') Failed to create TUN device: no such device\\n')
  process.exit(1)
}
if (${JSON.stringify(mode)} === 'mute') setInterval(() => {}, 1000)
else {
  const socketPath = path.join(${JSON.stringify(socketDir)}, iface + '.sock')
  const log = ${JSON.stringify(join(dir, REQUEST_LOG))}
  const server = net.createServer((socket) => {
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      buffer += chunk
      while (buffer.includes('\\n\\n')) {
        const end = buffer.indexOf('\\n\\n') + 2
        const request = buffer.slice(0, end)
        buffer = buffer.slice(end)
        if (request === 'die=1\\n\\n') process.exit(3)
        if (!request.startsWith('get=1')) fs.appendFileSync(log, JSON.stringify(request) + '\\n')
        if (request.startsWith('get=1')) {
          socket.write('listen_port=51820\\npublic_key=${'f1'.repeat(32)}\\nlast_handshake_time_sec=5\\nlast_handshake_time_nsec=0\\nallowed_ip=100.97.0.2/32\\nerrno=0\\n\\n')
        } else {
          socket.write(request.includes('${'ee'.repeat(32)}') ? 'errno=-22\\n\\n' : 'errno=0\\n\\n')
        }
      }
    })
  })
  server.listen(socketPath, () => process.stdout.write('INFO: (' + iface + ') UAPI listener started\\n'))
  process.on('SIGTERM', () => {
    fs.rmSync(socketPath, { force: true })
    process.exit(0)
  })
}
`
  await writeFile(script, source)
  await chmod(script, 0o755)
  return script
}

/** The requests a fake device logged (`get=1` polls left out). */
export async function loggedRequests(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, REQUEST_LOG), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string)
}
