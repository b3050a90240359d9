import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

// A network namespace joined to the root namespace by a veth pair, so tests can send requests from an address
// that is neither loopback nor trusted (SEC-1): the server sees the namespace address as the TCP peer. Only the two
// ends of our own veth get addresses; names carry a random suffix.

const exec = promisify(execFile)
const run = async (command: string, ...args: string[]) =>
  (await exec(command, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })).stdout

/** The root-namespace end of the veth pair: where the server is reached from inside. */
export const HOST_SIDE = '10.252.0.1'
const PREFIX = 24

/** One answer, as curl saw it. */
export interface CurlAnswer {
  readonly status: number
  readonly type: string
  readonly body: string
}

/** A request sent with curl from inside the namespace. */
export interface CurlRequest {
  readonly method?: string
  /** Source address inside the namespace; default its first address. */
  readonly from?: string
  /** Header lines as `[name, value]`; a name may repeat (sent as separate lines). */
  readonly headers?: readonly (readonly [string, string])[]
  readonly body?: string
}

/** See the module comment. */
export interface TestNamespace {
  readonly name: string
  /** Runs curl inside the namespace against `http://10.252.0.1:<port><path>`. */
  curl(port: number, path: string, request?: CurlRequest): Promise<CurlAnswer>
  /** The same for several requests, in order, from one curl process. */
  curlAll(port: number, requests: readonly (CurlRequest & { readonly path: string })[]): Promise<CurlAnswer[]>
  /** Deletes the namespace and the veth pair; never rejects, harmless to call twice. */
  destroy(): Promise<void>
}

/**
 * Creates the namespace with `addresses` on its veth end (the first is the default source) and `10.252.0.1/24` on
 * the root end. Fails, never skips, when not root or when 10.252.0.0/24 is already on an interface (a clash would
 * route our test traffic elsewhere).
 */
export async function createTestNamespace(addresses: readonly string[]): Promise<TestNamespace> {
  if (process.getuid?.() !== 0) throw new Error('the network-namespace tests must run as root (CAP_NET_ADMIN)')
  const inUse = await run('ip', '-o', 'address')
  if (inUse.includes(' 10.252.0.')) throw new Error(`10.252.0.0/24 is already assigned on this host:\n${inUse}`)
  const id = randomBytes(3).toString('hex')
  const names = { ns: `mdssec${id}`, host: `vsh${id}`, peer: `vsp${id}` }
  let destroyed = false
  const destroy = async () => {
    if (destroyed) return
    destroyed = true
    await run('ip', 'netns', 'del', names.ns).catch(() => undefined)
    await run('ip', 'link', 'del', names.host).catch(() => undefined)
  }
  try {
    await run('ip', 'netns', 'add', names.ns)
    await run('ip', 'link', 'add', names.host, 'type', 'veth', 'peer', 'name', names.peer, 'netns', names.ns)
    await run('ip', 'address', 'add', `${HOST_SIDE}/${PREFIX}`, 'dev', names.host)
    await run('ip', 'link', 'set', names.host, 'up')
    for (const ip of addresses) await run('ip', '-n', names.ns, 'address', 'add', `${ip}/${PREFIX}`, 'dev', names.peer)
    await run('ip', '-n', names.ns, 'link', 'set', names.peer, 'up')
    await run('ip', '-n', names.ns, 'link', 'set', 'lo', 'up')
  } catch (err) {
    await destroy()
    throw err
  }

  const curlAll = async (port: number, requests: readonly (CurlRequest & { readonly path: string })[]): Promise<CurlAnswer[]> => {
    // One curl process for the batch (`--next` starts a fresh set of options per request): spawning
    // `ip netns exec curl` per request costs far more than the request itself.
    const end = `--curl-end-${id}--`
    const mark = `--curl-info-${id}--`
    const args = ['netns', 'exec', names.ns, 'curl']
    requests.forEach((request, i) => {
      if (i > 0) args.push('--next')
      args.push('-sS', '--max-time', '10', '--path-as-is', '--interface', request.from ?? (addresses[0] as string))
      args.push('-X', request.method ?? 'GET')
      for (const [name, value] of request.headers ?? []) args.push('-H', `${name}: ${value}`)
      if (request.body !== undefined) args.push('--data-binary', request.body)
      args.push('-w', `${mark}%{http_code} %{content_type}${end}`, `http://${HOST_SIDE}:${port}${request.path}`)
    })
    const out = await run('ip', ...args)
    const answers = out.split(end).slice(0, -1).map((chunk) => {
      const at = chunk.lastIndexOf(mark)
      const [status, ...type] = chunk.slice(at + mark.length).split(' ')
      return { status: Number(status), type: type.join(' '), body: chunk.slice(0, at) }
    })
    if (answers.length !== requests.length) throw new Error(`curl answered ${answers.length} of ${requests.length} requests`)
    return answers
  }

  return {
    name: names.ns,
    curl: async (port, path, request = {}) => (await curlAll(port, [{ path, ...request }]))[0] as CurlAnswer,
    curlAll,
    destroy,
  }
}
