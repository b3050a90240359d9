import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

/**
 * A network namespace that stands in for a booting node: a veth pair whose root side is `hostIp/24` (where the
 * server listens) and whose namespace side is the node's own address, so the server sees the node's address on
 * the socket, as on a real network, with no forwarding headers. Names carry a random suffix; only addresses on
 * this veth pair are used.
 */
export interface NodeNamespace {
  readonly name: string
  /** The root-namespace side of the veth pair, e.g. `10.252.0.1`. */
  readonly hostIp: string
  /** The node's address inside the namespace, e.g. `10.252.0.26`. */
  readonly nodeIp: string
  /** Runs `argv` inside the namespace with a clean environment (no proxies), without a shell. */
  exec(argv: readonly string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }>
  /** Removes the namespace and the veth pair; never rejects, safe to call twice. */
  destroy(): Promise<void>
}

const exec = promisify(execFile)
const ip = async (...args: string[]) => (await exec('ip', args, { timeout: 15_000 })).stdout

/** Fails (never skips) with what is missing: root, `ip netns`, and an unused `<hostIp>/24`. */
export async function requireNamespaceSupport(hostIp: string): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the cloud-init end-to-end test must run as root (ip netns needs CAP_NET_ADMIN)')
  await ip('netns', 'list').catch((err: Error) => {
    throw new Error(`\`ip netns\` is required by the cloud-init end-to-end test (CI installs iproute2): ${err.message}`)
  })
  const prefix = hostIp.split('.').slice(0, 3).join('.')
  const used = await ip('-4', '-o', 'addr', 'show')
  if (used.includes(` ${prefix}.`)) {
    throw new Error(`${prefix}.0/24 is already configured on this machine; the cloud-init test needs it for its own veth pair`)
  }
}

/** Creates the namespace and the veth pair (see {@link NodeNamespace}). On failure, removes what it made. */
export async function createNodeNamespace(hostIp: string, nodeIp: string): Promise<NodeNamespace> {
  const id = randomBytes(3).toString('hex')
  const name = `mdsci${id}`
  const hostVeth = `ci${id}h`
  const nodeVeth = `ci${id}n`
  const destroy = async () => {
    // Deleting the namespace destroys its veth end, and with it the pair; the link delete covers a half-made setup.
    await ip('netns', 'delete', name).catch(() => undefined)
    await ip('link', 'delete', hostVeth).catch(() => undefined)
  }
  try {
    await ip('netns', 'add', name)
    await ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nodeVeth)
    await ip('link', 'set', nodeVeth, 'netns', name)
    await ip('address', 'add', `${hostIp}/24`, 'dev', hostVeth)
    await ip('link', 'set', hostVeth, 'up')
    await ip('-n', name, 'address', 'add', `${nodeIp}/24`, 'dev', nodeVeth)
    await ip('-n', name, 'link', 'set', nodeVeth, 'up')
    await ip('-n', name, 'link', 'set', 'lo', 'up')
  } catch (err) {
    await destroy()
    throw err
  }
  return {
    name,
    hostIp,
    nodeIp,
    async exec(argv, timeoutMs) {
      const env = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'HOME=/root']
      try {
        const { stdout, stderr } = await exec('ip', ['netns', 'exec', name, 'env', '-i', ...env, ...argv], {
          timeout: timeoutMs,
          maxBuffer: 32 * 1024 * 1024,
        })
        return { code: 0, stdout, stderr }
      } catch (err) {
        const failed = err as { code?: number; stdout?: string; stderr?: string; message: string }
        return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? failed.message }
      }
    },
    destroy,
  }
}
