import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

/**
 * Two network namespaces standing in for a server host and a booting node, joined by a veth pair: the server side
 * is `serverIp/24`, the node side the node's own address, so the server sees the node's address on the socket, as
 * on a real network, with no forwarding headers. Nothing is added to the root namespace, so the test clashes
 * neither with a real network nor with other tests using the same addresses; names carry a random suffix.
 */
export interface NodeLab {
  /** The server's namespace, where `serverIp` lives. */
  readonly server: string
  /** The node's namespace, where `nodeIp` lives. */
  readonly node: string
  readonly serverIp: string
  readonly nodeIp: string
  /** Runs `argv` in namespace `ns` with a clean environment (no proxies), without a shell. Never rejects. */
  exec(ns: string, argv: readonly string[], options: { timeoutMs: number; input?: string }): Promise<ExecResult>
  /** `argv` prefixed to run a long-lived process in `ns` (the process keeps its pid: `ip netns exec` execs it). */
  command(ns: string, argv: readonly string[]): string[]
  /** Removes both namespaces (and with them the veth pair); never rejects, safe to call twice. */
  destroy(): Promise<void>
}

/** How a command run by {@link NodeLab.exec} ended. */
export interface ExecResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const execAsync = promisify(execFile)
const ip = async (...args: string[]) => (await execAsync('ip', args, { timeout: 15_000 })).stdout
const CLEAN_ENV = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'HOME=/root']

/** Fails (never skips) with what is missing: root, `ip netns`, curl. */
export async function requireLabSupport(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the cloud-init end-to-end test must run as root (ip netns needs CAP_NET_ADMIN)')
  await ip('netns', 'list').catch((err: Error) => {
    throw new Error(`\`ip netns\` is required by the cloud-init end-to-end test (CI installs iproute2): ${err.message}`)
  })
  await execAsync('curl', ['--version']).catch((err: Error) => {
    throw new Error(`curl is required by the cloud-init end-to-end test (CI installs it): ${err.message}`)
  })
}

/** Creates both namespaces and the veth pair (see {@link NodeLab}). On failure, removes what it made. */
export async function createNodeLab(serverIp: string, nodeIp: string): Promise<NodeLab> {
  const id = randomBytes(3).toString('hex')
  const server = `mdscis${id}`
  const node = `mdscin${id}`
  const serverVeth = `cis${id}`
  const nodeVeth = `cin${id}`
  const destroy = async () => {
    for (const ns of [server, node]) await ip('netns', 'delete', ns).catch(() => undefined)
  }
  try {
    await ip('netns', 'add', server)
    await ip('netns', 'add', node)
    await ip('-n', server, 'link', 'add', serverVeth, 'type', 'veth', 'peer', 'name', nodeVeth, 'netns', node)
    await ip('-n', server, 'address', 'add', `${serverIp}/24`, 'dev', serverVeth)
    await ip('-n', node, 'address', 'add', `${nodeIp}/24`, 'dev', nodeVeth)
    for (const [ns, veth] of [[server, serverVeth], [node, nodeVeth]] as const) {
      await ip('-n', ns, 'link', 'set', veth, 'up')
      await ip('-n', ns, 'link', 'set', 'lo', 'up')
    }
  } catch (err) {
    await destroy()
    throw err
  }
  const command = (ns: string, argv: readonly string[]) => ['ip', 'netns', 'exec', ns, 'env', '-i', ...CLEAN_ENV, ...argv]
  return {
    server,
    node,
    serverIp,
    nodeIp,
    command,
    exec(ns, argv, options) {
      const [file, ...args] = command(ns, argv)
      return new Promise((resolve) => {
        const child = execFile(file!, args, { timeout: options.timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
          resolve({ code, stdout, stderr: err !== null && stderr === '' ? err.message : stderr })
        })
        child.stdin?.end(options.input ?? '')
      })
    },
    destroy,
  }
}
