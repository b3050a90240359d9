import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { goWireGuardStateYaml } from '@metadata-service/core/testing'

/**
 * A data dir as the Go service (0.1.x) leaves it: one compact JSON file per resource (Go's `json.Marshal` of the
 * fabrica types: fields in struct order, `omitempty` fields left out, nanosecond timestamps), every version of a
 * resource as its own file (three Groups named `compute`), and the WireGuard controller's `wireguard/state.yaml`.
 * The served `compute` is written in the Go service's own syntax (Pongo2: filters with arguments, `{% if %}`, a
 * comment), which the engine rule recognises as such (SPEC §16 TPL-1/TPL-2); the others use tags both engines share.
 */

/** The versions of Group compute, oldest first; the last one is served. */
export const COMPUTE_VERSIONS = [
  { uid: 'group-c0ffee01', createdAt: '2025-01-10T09:00:00.123456789Z', scheduler: 'pbs', template: '#cloud-config\nruncmd:\n  - echo compute v1\n' },
  { uid: 'group-c0ffee02', createdAt: '2025-02-10T09:00:00.5Z', scheduler: 'torque', template: '#cloud-config\nruncmd:\n  - echo compute v2\n' },
  {
    uid: 'group-c0ffee03',
    createdAt: '2025-03-10T09:00:00.000000001Z',
    scheduler: 'slurm',
    template:
      '#cloud-config\nhostname: {{ hostname|upper }}\n{# rendered by the Go service with Pongo2 #}\nwrite_files:\n' +
      '  - path: /etc/scheduler\n    content: {{ scheduler|default:"none" }}\n' +
      '{% if nid > 999 %}  - path: /etc/big-nid\n    content: "{{ nid }}"\n{% endif %}',
  },
] as const

/** The uids of the other resources. */
export const UIDS = {
  clusterDefaults: 'clusterdefaults-5e1f0001',
  green: 'group-9ee90001',
  instanceInfo: 'instanceinfo-1d000001',
} as const

/** What the data dir holds besides the resources: the WireGuard state of the Go controller. */
export interface GoWireGuardFixture {
  readonly serverPrivateKey: string
  readonly serverPublicKey: string
  /** The node's public key, registered with the Go service's `/wg-init` (so no `allowedIP`). */
  readonly nodePublicKey: string
  readonly nodeTunnelIp: string
  readonly nodeBootIp: string
}

/** Writes the Go service's data dir into `dataDir` (created). */
export async function writeGoDataDir(dataDir: string, baseUrl: string, wireguard: GoWireGuardFixture): Promise<void> {
  const put = async (dir: string, uid: string, resource: object) => {
    await mkdir(join(dataDir, dir), { recursive: true })
    await writeFile(join(dataDir, dir, `${uid}.json`), JSON.stringify(resource))
  }
  const meta = (name: string, uid: string, createdAt: string, updatedAt = createdAt) => ({ name, uid, createdAt, updatedAt })
  await put('clusterdefaults', UIDS.clusterDefaults, {
    apiVersion: 'cloud-init.openchami.io/v1',
    kind: 'ClusterDefaults',
    metadata: meta('demo-cluster', UIDS.clusterDefaults, '2025-01-05T08:00:00.25Z'),
    spec: {
      description: 'Migrated from the Go service',
      base_url: baseUrl,
      cloud_provider: 'OpenCHAMI',
      region: 'lab',
      availability_zone: 'lab-a',
      cluster_name: 'demo',
      short_name: 'nid',
      nid_length: 4,
      public_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMigratedKey admin@example'],
    },
    status: { ready: false },
  })
  for (const version of COMPUTE_VERSIONS) {
    await put('groups', version.uid, {
      apiVersion: 'cloud-init.openchami.io/v1',
      kind: 'Group',
      metadata: meta('compute', version.uid, version.createdAt),
      spec: { description: 'Compute nodes', template: version.template, metaData: { scheduler: version.scheduler } },
      status: groupStatus(version.template, version.createdAt),
    })
  }
  const green = '#cloud-config\nwrite_files:\n  - path: /etc/node-color\n    content: green\n'
  await put('groups', UIDS.green, {
    apiVersion: 'cloud-init.openchami.io/v1',
    kind: 'Group',
    metadata: meta('green', UIDS.green, '2025-01-11T10:00:00Z'),
    spec: { template: green, metaData: { color: 'green' } },
    status: groupStatus(green, '2025-01-11T10:00:00Z'),
  })
  await put('instanceinfos', UIDS.instanceInfo, {
    apiVersion: 'cloud-init.openchami.io/v1',
    kind: 'InstanceInfo',
    metadata: meta('x1000c0s0b0n0', UIDS.instanceInfo, '2025-01-12T10:00:00Z'),
    spec: { instance_id: 'x1000c0s0b0n0', local_hostname: 'compute-1' },
    status: { ready: false },
  })
  await mkdir(join(dataDir, 'wireguard'), { recursive: true, mode: 0o750 })
  await writeFile(
    join(dataDir, 'wireguard', 'state.yaml'),
    goWireGuardStateYaml({
      serverPrivateKey: wireguard.serverPrivateKey,
      serverPublicKey: wireguard.serverPublicKey,
      peers: [
        {
          peerID: wireguard.nodeBootIp,
          publicKey: wireguard.nodePublicKey,
          vpnIP: wireguard.nodeTunnelIp,
          clientIP: wireguard.nodeBootIp,
          allowedIP: '',
        },
      ],
    }),
  )
}

/** SHA-256 of every file under `dir`, by relative path: what a read-only check must leave untouched. */
export async function checksums(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) await walk(path)
      else out[relative(dir, path)] = createHash('sha256').update(await readFile(path)).digest('hex')
    }
  }
  await walk(dir)
  return out
}

/** The Group status the Go service stored with an accepted template (valid, hash, version, history). */
function groupStatus(template: string, at: string) {
  const hash = createHash('sha256').update(template).digest('hex')
  const version = `v-${hash.slice(0, 8)}`
  return {
    valid: true,
    templateHash: hash,
    currentTemplateVersion: version,
    templateHistory: [{ version, timestamp: at.replace(/\.\d+Z$/, 'Z'), valid: true }],
    requiredVariables: [...template.matchAll(/{{\s*([a-z_]+)\s*}}/g)].map((m) => m[1]),
  }
}
