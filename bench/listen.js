// One home for how the bench's own servers (the bare baseline, the fake SMD) listen and stop.

/**
 * Binds `server` to 127.0.0.1 on `port` (0, the default, picks a free one).
 * @param {import('node:http').Server} server
 * @param {number} [port]
 * @returns {Promise<{ port: number, close: () => Promise<void> }>} `close` stops accepting and drops open connections
 */
export async function listenOnLoopback(server, port = 0) {
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : 0
  return { port: bound, close: () => new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  }) }
}
