import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  GOLDEN_COMPUTE_YAML,
  GOLDEN_GREEN_YAML,
  GOLDEN_META_DATA,
  K1,
  K2,
  QUICKSTART_CLUSTER_DEFAULTS,
  QUICKSTART_GROUP_COMPUTE,
  QUICKSTART_GROUP_GREEN,
} from '@metadata-service/core/testing'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBuiltServer, type BuiltServer } from './cloud-init/built-server.js'
import { createNodeLab, requireLabSupport, type NodeLab } from './cloud-init/node-namespace.js'
import { COMPUTE_RICH, GREEN_RICH, type DriverReport } from './cloud-init/report.js'

// The proof against a real client: Debian's cloud-init (22.4) reads the built server as the mock node n0
// would at boot, from n0's own address (10.252.0.26) in its own network namespace, the server in another one, with
// no forwarding headers. The Python
// driver (cloud-init/nocloud-driver.py) runs cloud-init's own NoCloud seed reader, #include processing, part
// merging, network-config parser and strict schema validators, and reports what they produced.

const PYTHON = '/usr/bin/python3' // Debian's interpreter: cloud-init's modules live in its dist-packages
const DRIVER = fileURLToPath(new URL('./cloud-init/nocloud-driver.py', import.meta.url))
const SERVER_IP = '10.252.0.1'
const N0_IP = '10.252.0.26'
const N0 = 'x1000c0s0b0n0'
/** cloud-init 22.4 warns once about NC-2's bare `#cloud-config\n` user-data; nothing else may warn (see report). */
const EMPTY_USER_DATA_WARNING = 'cloudinit.handlers.cloud_config: Failed at merging in cloud config part from part-001: empty cloud config'

let lab: NodeLab | undefined
let server: BuiltServer | undefined
let dir: string
let seed: string

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's cloud-init package (.ci/run does)`)
  await requireLabSupport()
  dir = await mkdtemp(join(tmpdir(), 'mds-cloud-init-'))
  lab = await createNodeLab(SERVER_IP, N0_IP)
  // Listening on every address of its namespace: the node reaches it on the veth pair, the test writes resources
  // over the namespace's loopback (SEC-6 admin_cidrs default).
  server = await startBuiltServer(lab.command(lab.server, []), ['--mock-smd', '--host', '0.0.0.0', '--data-dir', join(dir, 'data')])
  seed = `http://${SERVER_IP}:${server.port}/`
  const probe = await lab.exec(lab.node, [PYTHON, '-c', 'import cloudinit.version as v; print(v.version_string())'], { timeoutMs: 30_000 })
  if (probe.code !== 0) throw new Error(`Debian's cloud-init is not importable by ${PYTHON} (.ci/run installs it): ${probe.stderr}`)
}, 60_000)

afterAll(async () => {
  await server?.stop()
  await lab?.destroy()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** Runs the driver inside the namespace, as n0, against the seed URL. */
async function runCloudInit(phase: string): Promise<DriverReport> {
  const work = join(dir, `cloud-init-${phase}`)
  await mkdir(work, { recursive: true })
  const run = await lab!.exec(lab!.node, [PYTHON, DRIVER, seed, work], { timeoutMs: 120_000 })
  const last = run.stdout.trim().split('\n').pop() ?? ''
  const report = (last.startsWith('{') ? JSON.parse(last) : { error: `no report; stderr: ${run.stderr}` }) as DriverReport
  if (run.code !== 0 || report.error !== undefined) {
    throw new Error(`cloud-init driver failed (exit ${run.code}): ${report.error ?? ''}\n${run.stderr.slice(-4000)}`)
  }
  return report
}

/** An admin request from the server's own namespace (loopback: SEC-6 admin_cidrs); throws unless 2xx. */
async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  const argv = ['curl', '-sS', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}', '-X', method, '-H', 'Content-Type: application/json']
  if (body !== undefined) argv.push('--data-binary', '@-')
  const run = await lab!.exec(lab!.server, [...argv, `http://127.0.0.1:${server!.port}${path}`], {
    timeoutMs: 20_000,
    ...(body === undefined ? {} : { input: JSON.stringify(body) }),
  })
  const cut = run.stdout.lastIndexOf('\n')
  const answer = { status: Number(run.stdout.slice(cut + 1)), body: run.stdout.slice(0, Math.max(cut, 0)) }
  if (run.code !== 0 || !(answer.status >= 200 && answer.status < 300)) {
    throw new Error(`${method} ${path}: curl exit ${run.code}, ${answer.status} ${answer.body} ${run.stderr}`)
  }
  return answer
}

async function send(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return JSON.parse((await admin(method, path, body)).body) as Record<string, unknown>
}

/** What every run must show: found, all fetched with 200 from the seed host only, the node's own identity. */
function expectHealthyRun(report: DriverReport, hostname: string): void {
  expect(report.cloudinit_version).toMatch(/^22\.4\./)
  expect(report.jsonschema).toBe(true)
  expect(report.datasource).toMatchObject({ found: true, dsmode: 'net', seed: `ds_config_seedfrom,${seed}` })
  expect(report.datasource.instance_id).toBe(N0)
  expect(report.datasource.hostname).toBe(hostname)
  expect(report.datasource.metadata['instance-id']).toBe(N0)
  expect(report.datasource.metadata.instance_data.v1.local_ipv4).toBe(N0_IP)
  // Every URL cloud-init fetched answered 200 (an error would have raised), all from this server.
  expect(report.fetches.filter((f) => f.code !== 200 || !f.url.startsWith(seed))).toEqual([])
  // NC-4b, NC-17: every document, with and without a trailing slash, answers 200 to a known node.
  expect(report.status).toEqual({
    'meta-data': 200,
    'meta-data/': 200,
    'user-data': 200,
    'user-data/': 200,
    'vendor-data': 200,
    'vendor-data/': 200,
    'network-config': 200,
    'network-config/': 200,
  })
  // NC-2 user-data is the empty cloud-config; cloud-init merges it to {} and validates it.
  expect(report.user_data.raw).toBe('#cloud-config\n')
  expect(report.user_data.parts).toEqual([
    { type: 'text/cloud-config', filename: 'part-001', payload: '#cloud-config\n', config: {}, empty: true, schema_errors: [] },
  ])
  expect(report.user_data.merged_schema_errors).toEqual([])
  // NC-15 through cloud-init's network_state and its ENI renderer: eth0/eth1 with the node's addresses.
  expect(report.network_config.interfaces).toEqual([
    { name: 'eth0', mac_address: 'b4:2e:99:be:1a:6d', subnets: [{ type: 'static', address: '10.252.0.26', prefix: 24 }] },
    { name: 'eth1', mac_address: 'b4:2e:99:be:1a:6e', subnets: [{ type: 'static', address: '10.100.0.26', prefix: 24 }] },
  ])
  expect(report.network_config.eni).toContain('iface eth0 inet static\n    address 10.252.0.26/24\n')
  expect(report.network_config.eni).toContain('iface eth1 inet static\n    address 10.100.0.26/24\n')
  expect(report.warnings).toEqual([EMPTY_USER_DATA_WARNING])
  // Every cloud-config cloud-init assembled passes its strict schema validation.
  for (const part of report.vendor_data.parts) expect({ file: part.filename, errors: part.schema_errors }).toEqual({ file: part.filename, errors: [] })
  expect(report.vendor_data.merged_schema_errors).toEqual([])
}

/**
 * The server saw the node itself: one request line per URL cloud-init fetched, each from n0's own address, each
 * resolved to n0 (OPS-5 fields) except `/user-data`, which needs no node (NC-2).
 */
async function expectServerSawNode(from: number, report: DriverReport): Promise<void> {
  // Only NoCloud routes: the log line of a setup request is written after its answer (and lines are batched per
  // event-loop turn), so it may land after `from` was taken.
  const nocloud = new Set(['/meta-data', '/user-data', '/vendor-data', '/network-config', '/:group.yaml'])
  const requests = () => server!.logs().slice(from).filter((line) => line.msg === 'request' && nocloud.has(String(line.route)))
  // The log line is written after the answer; give the last one a moment to reach the pipe.
  for (let i = 0; i < 100 && requests().length < report.fetches.length; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  const lines = requests()
  // Routes are logged as patterns: `/meta-data/` as `/meta-data`, `/compute.yaml` as `/:group.yaml`.
  const pattern = (url: string) => new URL(url).pathname.replace(/\/$/, '').replace(/^\/[^/]+\.yaml$/, '/:group.yaml')
  expect(lines.map((line) => `${line.method} ${line.route}`)).toEqual(report.fetches.map((f) => `GET ${pattern(f.url)}`))
  const wrong = lines.filter((line) => line.client !== N0_IP || line.status !== 200 || line.node !== (line.route === '/user-data' ? undefined : N0))
  expect(wrong).toEqual([])
}

describe('cloud-init 22.4 (Debian) reads the built server as node n0, from n0 own address', () => {
  it('with no resources: AT-2 meta-data, the bare #include vendor-data, NC-15 network-config', async () => {
    const logged = server!.logs().length
    const report = await runCloudInit('empty')
    expectHealthyRun(report, '1000')
    expect(report.datasource.metadata).toMatchObject({ hostname: '1000', 'local-hostname': '1000', 'cluster-name': '' })
    expect(report.datasource.metadata.instance_data.v1.vendor_data.groups).toEqual({ compute: {}, green: {} })
    expect(report.vendor_data).toMatchObject({ raw: '#include\n', include_urls: [], parts: [], merged: {} })
    await expectServerSawNode(logged, report)
  })

  it('after the quick start: NC-12 values, every #include followed, AT-11 documents, cloud-init merge semantics', async () => {
    await send('POST', '/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS)
    await send('POST', '/groups', QUICKSTART_GROUP_COMPUTE)
    await send('POST', '/groups', QUICKSTART_GROUP_GREEN)
    // F-CD's base_url (http://localhost:8888) is the quick start's own server; a node must be sent to this one.
    // The per-node InstanceInfo override (NC-14 step 1) does that and leaves F-CD as the SPEC writes it.
    await send('POST', '/instanceinfos', { metadata: { name: N0 }, spec: { instance_id: N0, cloud_init_base_url: seed.slice(0, -1) } })
    const logged = server!.logs().length
    const report = await runCloudInit('quickstart')
    expectHealthyRun(report, 'tc1000')

    const golden = parseYaml(GOLDEN_META_DATA) as DriverReport['datasource']['metadata']
    golden.instance_data.v1.vendor_data.cloud_init_base_url = seed.slice(0, -1)
    // cloud-init adds its own seedfrom and dsmode keys to what it read.
    expect(report.datasource.metadata).toEqual({ seedfrom: seed, ...golden, dsmode: 'net' })

    const urls = [`${seed}compute.yaml`, `${seed}green.yaml`]
    expect(report.vendor_data.raw).toBe(`#include\n${urls.join('\n')}\n`)
    expect(report.vendor_data.include_urls).toEqual(urls)
    expect(report.fetches.map((f) => f.url)).toEqual(expect.arrayContaining(urls))
    expect(report.vendor_data.parts.map((part) => part.payload)).toEqual([GOLDEN_COMPUTE_YAML, GOLDEN_GREEN_YAML])
    expect(report.vendor_data.parts.map((part) => part.config)).toEqual([
      { hostname: 'tc1000', write_files: [{ path: '/etc/node-role', content: 'ROLE=compute\nNID=1000\nIP=10.252.0.26\n' }] },
      { write_files: [{ path: '/etc/node-color', content: 'COLOR=green\n' }] },
    ])
    // cloud-init's default merge of vendor-data parts is dict(replace)+list(): green's write_files replaces
    // compute's, so a node would get /etc/node-color only. Templates that add to the same list need merge_how
    // (next case; README "Group templates").
    expect(report.vendor_data.merged).toEqual({ hostname: 'tc1000', write_files: [{ path: '/etc/node-color', content: 'COLOR=green\n' }] })
    await expectServerSawNode(logged, report)
  })

  it('templates with lists, interfaces, public keys and dotted names render to valid cloud-config that merges with merge_how', async () => {
    const groups = (await send('GET', '/groups')) as unknown as Array<{ metadata: { uid: string; name: string }; spec: Record<string, unknown> }>
    for (const group of groups) {
      const template = group.metadata.name === 'compute' ? COMPUTE_RICH : GREEN_RICH
      await send('PUT', `/groups/${group.metadata.uid}`, { metadata: { name: group.metadata.name }, spec: { ...group.spec, template } })
    }
    const [info] = (await send('GET', '/instanceinfos')) as unknown as Array<{ metadata: { uid: string }; spec: Record<string, unknown> }>
    await send('PUT', `/instanceinfos/${info!.metadata.uid}`, { metadata: { name: N0 }, spec: { ...info!.spec, public_keys: [K2] } })
    const logged = server!.logs().length
    const report = await runCloudInit('rich')
    expectHealthyRun(report, 'tc1000')
    expect(report.datasource.metadata.instance_data.v1.public_keys).toEqual([K1, K2])
    expect(report.vendor_data.parts).toHaveLength(2)

    // cloud-init consumed merge_how: each group's lists were appended, nothing replaced.
    expect(report.vendor_data.merged).toEqual({
      hostname: 'tc1000',
      fqdn: 'tc1000.testcluster.local',
      ssh_authorized_keys: [K1, K2],
      write_files: [
        { path: '/etc/node-role', content: 'ROLE=compute\nNID=1000\nIP=10.252.0.26\nSCHEDULER=slurm\nINSTANCE=x1000c0s0b0n0\n' },
        { path: '/etc/mds/interfaces/eth0', permissions: '0644', content: 'MAC=b4:2e:99:be:1a:6d\nIP=10.252.0.26\nNETWORK=HMN\n' },
        { path: '/etc/mds/interfaces/eth1', permissions: '0644', content: 'MAC=b4:2e:99:be:1a:6e\nIP=10.100.0.26\nNETWORK=HSN\n' },
        { path: '/etc/node-color', content: 'COLOR=green\nSCHEDULER=slurm\n' },
      ],
      runcmd: [
        ['sh', '-c', 'echo tc1000 > /run/mds-hostname'],
        ['logger', 'green node tc1000 of testcluster'],
      ],
    })
    await expectServerSawNode(logged, report)
  })

  it('the built executable serves /docs assets and /openapi.json (swagger-ui-dist resolved from the bundle)', async () => {
    expect((await admin('GET', '/docs/assets/swagger-ui-bundle.js')).body.length).toBeGreaterThan(100_000)
    expect((JSON.parse((await admin('GET', '/openapi.json')).body) as { openapi: string }).openapi).toBe('3.0.3')
  })
})
