import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

// Two network namespaces joined by a veth pair: one for the server, one for its clients, so the server sees the
// client namespace's address as the TCP peer (SEC-1), neither loopback nor trusted. Nothing is added to the root
// namespace, so other tests using the same addresses (the cloud-init and WireGuard end-to-end tests use
// 10.252.0.x too) cannot clash; names carry a random suffix.

const exec = promisify(execFile)
const run = async (command: string, ...args: string[]) =>
  (await exec(command, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })).stdout

/** One answer, as curl saw it. */
export interface CurlAnswer {
  readonly status: number
  readonly type: string
  readonly body: string
}

/** A request sent with curl. */
export interface CurlRequest {
  readonly path: string
  readonly method?: string
  /** Source address in the client namespace; default its first address. */
  readonly from?: string
  /** Header lines as `[name, value]`; a name may repeat (sent as separate lines). */
  readonly headers?: readonly (readonly [string, string])[]
  readonly body?: string
}

/** See the module comment. */
export interface TestNamespaces {
  /** The server's address, on its end of the veth pair. */
  readonly serverIp: string
  /** `argv` prefixed to run it in the server namespace (`ip netns exec` execs, so the pid is the program's). */
  inServer(argv: readonly string[]): string[]
  /** curl from the client namespace to `http://<serverIp>:<port><path>`, one process for the whole batch. */
  fromClient(port: number, requests: readonly CurlRequest[]): Promise<CurlAnswer[]>
  /** curl from the server namespace's own loopback (an admin peer) to `http://127.0.0.1:<port><path>`. */
  fromServerLoopback(port: number, requests: readonly CurlRequest[]): Promise<CurlAnswer[]>
  /** Deletes both namespaces (and with them the veth pair); never rejects, harmless to call twice. */
  destroy(): Promise<void>
}

/**
 * Creates the namespaces: `serverIp/24` on the server end, `clientIps` (each /24; the first is the default source)
 * on the client end. Fails, never skips, without root.
 */
export async function createTestNamespaces(serverIp: string, clientIps: readonly string[]): Promise<TestNamespaces> {
  if (process.getuid?.() !== 0) throw new Error('the network-namespace tests must run as root (CAP_NET_ADMIN)')
  const id = randomBytes(3).toString('hex')
  const names = { server: `mdssecs${id}`, client: `mdssecc${id}`, serverVeth: `sss${id}`, clientVeth: `ssc${id}` }
  let destroyed = false
  const destroy = async () => {
    if (destroyed) return
    destroyed = true
    for (const ns of [names.server, names.client]) await run('ip', 'netns', 'del', ns).catch(() => undefined)
  }
  try {
    await run('ip', 'netns', 'add', names.server)
    await run('ip', 'netns', 'add', names.client)
    await run('ip', '-n', names.server, 'link', 'add', names.serverVeth, 'type', 'veth', 'peer', 'name', names.clientVeth, 'netns', names.client)
    await run('ip', '-n', names.server, 'address', 'add', `${serverIp}/24`, 'dev', names.serverVeth)
    for (const ip of clientIps) await run('ip', '-n', names.client, 'address', 'add', `${ip}/24`, 'dev', names.clientVeth)
    for (const [ns, veth] of [[names.server, names.serverVeth], [names.client, names.clientVeth]] as const) {
      await run('ip', '-n', ns, 'link', 'set', veth, 'up')
      await run('ip', '-n', ns, 'link', 'set', 'lo', 'up')
    }
  } catch (err) {
    await destroy()
    throw err
  }

  const curl = async (ns: string, base: string, source: string | undefined, requests: readonly CurlRequest[]): Promise<CurlAnswer[]> => {
    // `--next` starts a fresh set of options per request: one process for the batch, since spawning
    // `ip netns exec curl` per request costs far more than the request itself.
    const end = `--curl-end-${id}--`
    const mark = `--curl-info-${id}--`
    const args = ['netns', 'exec', ns, 'curl']
    requests.forEach((request, i) => {
      if (i > 0) args.push('--next')
      args.push('-sS', '--max-time', '10', '--path-as-is', '--noproxy', '*', '-X', request.method ?? 'GET')
      const from = request.from ?? source
      if (from !== undefined) args.push('--interface', from)
      for (const [name, value] of request.headers ?? []) args.push('-H', `${name}: ${value}`)
      if (request.body !== undefined) args.push('--data-binary', request.body)
      args.push('-w', `${mark}%{http_code} %{content_type}${end}`, `${base}${request.path}`)
    })
    const out = await run('ip', ...args)
    const answers = out
      .split(end)
      .slice(0, -1)
      .map((chunk) => {
        const at = chunk.lastIndexOf(mark)
        const [status, ...type] = chunk.slice(at + mark.length).split(' ')
        return { status: Number(status), type: type.join(' '), body: chunk.slice(0, at) }
      })
    if (answers.length !== requests.length) throw new Error(`curl answered ${answers.length} of ${requests.length} requests`)
    return answers
  }

  return {
    serverIp,
    inServer: (argv) => ['ip', 'netns', 'exec', names.server, ...argv],
    fromClient: (port, requests) => curl(names.client, `http://${serverIp}:${port}`, clientIps[0], requests),
    fromServerLoopback: (port, requests) => curl(names.server, `http://127.0.0.1:${port}`, undefined, requests),
    destroy,
  }
}
