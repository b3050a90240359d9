import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GOLDEN_COMPUTE_YAML, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'
import { listening, startServe, type Running } from './serve-helpers.js'

// Operating the service (SVC-4, STO-4, SEC-6 render preview) through the real `serve` and client commands.

let dir: string
let running: Running | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-operate-'))
})
afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await rm(dir, { recursive: true, force: true })
})

async function serve(argv: string[]): Promise<string> {
  running = startServe(dir, ['--mock-smd', ...argv])
  return `http://127.0.0.1:${await listening(running)}`
}

/** Runs a client command against `server` on a terminal; `files` are what `--template-file` may read. */
async function cli(server: string, argv: string[], files: Record<string, string> = {}) {
  const io = fakeIo({ files, tty: true })
  const code = await runCli(['--server', server, ...argv], io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('/metrics from serve (SVC-4)', () => {
  it('is on by default: request counts, the mock snapshot and a corrupt groups file (STO-4, AT-48)', async () => {
    await mkdir(join(dir, 'data', 'groups'), { recursive: true })
    await writeFile(join(dir, 'data', 'groups', 'group-0badf11e.json'), '{ not json')
    const server = await serve([])
    const asN0 = { headers: { 'X-Forwarded-For': '10.252.0.26' } }
    // OPS-7: the documents are rendered ahead of the first request once the service is up.
    let passes = 0
    for (let i = 0; i < 200 && passes === 0; i++) {
      passes = sample(await (await fetch(`${server}/metrics`)).text(), 'metadata_service_prerender_passes_total') ?? 0
      if (passes === 0) await new Promise((r) => setTimeout(r, 25))
    }
    expect(passes).toBe(1)
    for (let i = 0; i < 3; i++) expect((await fetch(`${server}/meta-data`, asN0)).status).toBe(200)
    expect((await fetch(`${server}/groups/group-deadbeef`)).status).toBe(404)
    const text = await (await fetch(`${server}/metrics`)).text()
    expect(sample(text, 'metadata_service_http_requests_total{method="GET",route="/meta-data",status="200"}')).toBe(3)
    expect(sample(text, 'metadata_service_http_requests_total{method="GET",route="/groups/:uid",status="404"}')).toBe(1)
    expect(sample(text, 'metadata_service_storage_corrupt_files{kind="Group"}')).toBe(1)
    expect(sample(text, 'metadata_service_smd_snapshot_nodes')).toBe(3)
    expect(sample(text, 'metadata_service_smd_snapshot_stale')).toBe(0)
    expect(sample(text, 'metadata_service_tokensmith_healthy{mode="static"}')).toBe(1)
    expect(sample(text, 'metadata_service_wireguard_enabled')).toBe(0)
    expect(sample(text, 'metadata_service_render_cache_misses_total{document="meta-data"}')).toBe(0)
    expect(sample(text, 'metadata_service_render_cache_hits_total{document="meta-data"}')).toBe(3)
    // Three nodes: meta-data and network-config each; vendor-data's base comes from the request here (NC-14).
    expect(sample(text, 'metadata_service_prerender_last_pass_documents')).toBe(6)
  })

  it('has the process and Node.js runtime families and build_info (issue 17)', async () => {
    const server = await serve([])
    const text = await (await fetch(`${server}/metrics`)).text()
    const families = new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]))
    for (const family of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'process_open_fds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
      'nodejs_active_handles_total',
      'nodejs_version_info',
    ]) {
      expect(families.has(family), family).toBe(true)
    }
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(1_000_000)
    const version = (JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
    // Running from source: the commit is only known to a build (tsup `define`).
    expect(sample(text, `metadata_service_build_info{version="${version}",commit="unknown",node="${process.version}"}`)).toBe(1)
  })

  it('--metrics=false removes the route', async () => {
    const server = await serve(['--metrics=false'])
    expect((await fetch(`${server}/metrics`)).status).toBe(404)
    expect((await fetch(`${server}/health`)).status).toBe(200)
  })
})

describe('render (admin preview over POST /render)', () => {
  async function quickstart(): Promise<string> {
    const server = await serve([])
    for (const [command, body] of [
      ['clusterdefaults', QUICKSTART_CLUSTER_DEFAULTS],
      ['group', QUICKSTART_GROUP_COMPUTE],
      ['group', QUICKSTART_GROUP_GREEN],
    ] as const) {
      expect((await cli(server, [command, 'create', '--spec', JSON.stringify(body)])).code).toBe(0)
    }
    return server
  }

  it('shows the group document n0 gets: exactly AT-11', async () => {
    const server = await quickstart()
    expect(await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'compute'])).toEqual({
      code: 0,
      out: `==> /compute.yaml (200 text/cloud-config) <==\n${GOLDEN_COMPUTE_YAML}`,
      err: '',
    })
    const all = await cli(server, ['render', '--node', 'x1000c0s0b0n0'])
    expect(all.out.match(/^==> \S+/gm)).toEqual([
      '==> /meta-data',
      '==> /user-data',
      '==> /vendor-data',
      '==> /network-config',
      '==> /compute.yaml',
      '==> /green.yaml',
    ])
    const json = JSON.parse((await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'compute', '-o', 'json'])).out)
    expect(json.documents[0].body).toBe(GOLDEN_COMPUTE_YAML)
  })

  it('with --template-file prints the unified diff of the change; an unchanged template says so', async () => {
    const server = await quickstart()
    const changed = QUICKSTART_GROUP_COMPUTE.spec.template.replace('NID={{ nid }}', 'NID={{ nid }}\n      SCHED={{ scheduler }}')
    const files = { 'compute.tmpl': changed, 'same.tmpl': QUICKSTART_GROUP_COMPUTE.spec.template }
    expect(await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'compute', '--template-file', 'compute.tmpl'], files)).toEqual({
      code: 0,
      out:
        '--- compute.yaml (stored template)\n+++ compute.yaml (proposed template)\n@@ -5,4 +5,5 @@\n' +
        '     content: |\n       ROLE=compute\n       NID=1000\n+      SCHED=slurm\n       IP=10.252.0.26\n',
      err: '',
    })
    expect((await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'compute', '--template-file', 'same.tmpl'], files)).out).toBe(
      '/compute.yaml: the proposed template gives x1000c0s0b0n0 the same document\n',
    )
  })

  it('exits 1 when a document is not 200, naming it on stderr, in every output format (issue 17)', async () => {
    const server = await quickstart()
    const table = await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'storage'])
    expect(table).toEqual({
      code: 1,
      out: '==> /storage.yaml (404 text/plain; charset=utf-8) <==\nnode x1000c0s0b0n0 is not a member of group storage\n',
      err: 'Error: /storage.yaml answered 404: node x1000c0s0b0n0 is not a member of group storage\n',
    })
    const json = await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'storage', '-o', 'json'])
    expect([json.code, JSON.parse(json.out).documents[0].status, json.err]).toEqual([1, 404, table.err])
    expect((await cli(server, ['render', '--node', 'x1000c0s0b0n0', '-o', 'yaml'])).code).toBe(0)
  })

  it('says what went wrong: unknown node, invalid template (TPL-4), missing flags or file', async () => {
    const server = await quickstart()
    expect(await cli(server, ['render', '--node', 'x9999c0s0b0n0'])).toEqual({
      code: 1,
      out: '',
      err: 'Error: API error (404): node x9999c0s0b0n0 not found\n',
    })
    const bad = { 'bad.tmpl': '#cloud-config\nx: {{ missing_value }}\n' }
    expect(await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'compute', '--template-file', 'bad.tmpl'], bad)).toEqual({
      code: 1,
      out: '',
      err: 'Error: API error (400): validation failed: missing required variables: [missing_value]\n',
    })
    const noNode = await cli(server, ['render'])
    expect([noNode.code, noNode.err.split('\n')[0]]).toEqual([2, 'Error: render needs --node <xname>, e.g. --node x1000c0s0b0n0 (or --seed <seed URL>)'])
    const noGroup = await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--template-file', 'bad.tmpl'], bad)
    expect([noGroup.code, noGroup.err.split('\n')[0]]).toEqual([2, 'Error: --template-file needs --group <name>: the group whose template it replaces'])
    expect(await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'compute', '--template-file', 'nope.tmpl'])).toEqual({
      code: 1,
      out: '',
      err: 'Error: cannot read --template-file nope.tmpl: no such file\n',
    })
  })

  it('flags guessed prefixes, and with --networks-file prints the network-config diff (issue 14)', async () => {
    const server = await quickstart()
    const all = await cli(server, ['render', '--node', 'x1000c0s0b0n0'])
    expect(all.out).toContain(
      '==> /network-config (200 text/cloud-config) <==\n' +
        '# eth0 10.252.0.26 (HMN): prefix /24 guessed: no network definitions\n' +
        '# eth1 10.100.0.26 (HSN): prefix /24 guessed: no network definitions\nversion: 1\n',
    )
    const networks = 'HMN:\n  ipv4: {subnet: 10.252.0.0/17, gateway: 10.252.0.1}\n  default_route: true\nHSN:\n  mtu: 9000\n'
    const request = JSON.stringify({ metadata: { name: 'c' }, spec: { networks: { HSN: { ipv4: { subnet: '10.100.0.0/16' } } } } })
    const files = { 'networks.yaml': networks, 'cluster.json': request, 'bad.yaml': 'HMN: {mtu: 9}\n' }
    expect(await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--networks-file', 'networks.yaml'], files)).toEqual({
      code: 0,
      out:
        '--- network-config (stored networks)\n+++ network-config (proposed networks)\n@@ -6,11 +6,13 @@\n' +
        '     description: Node Management Network\n     subnets:\n       - type: static\n' +
        '-        address: 10.252.0.26/24\n+        address: 10.252.0.26/17\n+        gateway: 10.252.0.1\n' +
        '   - type: physical\n     name: eth1\n     mac_address: b4:2e:99:be:1a:6e\n     description: High Speed Network\n' +
        '+    mtu: 9000\n     subnets:\n       - type: static\n         address: 10.100.0.26/24\n' +
        '# eth1 10.100.0.26 (HSN): prefix /24 guessed: no ipv4.subnet is defined for network HSN\n',
      err: '',
    })
    // A ClusterDefaults request file works as it is, for the networks in its spec.
    expect((await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--networks-file', 'cluster.json'], files)).out).toContain(
      '-        address: 10.100.0.26/24\n+        address: 10.100.0.26/16\n',
    )
    expect(await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--networks-file', 'bad.yaml'], files)).toEqual({
      code: 1,
      out: '',
      err: 'Error: API error (400): validation failed: networks.HMN.mtu must be between 68 and 65535\n',
    })
    const both = await cli(server, ['render', '--node', 'x1000c0s0b0n0', '--group', 'compute', '--networks-file', 'bad.yaml'], files)
    expect([both.code, both.err.split('\n')[0]]).toEqual([2, 'Error: --networks-file cannot be combined with --group or --template-file'])
  })
})
