// The OPS-7 yardstick: a bare node:http server answering every request with a fixed body of the same size as a
// meta-data document. Run as a child process (`node bench/baseline-server.js --bytes 1200`); prints `{"port":<p>}`.
// It keeps the same keep-alive timeout as the real server (OPS-6) and nothing else. With `--spin-us N` it first
// keeps the CPU busy for N µs per request (`--spin-ladder`): what N µs of work per request cost a bare server.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { listenOnLoopback } from './listen.js'

/**
 * Starts the bare server on 127.0.0.1.
 * @param {{ bytes: number, port?: number, spinUs?: number }} options  `bytes`: body length; `spinUs`: µs of busy CPU
 *   per request before answering (default 0)
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function startBaseline(options) {
  // YAML-looking filler, so the bytes on the wire are text like the real documents.
  const line = 'key: value-0123456789abcdef\n'
  const body = Buffer.from(line.repeat(Math.ceil(options.bytes / line.length)).slice(0, options.bytes))
  const headers = { 'content-type': 'application/x-yaml', 'content-length': String(body.length) }
  const spinMs = (options.spinUs ?? 0) / 1000
  const server = createServer((_req, res) => {
    if (spinMs > 0) {
      const until = performance.now() + spinMs
      while (performance.now() < until);
    }
    res.writeHead(200, headers)
    res.end(body)
  })
  server.keepAliveTimeout = 60_000
  return listenOnLoopback(server, options.port)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { bytes: { type: 'string', default: '1200' }, port: { type: 'string', default: '0' }, 'spin-us': { type: 'string', default: '0' } } })
  const server = await startBaseline({ bytes: Number(values.bytes), port: Number(values.port), spinUs: Number(values['spin-us']) })
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`)
  process.on('SIGTERM', () => {
    server.close().then(() => process.exit(0))
    setTimeout(() => process.exit(0), 2000).unref()
  })
}
