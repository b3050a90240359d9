import { execFile, execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateWireGuardKeyPair, wireGuardPeerUid } from '@metadata-service/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLab, NODE_IP, requireLabTools, SERVER_LINK_IP, sh, waitFor, type Lab } from './_wireguard-lab.js'
import { checksums, COMPUTE_VERSIONS, UIDS, writeGoDataDir } from './migration/go-data-dir.js'

// Issue 13, "Must show": an existing OpenCHAMI deployment switched over. A data dir laid out as the Go service
// writes it (three versions of Group compute, its WireGuard state file) is first checked with `migrate --check`
// (nothing changes), then served by `metadata-server` (the built bundle) started with the Go service's unit command
// line, against a fake SMD; the node's existing tunnel (keys from the state file, no new /wg-init) still works;
// `metadata-client` reads everything back as an upstream script would (`… | jq`); every NoCloud document is
// compared. The server runs in a network namespace of its own, with the fake SMD beside it.

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const CLI_DIR = join(REPO, 'packages/cli')
const N0 = 'x1000c0s0b0n0'
const TUNNEL_SERVER = '100.97.0.1'
const NODE_TUNNEL_IP = '100.97.0.2'
const SMD_JWT = 'smd-static-jwt'
const serverKeys = generateWireGuardKeyPair()
const nodeKeys = generateWireGuardKeyPair()

let lab: Lab | undefined
let dir = ''
let dataDir = ''
let binDir = ''
let serverOut: () => string = () => ''
const ns = () => lab as Lab

/** The fake SMD, started inside the server's namespace from the built testing entry; resolves with its URL. */
async function startSmdInServerNamespace(): Promise<string> {
  const script = [
    "import { startFakeSmd } from '@metadata-service/adapter-smd/testing'",
    'const smd = await startFakeSmd({ nodes: JSON.parse(process.env.NODES), tokens: [process.env.TOKEN] })',
    "process.stdout.write(smd.url + '\\n')",
  ].join('\n')
  const nodes = [
    { xname: N0, nid: 1000, groups: ['compute', 'green'], interfaces: [{ mac: 'b4:2e:99:be:1a:6d', ips: [{ ip: NODE_IP, network: 'HMN' }] }] },
  ]
  const child = ns().spawnIn(ns().srv, process.execPath, ['--input-type=module', '-e', script], {
    cwd: CLI_DIR,
    env: { PATH: process.env.PATH, NODES: JSON.stringify(nodes), TOKEN: SMD_JWT },
  })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`the fake SMD exited: ${out}`)
    return out.includes('\n')
  }, 'the fake SMD')
  return out.trim()
}

/** A shell script in the server's namespace with `metadata-client` (and node, jq) on the PATH, as an operator's. */
function operatorShell(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: `${binDir}:${dirname(process.execPath)}:${process.env.PATH}`, HOME: dir, LANG: 'C.UTF-8' }
    const args = ['netns', 'exec', ns().srv, 'bash', '--norc', '--noprofile', '-c', `set -euo pipefail\n${script}`]
    execFile('ip', args, { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    )
  })
}

/** A NoCloud document as the node fetches it (from its boot address, or through its tunnel). */
async function documentOf(path: string, via: 'boot' | 'tunnel'): Promise<string> {
  const host = via === 'boot' ? SERVER_LINK_IP : TUNNEL_SERVER
  const res = await ns().curl(ns().node, `http://${host}:8080${path}`)
  expect({ path, via, status: res.status }).toEqual({ path, via, status: 200 })
  return res.body
}

beforeAll(async () => {
  await requireLabTools()
  await sh('jq', '--version').catch((err: Error) => {
    throw new Error(`jq is required by the migration test (CI installs it): ${err.message}`)
  })
  if (!existsSync(join(CLI_DIR, 'dist/index.js'))) {
    execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: REPO, stdio: 'ignore' })
  }
  dir = await mkdtemp(join(tmpdir(), 'mds-migrate-e2e-'))
  dataDir = join(dir, 'data')
  binDir = join(dir, 'bin')
  await mkdir(binDir)
  // The Go service's executable names, as a package would install them.
  for (const name of ['metadata-service', 'metadata-server', 'metadata-client']) await symlink(join(CLI_DIR, 'bin', `${name}.js`), join(binDir, name))
  // The Go client's own config file, as an operator's home holds it (a client without a server says so on stderr).
  await writeFile(join(dir, '.metadata_service-cli.yaml'), 'server: http://localhost:8080\n')
  await writeGoDataDir(dataDir, `http://${SERVER_LINK_IP}:8080`, {
    serverPrivateKey: serverKeys.privateKey,
    serverPublicKey: serverKeys.publicKey,
    nodePublicKey: nodeKeys.publicKey,
    nodeTunnelIp: NODE_TUNNEL_IP,
    nodeBootIp: NODE_IP,
  })
  lab = await createLab()
}, 240_000)

afterAll(async () => {
  await lab?.destroy()
  if (dir !== '') await rm(dir, { recursive: true, force: true })
}, 60_000)

describe('migrating a Go service deployment (issue 13)', () => {
  it('migrate --check reads the data dir, reports what will load, and changes nothing', async () => {
    const before = await checksums(dir)
    const { code, stdout, stderr } = await operatorShell(`metadata-service migrate --check ${dataDir}; echo "exit $?"`)
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const [v1, v2, v3] = COMPUTE_VERSIONS
    expect(stdout).toBe(
      [
        `data directory ${dataDir} (read only: nothing is changed)`,
        '',
        'ClusterDefaults: 1 will load',
        `  ${UIDS.clusterDefaults}  demo-cluster  served`,
        '',
        'Group: 4 will load, 2 superseded',
        `  ${v1.uid}  compute  superseded by ${v3.uid}  template: mustache, valid`,
        `  ${UIDS.green}  green  served  template: mustache, valid`,
        `  ${v2.uid}  compute  superseded by ${v3.uid}  template: mustache, valid`,
        `  ${v3.uid}  compute  served  template: pongo2, valid`,
        '',
        'InstanceInfo: 1 will load',
        `  ${UIDS.instanceInfo}  x1000c0s0b0n0  served`,
        '',
        'WireGuardPeer: 0 will load',
        '',
        `WireGuard state file ${dataDir}/wireguard/state.yaml: its server key and 1 peer are imported on the first start with --wireguard-server`,
        '',
        'result: everything will load',
        'exit 0',
        '',
      ].join('\n'),
    )
    expect(await checksums(dir)).toEqual(before)
  })

  it('metadata-server starts on the data dir with the Go service\'s unit command line, importing its WireGuard state', async () => {
    const smdUrl = await startSmdInServerNamespace()
    // The Go service's Kubernetes example (docs/DEPLOYMENT.md, "Deployment with WireGuard"), /data in a temp dir.
    const args = ['serve', '--port=8080', `--data-dir=${dataDir}`, '--wireguard-server=100.97.0.1/16', `--wireguard-state-file=${dataDir}/wireguard/state.yaml`]
    const child = ns().spawnIn(ns().srv, join(binDir, 'metadata-server'), args, {
      cwd: dir,
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, HOME: dir, LANG: 'C.UTF-8', SMD_URL: smdUrl, SMD_JWT },
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    serverOut = () => out
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`metadata-server exited:\n${out}`)
      return (await ns().curl(ns().srv, 'http://127.0.0.1:8080/health')).status === 200
    }, 'metadata-server to be healthy')
    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.find((l) => String(l.msg).startsWith('imported the WireGuard state'))).toMatchObject({
      msg: `imported the WireGuard state of the Go service from ${dataDir}/wireguard/state.yaml: its server key and 1 peers`,
      publicKey: serverKeys.publicKey,
    })
    expect(lines.find((l) => l.kind === 'Group' && l.served !== undefined)).toMatchObject({
      msg: `several Groups named compute: serving the latest, ${COMPUTE_VERSIONS[2].uid}; the older ones stay stored, marked superseded`,
      superseded: [COMPUTE_VERSIONS[0].uid, COMPUTE_VERSIONS[1].uid],
    })
    expect(lines.find((l) => l.msg === 'WireGuard started')).toMatchObject({ publicKey: serverKeys.publicKey })
  }, 60_000)

  it('the node\'s existing tunnel (set up with the Go service, no new /wg-init) keeps working', async () => {
    ns().spawnIn(ns().node, 'wireguard-go', ['-f', ns().nodeWg])
    await ns().waitForSocket(ns().nodeWg)
    const keyFile = join(dir, 'node.key')
    await ns().exec(ns().node, 'sh', '-c', 'umask 077; printf "%s\\n" "$1" > "$2"', 'sh', nodeKeys.privateKey, keyFile)
    await ns().exec(ns().node, 'wg', 'set', ns().nodeWg, 'private-key', keyFile, 'peer', serverKeys.publicKey, 'endpoint',
      `${SERVER_LINK_IP}:51820`, 'allowed-ips', `${TUNNEL_SERVER}/32`, 'persistent-keepalive', '1')
    await ns().exec(ns().node, 'ip', 'address', 'add', `${NODE_TUNNEL_IP}/16`, 'dev', ns().nodeWg)
    await ns().exec(ns().node, 'ip', 'link', 'set', ns().nodeWg, 'up')
    await waitFor(async () => (await ns().curl(ns().node, `http://${TUNNEL_SERVER}:8080/health`)).status === 200, 'the tunnel', 100)
    // Through the tunnel the node is still itself: its tunnel address maps to it (WG-9).
    expect(await documentOf('/meta-data', 'tunnel')).toBe(await documentOf('/meta-data', 'boot'))
  }, 60_000)

  it('serves every NoCloud document from the migrated data: the latest compute, never an older one', async () => {
    const metaData = await documentOf('/meta-data', 'boot')
    expect(metaData).toBe(EXPECTED_META_DATA)
    expect(await documentOf('/user-data', 'boot')).toBe('#cloud-config\n')
    expect(await documentOf('/vendor-data', 'boot')).toBe(
      `#include\nhttp://${SERVER_LINK_IP}:8080/compute.yaml\nhttp://${SERVER_LINK_IP}:8080/green.yaml\n`,
    )
    expect(await documentOf('/network-config', 'boot')).toBe(EXPECTED_NETWORK_CONFIG)
    expect(await documentOf('/compute.yaml', 'boot')).toBe(
      '#cloud-config\nhostname: NID1000\n\nwrite_files:\n  - path: /etc/scheduler\n    content: slurm\n  - path: /etc/big-nid\n    content: "1000"\n',
    )
    expect(await documentOf('/green.yaml', 'boot')).toBe('#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: green\n')
    for (const path of ['/meta-data', '/vendor-data', '/network-config', '/compute.yaml', '/green.yaml']) {
      expect(await documentOf(path, 'tunnel')).toBe(await documentOf(path, 'boot'))
    }
  })

  it('metadata-client reads everything back as an upstream script does (… | jq)', async () => {
    const [v1, v2, v3] = COMPUTE_VERSIONS
    // As the Go client's scripts do: a name, and JSON because stdout is a pipe.
    const script = [
      'echo "served $(metadata-client group get compute | jq -r .metadata.uid)"',
      'metadata-client group get compute | jq -r .spec.template',
      'metadata-client group list | jq -r \'.[] | select(.metadata.name == "compute") | .metadata.uid + " " + (.status.supersededBy // "served")\'',
      'metadata-client clusterdefaults list | jq -r \'.[] | .metadata.name + " " + .spec.cluster_name\'',
      'metadata-client instanceinfo list | jq -r \'.[] | .metadata.name + " " + .spec.local_hostname\'',
      'metadata-client wireguardpeer list | jq -r \'.[] | .metadata.uid + " " + .metadata.name + " " + .spec.allowed_ip\'',
      'metadata-client health | jq -r .status',
    ].join('\n')
    const { code, stdout, stderr } = await operatorShell(script)
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect(stdout).toBe(
      [
        `served ${v3.uid}`,
        v3.template,
        `${v1.uid} ${v3.uid}`,
        `${v2.uid} ${v3.uid}`,
        `${v3.uid} served`,
        'demo-cluster demo',
        'x1000c0s0b0n0 compute-1',
        `${wireGuardPeerUid(nodeKeys.publicKey)} ${N0} ${NODE_TUNNEL_IP}/32`,
        'healthy',
        '',
      ].join('\n'),
    )
    expect(serverOut()).not.toContain(serverKeys.privateKey)
  })
})

/**
 * NC-12 meta-data of the node from the migrated ClusterDefaults (hostname `nid` + 4-digit NID), its InstanceInfo
 * (local-hostname) and the served compute (`scheduler: slurm`, the latest version's metaData, not pbs or torque).
 */
const EXPECTED_META_DATA = `instance-id: x1000c0s0b0n0
local-hostname: compute-1
hostname: nid1000
cluster-name: demo
instance_data:
  v1:
    cloud_name: OpenCHAMI
    availability_zone: lab-a
    instance_id: x1000c0s0b0n0
    local_hostname: compute-1
    region: lab
    hostname: nid1000
    local_ipv4: 10.252.0.26
    cloud_provider: OpenCHAMI
    public_keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMigratedKey admin@example
    vendor_data:
      version: "1.0"
      cloud_init_base_url: http://10.252.0.1:8080
      cluster_name: demo
      nid: 1000
      role: Compute
      mac: b4:2e:99:be:1a:6d
      interfaces:
        - description: Node Management Network
          enabled: true
          ip: 10.252.0.26
          mac: b4:2e:99:be:1a:6d
          name: eth0
          network: HMN
          redfishid: "1"
      groups:
        compute:
          description: Compute nodes
          scheduler: slurm
        green:
          color: green
`
/** NC-15 network-config of the fake SMD's node (its one HMN interface). */
const EXPECTED_NETWORK_CONFIG = `version: 1
config:
  - type: physical
    name: eth0
    mac_address: b4:2e:99:be:1a:6d
    description: Node Management Network
    subnets:
      - type: static
        address: 10.252.0.26/24
`
