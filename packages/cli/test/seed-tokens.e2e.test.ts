import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GOLDEN_COMPUTE_YAML, GOLDEN_GREEN_YAML, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBuiltServer, type BuiltServer } from './cloud-init/built-server.js'
import { createNodeLab, requireLabSupport, type NodeLab } from './cloud-init/node-namespace.js'
import type { DriverReport } from './cloud-init/report.js'

// SEED (issue 20) against a real client: Debian's cloud-init reads the built server through n0's seed URL from a
// network namespace whose address is n1's (another node), then from an address that is no node at all. It gets
// every document of n0 (the token's node), follows the #include lines under the seed path, and the server's
// request lines and boot record name n0. Then `seed_tokens: required` and `seed_tokens_bind_address` on the same data directory.

const PYTHON = '/usr/bin/python3'
const DRIVER = fileURLToPath(new URL('./cloud-init/nocloud-driver.py', import.meta.url))
const SERVER_IP = '10.252.0.1'
const N0 = 'x1000c0s0b0n0'
const N0_IP = '10.252.0.26'
const N1 = 'x1000c0s0b0n1'
const N1_IP = '10.252.0.27'
const UNKNOWN_IP = '10.252.0.99'

let lab: NodeLab
let server: BuiltServer | undefined
let dir: string
let base: string

interface SeedEntry {
  node: string
  url: string
  fingerprint: string
}

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's cloud-init package (.ci/run does)`)
  await requireLabSupport()
  dir = await mkdtemp(join(tmpdir(), 'mds-seed-e2e-'))
  // The node's namespace starts on n1's address: the requests of n0's seed URL come from another node.
  lab = await createNodeLab(SERVER_IP, N1_IP)
  await serve([])
  await admin('POST', '/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS)
  await admin('POST', '/groups', QUICKSTART_GROUP_COMPUTE)
  await admin('POST', '/groups', QUICKSTART_GROUP_GREEN)
  await pointN0Here()
}, 90_000)

afterAll(async () => {
  await server?.stop()
  await lab?.destroy()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** (Re)starts the built server in the server namespace on the same data directory, with `extra` flags. */
async function serve(extra: readonly string[]): Promise<void> {
  const restart = server !== undefined
  await server?.stop()
  server = await startBuiltServer(lab.command(lab.server, []), ['--mock-smd', '--host', '0.0.0.0', '--data-dir', join(dir, 'data'), ...extra])
  base = `http://${SERVER_IP}:${server.port}`
  if (restart) await pointN0Here()
}

/**
 * F-CD's base_url is the quick start's own server; n0 is sent to this one (NC-14 step 1), as in cloud-init.e2e. The
 * port changes with each start, so its InstanceInfo is written again.
 */
async function pointN0Here(): Promise<void> {
  for (const info of (await admin('GET', '/instanceinfos')) as Array<{ metadata: { uid: string } }>) {
    await admin('DELETE', `/instanceinfos/${info.metadata.uid}`)
  }
  await admin('POST', '/instanceinfos', { metadata: { name: N0 }, spec: { instance_id: N0, cloud_init_base_url: base } })
}

/** An admin request from the server's own namespace (loopback: SEC-6); throws unless 2xx. */
async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await curl(lab.server, `http://127.0.0.1:${server!.port}${path}`, { method, ...(body === undefined ? {} : { body }) })
  if (!(answer.status >= 200 && answer.status < 300)) throw new Error(`${method} ${path}: ${answer.status} ${answer.body}`)
  return JSON.parse(answer.body) as unknown
}

/** curl in namespace `ns`: status and body. */
async function curl(ns: string, url: string, options: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: string }> {
  const argv = ['curl', '-sS', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}', '-X', options.method ?? 'GET', '-H', 'Content-Type: application/json']
  if (options.body !== undefined) argv.push('--data-binary', '@-')
  const run = await lab.exec(ns, [...argv, url], { timeoutMs: 20_000, ...(options.body === undefined ? {} : { input: JSON.stringify(options.body) }) })
  if (run.code !== 0) throw new Error(`curl ${url}: exit ${run.code} ${run.stderr}`)
  const cut = run.stdout.lastIndexOf('\n')
  return { status: Number(run.stdout.slice(cut + 1)), body: run.stdout.slice(0, Math.max(cut, 0)) }
}

/** The node namespace's address becomes `address` (the veth keeps its name). */
async function moveNodeTo(address: string): Promise<void> {
  const links = await lab.exec(lab.node, ['ip', '-o', 'link', 'show'], { timeoutMs: 10_000 })
  const veth = /^\d+: ([^:@]+)/m.exec(links.stdout.split('\n').find((l) => !/: lo:/.test(l)) ?? '')?.[1]
  if (veth === undefined) throw new Error(`no veth in the node namespace: ${links.stdout}`)
  for (const argv of [['ip', 'address', 'flush', 'dev', veth], ['ip', 'address', 'add', `${address}/24`, 'dev', veth]]) {
    const run = await lab.exec(lab.node, argv, { timeoutMs: 10_000 })
    if (run.code !== 0) throw new Error(`${argv.join(' ')}: ${run.stderr}`)
  }
}

/** The node's seed URL as the admin API hands it out: under its NC-14 base, or under `base` (`?base=`). */
async function seedEntry(node: string, override?: string): Promise<SeedEntry> {
  const query = override === undefined ? '' : `&base=${encodeURIComponent(override)}`
  const [entry] = (await admin('GET', `/seed-tokens?node=${node}${query}`)) as SeedEntry[]
  return entry as SeedEntry
}

/** Runs cloud-init's NoCloud reader in the node namespace against `seed`. */
async function runCloudInit(seed: string, phase: string): Promise<DriverReport> {
  const work = join(dir, `cloud-init-${phase}`)
  await mkdir(work, { recursive: true })
  const run = await lab.exec(lab.node, [PYTHON, DRIVER, seed, work], { timeoutMs: 120_000 })
  const last = run.stdout.trim().split('\n').pop() ?? ''
  const report = (last.startsWith('{') ? JSON.parse(last) : { error: `no report; stderr: ${run.stderr}` }) as DriverReport
  if (run.code !== 0 || report.error !== undefined) throw new Error(`cloud-init driver failed (exit ${run.code}): ${report.error ?? ''}\n${run.stderr.slice(-4000)}`)
  return report
}

/** cloud-init found n0 through its seed URL: n0's identity and documents, the #include lines under the seed path. */
function expectN0ThroughSeed(report: DriverReport, entry: SeedEntry): void {
  expect(report.datasource).toMatchObject({ found: true, seed: `ds_config_seedfrom,${entry.url}`, instance_id: N0, hostname: 'tc1000' })
  expect(report.datasource.metadata.instance_data.v1.local_ipv4).toBe(N0_IP)
  const includes = [`${entry.url}compute.yaml`, `${entry.url}green.yaml`]
  expect(report.vendor_data.raw).toBe(`#include\n${includes.join('\n')}\n`)
  expect(report.vendor_data.include_urls).toEqual(includes)
  // The group documents rendered for n0 (its NID and its own IP), not for the namespace's address.
  expect(report.vendor_data.parts.map((part) => part.payload)).toEqual([GOLDEN_COMPUTE_YAML, GOLDEN_GREEN_YAML])
  expect(report.network_config.interfaces.map((i) => i.subnets[0]?.address)).toEqual([N0_IP, '10.100.0.26'])
  // Every fetch (the documents, the trailing-slash forms, both #include lines) answered 200 under the seed URL.
  expect(report.fetches.filter((f) => f.code !== 200 || !f.url.startsWith(entry.url))).toEqual([])
  expect(Object.values(report.status)).toEqual(Array(8).fill(200))
}

/**
 * The request lines of those fetches: each from `client`, each naming n0 and the token's fingerprint, none holding
 * the token.
 */
async function expectServerSawN0(from: number, report: DriverReport, client: string, entry: SeedEntry): Promise<void> {
  const token = entry.url.split('/n/')[1]!.slice(0, 32)
  const requests = () => server!.logs().slice(from).filter((line) => line.msg === 'request' && String(line.route).startsWith('/n/'))
  for (let i = 0; i < 100 && requests().length < report.fetches.length; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  const lines = requests()
  expect(lines).toHaveLength(report.fetches.length)
  expect(lines.filter((line) => line.client !== client || line.node !== N0 || line.status !== 200 || line.seed !== entry.fingerprint)).toEqual([])
  expect(new Set(lines.map((line) => line.route))).toEqual(
    new Set(['/n/:token/meta-data', '/n/:token/user-data', '/n/:token/vendor-data', '/n/:token/network-config', '/n/:token/:group.yaml']),
  )
  expect(JSON.stringify(server!.logs())).not.toContain(token)
}

/** BOOT: the boot record counts the seed URL's fetches for n0 (configured), none for the address they came from. */
async function expectBootStatusOfN0(): Promise<void> {
  const report = (await admin('GET', '/boot-status')) as {
    nodes: Array<{ xname: string; state: string; documents: Array<{ document: string }> }>
    unknownAddresses: { addresses: number }
  }
  expect(report.nodes.map((n) => [n.xname, n.state])).toEqual([
    [N0, 'configured'],
    [N1, 'idle'],
    ['x1000c0s1b0n0', 'idle'],
  ])
  expect(report.nodes[0]!.documents.map((d) => d.document).sort()).toEqual(['compute.yaml', 'green.yaml', 'meta-data', 'network-config', 'user-data', 'vendor-data'])
  expect(report.unknownAddresses.addresses).toBe(0)
}

describe('cloud-init reads n0 through its seed URL (SEED)', () => {
  it('from the address of another node (n1): every document of n0, #include lines under the seed path', async () => {
    const entry = await seedEntry(N0)
    expect(entry.url).toMatch(new RegExp(`^${base}/n/[A-Za-z0-9_-]{32}/$`))
    const logged = server!.logs().length
    const report = await runCloudInit(entry.url, 'from-n1')
    expectN0ThroughSeed(report, entry)
    await expectServerSawN0(logged, report, N1_IP, entry)
    await expectBootStatusOfN0()
  })

  it('from an address that is no node', async () => {
    await moveNodeTo(UNKNOWN_IP)
    const entry = await seedEntry(N0)
    const logged = server!.logs().length
    const report = await runCloudInit(entry.url, 'from-unknown')
    expectN0ThroughSeed(report, entry)
    await expectServerSawN0(logged, report, UNKNOWN_IP, entry)
    await expectBootStatusOfN0()
    // Without the token, that address is nobody.
    expect(await curl(lab.node, `${base}/meta-data`)).toEqual({ status: 404, body: 'node not found\n' })
  })

  it('refuses a rotated token, and serves the new one', async () => {
    const before = await seedEntry(N0)
    const [after] = (await admin('POST', '/seed-tokens/rotate', { node: N0 })) as SeedEntry[]
    expect(after!.url).not.toBe(before.url)
    expect(await curl(lab.node, `${before.url}meta-data`)).toEqual({ status: 404, body: 'unknown seed token\n' })
    expect((await curl(lab.node, `${after!.url}meta-data`)).status).toBe(200)
  })
})

describe('seed_tokens: required (SEED)', () => {
  it('refuses the address-only routes to a known node with 403 naming the setting; unknown addresses keep 404; the seed URL boots', async () => {
    await serve(['--seed-tokens', 'required'])
    await moveNodeTo(N1_IP)
    for (const path of ['/meta-data', '/user-data', '/vendor-data', '/network-config', '/compute.yaml']) {
      expect(await curl(lab.node, `${base}${path}`)).toEqual({
        status: 403,
        body: 'seed token required: this node is served only under its seed URL /n/<token>/ (seed_tokens: required)\n',
      })
    }
    // The server's log reaches this process through a pipe, a moment after the answers.
    const refused = () => server!.logs().filter((line) => line.msg === 'request' && line.status === 403)
    await expect.poll(() => refused().map((line) => line.node)).toEqual(Array(5).fill(N1))
    await moveNodeTo(UNKNOWN_IP)
    expect(await curl(lab.node, `${base}/meta-data`)).toEqual({ status: 404, body: 'node not found\n' })
    expect(await curl(lab.node, `${base}/user-data`)).toEqual({ status: 200, body: '#cloud-config\n' })

    // The same data directory: n0's seed URL is the one handed out before, and cloud-init boots from it.
    await moveNodeTo(N1_IP)
    const entry = await seedEntry(N0)
    const report = await runCloudInit(entry.url, 'required')
    expectN0ThroughSeed(report, entry)
  })
})

describe('seed_tokens_bind_address (SEED)', () => {
  it('refuses a token from another node’s address as unknown, and serves it from its own node', async () => {
    await serve(['--seed-tokens-bind-address'])
    await moveNodeTo(N1_IP)
    const n0 = await seedEntry(N0)
    // n1's NC-14 base is F-CD's (the quick start's server): its seed URL is asked for under this server.
    const n1 = await seedEntry(N1, base)
    expect(await curl(lab.node, `${n0.url}meta-data`)).toEqual({ status: 404, body: 'unknown seed token\n' })
    const own = await curl(lab.node, `${n1.url}meta-data`)
    expect(own.status).toBe(200)
    expect(own.body).toContain(`instance-id: ${N1}\n`)
    await expect.poll(() => server!.logs().filter((line) => line.msg === 'seed token used from an address of another node')).toEqual([
      expect.objectContaining({ node: N0, client: N1_IP, seed: n0.fingerprint }),
    ])
  })
})
