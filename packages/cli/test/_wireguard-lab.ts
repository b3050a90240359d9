import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

/**
 * A two-namespace lab for the WireGuard end-to-end test: the server runs in namespace `srv` and the node in
 * namespace `node`, joined by a veth pair (srv 10.252.0.1/24, node 10.252.0.26/24 = mock node x1000c0s0b0n0's
 * HMN address). Nothing is added to the host's own namespace, so the test neither clashes with a real 10.252.0.0/24
 * nor with a second run of itself; every name carries a random suffix (wireguard-go's sockets share
 * /var/run/wireguard across namespaces).
 */

const execAsync = promisify(execFile)

/** Runs a command without a shell and resolves with its stdout; rejects on a non-zero exit. */
export async function sh(command: string, ...args: string[]): Promise<string> {
  return (await execAsync(command, args, { timeout: 20_000 })).stdout
}

/** Where wireguard-go puts its UAPI sockets. */
const SOCKET_DIR = '/var/run/wireguard'
/** The node side and the server side of the veth pair. */
export const NODE_IP = '10.252.0.26'
export const SERVER_LINK_IP = '10.252.0.1'

/** Fails (never skips) with what is missing: root, /dev/net/tun, wireguard-go, wg, ip, curl. */
export async function requireLabTools(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the WireGuard end-to-end test must run as root (network namespaces, CAP_NET_ADMIN)')
  if (!existsSync('/dev/net/tun')) throw new Error('/dev/net/tun is missing: the WireGuard end-to-end test needs it')
  const tools = [['wireguard-go', '--version'], ['wg', '--version'], ['ip', '-V'], ['curl', '--version']] as const
  for (const [tool, flag] of tools) {
    await execAsync(tool, [flag]).catch((err: Error) => {
      throw new Error(`${tool} is required by the WireGuard end-to-end test (CI installs it): ${err.message}`)
    })
  }
}

/** Polls `check` every 200 ms, up to `tries` times (default 75: 15 s). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, tries = 75): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** One curl run: its exit code (0 ok, 28 timed out, 7 refused…), the HTTP status and the body. */
export interface CurlResult {
  readonly exit: number
  readonly status: number
  readonly body: string
}

/** The lab: names, commands in either namespace, and teardown. */
export interface Lab {
  readonly srv: string
  readonly node: string
  /** Interface name for the server's WireGuard device, and for the node's. */
  readonly serverWg: string
  readonly nodeWg: string
  /** `ip netns exec <ns> <command…>`. */
  exec(ns: string, command: string, ...args: string[]): Promise<string>
  /** curl in `ns` (3 s limit): `-X method`, extra headers, a body. Never rejects. */
  curl(ns: string, url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<CurlResult>
  /** A process started in `ns`, killed by {@link Lab.destroy} if still running. */
  spawnIn(ns: string, command: string, args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): ChildProcess
  /** Waits for a wireguard-go UAPI socket to appear. */
  waitForSocket(iface: string): Promise<void>
  /** Kills what it started and every process left in the namespaces, deletes both; never rejects. */
  destroy(): Promise<void>
}

/** Creates both namespaces and the veth pair. Call {@link requireLabTools} first. */
export async function createLab(): Promise<Lab> {
  const id = randomBytes(3).toString('hex')
  const names = { srv: `mdss${id}`, node: `mdsn${id}`, serverWg: `wgms${id}`, nodeWg: `wgmn${id}`, vethSrv: `vs${id}`, vethNode: `vn${id}` }
  const children: ChildProcess[] = []
  const exec = (ns: string, command: string, ...args: string[]) => sh('ip', 'netns', 'exec', ns, command, ...args)

  const destroy = async () => {
    const quietly = (work: Promise<unknown>) => work.catch(() => undefined)
    for (const child of children) await stopChild(child)
    // Anything the server left behind (a wireguard-go whose parent was killed): by pid, only in our namespaces.
    for (const ns of [names.srv, names.node]) {
      const pids = await sh('ip', 'netns', 'pids', ns).catch(() => '')
      for (const pid of pids.split('\n').filter((p) => /^\d+$/.test(p))) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {
          // already gone
        }
      }
      await quietly(sh('ip', 'netns', 'del', ns))
    }
    for (const iface of [names.serverWg, names.nodeWg]) await rm(join(SOCKET_DIR, `${iface}.sock`), { force: true })
  }

  try {
    await sh('ip', 'netns', 'add', names.srv)
    await sh('ip', 'netns', 'add', names.node)
    await sh('ip', '-n', names.srv, 'link', 'add', names.vethSrv, 'type', 'veth', 'peer', 'name', names.vethNode, 'netns', names.node)
    await sh('ip', '-n', names.srv, 'address', 'add', `${SERVER_LINK_IP}/24`, 'dev', names.vethSrv)
    await sh('ip', '-n', names.node, 'address', 'add', `${NODE_IP}/24`, 'dev', names.vethNode)
    for (const [ns, veth] of [[names.srv, names.vethSrv], [names.node, names.vethNode]] as const) {
      await sh('ip', '-n', ns, 'link', 'set', veth, 'up')
      await sh('ip', '-n', ns, 'link', 'set', 'lo', 'up')
    }
  } catch (err) {
    await destroy()
    throw err
  }

  return {
    ...names,
    exec,
    async curl(ns, url, init = {}) {
      const args = ['-sS', '--max-time', '3', '-o', '-', '-w', '\n%{http_code}', '-X', init.method ?? 'GET']
      for (const [name, value] of Object.entries(init.headers ?? {})) args.push('-H', `${name}: ${value}`)
      if (init.body !== undefined) args.push('--data-binary', init.body)
      args.push(url)
      return new Promise((resolve) => {
        execFile('ip', ['netns', 'exec', ns, 'curl', ...args], { timeout: 10_000 }, (err, stdout) => {
          const cut = stdout.lastIndexOf('\n')
          resolve({
            exit: err === null ? 0 : typeof err.code === 'number' ? err.code : -1,
            status: Number(stdout.slice(cut + 1)) || 0,
            body: cut < 0 ? '' : stdout.slice(0, cut),
          })
        })
      })
    },
    spawnIn(ns, command, args, options = {}) {
      const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      return child
    },
    waitForSocket: (iface) => waitFor(() => existsSync(join(SOCKET_DIR, `${iface}.sock`)), `the ${iface} wireguard-go socket`),
    destroy,
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child is gone. */
export async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const gone = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  const code = await gone
  clearTimeout(timer)
  return code
}
