// "The machine's limit" of issue 19: nginx, 1 worker, access log on, serving the very bytes the server answers, each
// from a file. The storm's identity header picks the node's directory, so nginx does what the server does minus the
// service: read the request, find the node's document, write it and one log line. Skipped (never failed) where
// nginx is not installed (Debian: `apt-get install nginx`).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, stopChild } from './children.js'
import { pinned } from './pin.js'
import { stormPaths } from './fixtures.js'

/** The nginx executable: on the PATH, or Debian's /usr/sbin/nginx (not on a non-root PATH); undefined when absent. */
export function findNginx() {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const probe = spawnSync(candidate, ['-v'], { stdio: 'ignore' })
    if (probe.error === undefined && probe.status === 0) return candidate
  }
  return undefined
}

/**
 * Writes every storm document of every node, as `serverUrl` answers it, to `<dir>/docs/<node HMN IP>/<path>`:
 * `concurrency` requests at a time over keep-alive connections. Rejects on any answer but 200.
 * @param {string} serverUrl
 * @param {readonly import('./nodes.js').BenchNode[]} nodes
 * @param {string} dir
 * @param {number} [concurrency]  default 16
 */
export async function copyDocuments(serverUrl, nodes, dir, concurrency = 16) {
  let next = 0
  const worker = async () => {
    for (let i = next++; i < nodes.length; i = next++) {
      const node = nodes[i]
      const nodeDir = join(dir, 'docs', node.hmnIp)
      mkdirSync(nodeDir, { recursive: true })
      for (const path of stormPaths(node)) {
        const res = await fetch(`${serverUrl}${path}`, { headers: { 'x-forwarded-for': node.hmnIp } })
        const body = Buffer.from(await res.arrayBuffer())
        if (res.status !== 200) throw new Error(`copying ${node.xname} ${path} for nginx: ${res.status} ${body.toString().slice(0, 120)}`)
        writeFileSync(join(nodeDir, path.slice(1)), body)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/**
 * Starts nginx (1 worker, access log to `<dir>/access.log`, keep-alive timeout 60 s as the baseline's) on a free
 * loopback port, serving `<dir>/docs/$http_x_forwarded_for/<path>`, and waits until it answers.
 * @param {string} bin     from {@link findNginx}
 * @param {string} dir     holds docs/ (see {@link copyDocuments}), the config, logs and temp directories
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<number | string | null> }>}
 */
export async function startNginx(bin, dir) {
  const port = await freePort()
  if (!existsSync(join(dir, 'docs'))) throw new Error(`${dir}/docs is missing: copyDocuments first`)
  const temp = (name) => `${name}_temp_path ${join(dir, 'tmp', name)};`
  mkdirSync(join(dir, 'tmp'), { recursive: true })
  const conf = join(dir, 'nginx.conf')
  writeFileSync(
    conf,
    [
      // As root the worker would drop to nobody, who cannot enter the private temp directory.
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      '  types { } default_type application/x-yaml;',
      '  keepalive_timeout 60s;',
      `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}`,
      `  server { listen 127.0.0.1:${port} backlog=4096; root ${join(dir, 'docs')}/$http_x_forwarded_for; location / { try_files $uri =404; } }`,
      '}',
      '',
    ].join('\n'),
  )
  const child = spawn(...pinned('target', bin, ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf]), { stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode} at start (see ${join(dir, 'error.log')})`)
    const status = await fetch(`${url}/`).then(
      (r) => r.arrayBuffer().then(() => r.status),
      () => 0,
    )
    if (status !== 0) break
    if (Date.now() > deadline) {
      await stopChild(child, 2000)
      throw new Error('nginx did not answer within 10 s')
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { url, pid: child.pid ?? 0, stop: () => stopChild(child, 5000) }
}
