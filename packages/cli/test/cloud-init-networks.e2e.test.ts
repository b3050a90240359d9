import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFakeSmd, type FakeNode, type FakeSmd } from '@metadata-service/adapter-smd/testing'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, loggedLine, spawnServe, type SpawnedServe } from './spawned-serve.js'

// Issue 14's proof against a real client: the built server, syncing a fake SMD whose nodes have mixed networks
// (dual stack, IPv6-only management, two addresses on one NIC, a network without a definition), serves
// /network-config, and Debian's cloud-init (22.4) parses it (network_state, strict) and renders it with its
// netplan renderer and its sysconfig renderer (RHEL settings) into a temp target (cloud-init/network-render.py).
// The definitions are deploy/cluster-defaults-networks.json, written through the CLI like any resource.

const PYTHON = '/usr/bin/python3' // Debian's interpreter: cloud-init's modules live in its dist-packages
const RENDER = fileURLToPath(new URL('./cloud-init/network-render.py', import.meta.url))
const EXAMPLE = fileURLToPath(new URL('../../../deploy/cluster-defaults-networks.json', import.meta.url))

const DUAL = 'x3000c0s1b0n0'
const V6_ONLY = 'x3000c0s1b0n1'
const NODES: FakeNode[] = [
  {
    xname: DUAL,
    nid: 1,
    interfaces: [
      { mac: '02:00:00:00:01:01', ips: [{ ip: '10.252.1.10', network: 'HMN' }, { ip: 'fd00:0:0:252::10', network: 'HMN' }] },
      { mac: '02:00:00:00:01:02', ips: [{ ip: '10.100.1.10', network: 'HSN' }] },
    ],
  },
  {
    xname: V6_ONLY,
    nid: 2,
    interfaces: [
      { mac: '02:00:00:00:02:01', ips: [{ ip: 'fd00:0:0:252::11', network: 'hmn' }] },
      { mac: '02:00:00:00:02:02', ips: [{ ip: '10.100.1.11', network: 'HSN' }, { ip: '10.103.0.11', network: 'CAN' }] },
    ],
  },
]

interface RenderReport {
  readonly error?: string
  readonly content_type: string
  readonly raw: string
  readonly interfaces: { name: string; mac_address: string; mtu: number | null; subnets: Record<string, unknown>[] }[]
  readonly netplan: Record<string, string>
  readonly sysconfig: Record<string, string>
  readonly warnings: string[]
}

let dir: string
let smd: FakeSmd
let served: SpawnedServe
let server: string

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's cloud-init package (.ci/run does)`)
  dir = await mkdtemp(join(tmpdir(), 'mds-cloud-init-net-'))
  smd = await startFakeSmd({ nodes: NODES })
  served = spawnServe(['--host', '127.0.0.1', '--port', '0', '--data-dir', join(dir, 'data'), '--smd-sync-interval', '86400'], {
    HOME: dir,
    SMD_URL: smd.url,
  })
  server = `http://127.0.0.1:${(await loggedLine(served, 'listening')).port as number}`
  for (let i = 0; i < 400 && (await fetch(`${server}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
}, 60_000)

afterAll(async () => {
  served?.child.kill('SIGTERM')
  await served?.exited
  await smd?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** The built CLI against the server; `input` goes to stdin. */
function cli(args: readonly string[], input?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, '--server', server, ...args], { env: { PATH: process.env.PATH, HOME: dir } }, (err, out, errText) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, out, err: errText }),
    )
    child.stdin?.end(input ?? '')
  })
}

/** cloud-init fetches, parses and renders the node's /network-config (`client` is the node's address). */
async function render(client: string, phase: string): Promise<RenderReport> {
  const work = join(dir, phase)
  await mkdir(work, { recursive: true })
  const report = await new Promise<RenderReport>((resolve) => {
    execFile(PYTHON, [RENDER, `${server}/network-config`, client, work], { timeout: 60_000, env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } }, (err, out, errText) => {
      const last = out.trim().split('\n').pop() ?? ''
      resolve(last.startsWith('{') ? (JSON.parse(last) as RenderReport) : { error: `exit ${err?.code}: ${errText}` } as RenderReport)
    })
  })
  if (report.error !== undefined) throw new Error(`network-render.py failed: ${report.error}`)
  expect(report.content_type).toBe('text/cloud-config')
  expect(report.warnings).toEqual([])
  return report
}

const netplanOf = (report: RenderReport) =>
  (parseYaml(report.netplan['etc/netplan/50-cloud-init.yaml']!) as { network: { ethernets: Record<string, Record<string, unknown>> } }).network.ethernets

/** `KEY=value` lines of a sysconfig file (quotes removed). */
function ifcfg(report: RenderReport, file: string): Record<string, string> {
  const text = report.sysconfig[`etc/sysconfig/network-scripts/${file}`]
  if (text === undefined) throw new Error(`sysconfig wrote no ${file}: ${Object.keys(report.sysconfig).join(', ')}`)
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^"(.*)"$/, '$1')]),
  )
}

describe('cloud-init 22.4 (Debian) renders the network-config of nodes with mixed networks (issue 14)', { timeout: 120_000 }, () => {
  it('without definitions: NC-15 as before (first address per interface, /24), which cloud-init renders as such', async () => {
    const report = await render('10.252.1.10', 'none')
    expect(report.raw).toBe(
      'version: 1\nconfig:\n' +
        '  - type: physical\n    name: eth0\n    mac_address: "02:00:00:00:01:01"\n    description: Node Management Network\n' +
        '    subnets:\n      - type: static\n        address: 10.252.1.10/24\n' +
        '  - type: physical\n    name: eth1\n    mac_address: "02:00:00:00:01:02"\n    description: High Speed Network\n' +
        '    subnets:\n      - type: static\n        address: 10.100.1.10/24\n',
    )
    expect(netplanOf(report)).toEqual({
      eth0: { addresses: ['10.252.1.10/24'], match: { macaddress: '02:00:00:00:01:01' }, 'set-name': 'eth0' },
      eth1: { addresses: ['10.100.1.10/24'], match: { macaddress: '02:00:00:00:01:02' }, 'set-name': 'eth1' },
    })
  })

  it('refuses, through the CLI, definitions whose subnet leaves out addresses SMD lists (400 naming the field)', async () => {
    const example = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { spec: { networks: { HMN: { ipv4: { subnet: string } } } } }
    example.spec.networks.HMN.ipv4.subnet = '10.252.0.0/24'
    const refused = await cli(['clusterdefaults', 'create'], JSON.stringify(example))
    expect(refused.code).toBe(1)
    expect(refused.err).toContain(
      'validation failed: networks.HMN.ipv4.subnet (10.252.0.0/24) must contain the HMN addresses SMD lists: 10.252.1.10 of x3000c0s1b0n0 is outside',
    )
  })

  it('with deploy/cluster-defaults-networks.json: prefixes, gateways, DNS, routes and MTU as netplan and sysconfig files', async () => {
    const created = await cli(['clusterdefaults', 'create', '-o', 'json'], await readFile(EXAMPLE, 'utf8'))
    expect({ code: created.code, err: created.err }).toEqual({ code: 0, err: '' })

    // Dual stack on the management NIC, with the IPv4 and IPv6 gateway, DNS and the extra route; HSN with MTU 9000.
    const dual = await render('10.252.1.10', 'dual')
    expect(netplanOf(dual)).toEqual({
      eth0: {
        addresses: ['10.252.1.10/17', 'fd00:0:0:252::10/64'],
        gateway4: '10.252.0.1',
        gateway6: 'fd00:0:0:252::1',
        match: { macaddress: '02:00:00:00:01:01' },
        nameservers: { addresses: ['10.252.0.2', 'fd00:0:0:252::2'], search: ['hmn.cluster.example.org', 'cluster.example.org'] },
        routes: [{ to: '10.92.100.0/24', via: '10.252.0.4' }],
        'set-name': 'eth0',
      },
      eth1: { addresses: ['10.100.1.10/17'], match: { macaddress: '02:00:00:00:01:02' }, mtu: 9000, 'set-name': 'eth1' },
    })
    expect(ifcfg(dual, 'ifcfg-eth0')).toMatchObject({
      IPADDR: '10.252.1.10',
      NETMASK: '255.255.128.0',
      GATEWAY: '10.252.0.1',
      DEFROUTE: 'yes',
      IPV6ADDR: 'fd00:0:0:252::10/64',
      IPV6_DEFAULTGW: 'fd00:0:0:252::1',
      DNS1: '10.252.0.2',
      DNS2: 'fd00:0:0:252::2',
      DOMAIN: 'hmn.cluster.example.org cluster.example.org',
    })
    expect(ifcfg(dual, 'route-eth0')).toMatchObject({ ADDRESS0: '10.92.100.0', NETMASK0: '255.255.255.0', GATEWAY0: '10.252.0.4' })
    expect(ifcfg(dual, 'ifcfg-eth1')).toMatchObject({ IPADDR: '10.100.1.10', NETMASK: '255.255.128.0', MTU: '9000' })
    expect(ifcfg(dual, 'ifcfg-eth1')).not.toHaveProperty('GATEWAY')
    expect(dual.interfaces.map((i) => [i.name, i.mtu])).toEqual([
      ['eth0', null],
      ['eth1', 9000],
    ])

    // IPv6-only management (SMD's network name in lower case), and HSN plus a network without a definition.
    const v6 = await render('fd00:0:0:252::11', 'v6-only')
    expect(netplanOf(v6)).toEqual({
      eth0: {
        addresses: ['fd00:0:0:252::11/64'],
        gateway6: 'fd00:0:0:252::1',
        match: { macaddress: '02:00:00:00:02:01' },
        nameservers: { addresses: ['10.252.0.2', 'fd00:0:0:252::2'], search: ['hmn.cluster.example.org', 'cluster.example.org'] },
        'set-name': 'eth0',
      },
      eth1: { addresses: ['10.100.1.11/17', '10.103.0.11/24'], match: { macaddress: '02:00:00:00:02:02' }, mtu: 9000, 'set-name': 'eth1' },
    })
    expect(ifcfg(v6, 'ifcfg-eth0')).toMatchObject({ IPV6ADDR: 'fd00:0:0:252::11/64', IPV6_DEFAULTGW: 'fd00:0:0:252::1' })
    expect(ifcfg(v6, 'ifcfg-eth0')).not.toHaveProperty('IPADDR')
    expect(ifcfg(v6, 'ifcfg-eth1')).toMatchObject({ IPADDR: '10.100.1.11', NETMASK: '255.255.128.0', IPADDR1: '10.103.0.11', NETMASK1: '255.255.255.0', MTU: '9000' })

    // The guess is flagged by the preview, and counted.
    const preview = await cli(['render', '--node', V6_ONLY, '-o', 'table'])
    expect(preview.out).toContain('# eth1 10.103.0.11 (CAN): prefix /24 guessed: no definition for network CAN\n')
    expect(preview.out).toContain('# route to 10.92.100.0/24 via 10.252.0.4 not written: no ipv4 address on HMN\n')
    const metrics = await (await fetch(`${server}/metrics`)).text()
    expect(metrics).toMatch(/^metadata_service_network_config_addresses_total\{outcome="guessed"\} [1-9]/m)
  })

  it('a definition change re-renders: the HSN MTU patched through the CLI reaches cloud-init', async () => {
    const [cluster] = JSON.parse((await cli(['clusterdefaults', 'list', '-o', 'json'])).out) as { metadata: { uid: string } }[]
    const patched = await cli(['clusterdefaults', 'patch', cluster!.metadata.uid, '--set', 'networks.HSN.mtu=4000', '-o', 'json'])
    expect({ code: patched.code, err: patched.err }).toEqual({ code: 0, err: '' })
    const report = await render('10.252.1.10', 'patched')
    expect(netplanOf(report).eth1).toMatchObject({ mtu: 4000 })
    expect(ifcfg(report, 'ifcfg-eth1')).toMatchObject({ MTU: '4000' })
  })
})
