import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { QUICKSTART_GROUP_COMPUTE } from '@metadata-service/core/testing'
import { parseAllDocuments } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { ensureBuilt, spawnServe, type BuiltServer } from '../security/_built-serve.js'
import { createTestNamespaces, type TestNamespaces } from '../security/_netns.js'

// deploy/kubernetes.yaml keeps the admin API on loopback and tells operators to write resources through
// `kubectl port-forward` (issue 17). That works because the container runtime dials localhost:<port> from inside
// the pod's network namespace (containerd's CRI portForward, dialLocalhost; CRI-O likewise): the service sees
// 127.0.0.1, which the manifest's admin_cidrs admit. Here the pod is a network namespace with a pod-network address,
// the service runs in it with the manifest's config.yaml settings, the port-forward connection is one made from the
// pod's own loopback, and another pod (or the node) reaches it over the pod network.

const MANIFEST = fileURLToPath(new URL('../../../../deploy/kubernetes.yaml', import.meta.url))
const POD_IP = '10.244.1.10'
const OTHER_POD = '10.244.1.20'
/** SEC-6's 403 names the setting and the refused connection's address (issue 13). */
const admin403 = (from: string) => ({
  error: `admin access requires a peer in admin_cidrs or a bearer token (configure auth_jwks_url); this connection comes from ${from}, which is not in admin_cidrs`,
  code: 403,
})

let ns: TestNamespaces | undefined
let server: BuiltServer | undefined
let dir: string

beforeAll(async () => {
  ensureBuilt()
  const docs = parseAllDocuments(await readFile(MANIFEST, 'utf8')).map((d) => d.toJS() as { kind: string; data?: Record<string, string> })
  const configYaml = docs.find((d) => d.kind === 'ConfigMap')?.data?.['config.yaml']
  const { config } = loadConfig({ argv: ['--config', '/c.yaml'], env: {}, readFile: (p) => (p === '/c.yaml' ? configYaml : undefined) })
  dir = await mkdtemp(join(tmpdir(), 'mds-k8s-'))
  ns = await createTestNamespaces(POD_IP, [OTHER_POD])
  // The manifest's access settings on the mock inventory (its SMD and TokenSmith URLs are placeholders).
  server = await spawnServe(
    dir,
    ['--mock-smd', '--host', config.host, '--admin-cidrs', config.admin_cidrs.join(','), '--trusted-proxies', config.trusted_proxies.join(',')],
    { wrap: ns.inServer },
  )
}, 120_000)

afterAll(async () => {
  await server?.stop()
  await ns?.destroy()
  await rm(dir, { recursive: true, force: true })
})

describe('kubectl port-forward to the pod of deploy/kubernetes.yaml (SEC-6)', () => {
  const create = { path: '/groups', method: 'POST', headers: [['Content-Type', 'application/json']] as const, body: JSON.stringify(QUICKSTART_GROUP_COMPUTE) }

  it('admits a write arriving through port-forward, from the pod’s own loopback', async () => {
    const [answer] = await (ns as TestNamespaces).fromServerLoopback((server as BuiltServer).port, [create])
    expect(answer?.status).toBe(201)
  })

  it('refuses the same write from another pod or the node, over the pod network', async () => {
    const [write, read] = await (ns as TestNamespaces).fromClient((server as BuiltServer).port, [create, { path: '/groups' }])
    expect({ status: write?.status, body: JSON.parse(write?.body ?? '') as unknown }).toEqual({ status: 403, body: admin403(OTHER_POD) })
    // Reads of Groups stay open (SEC-6).
    expect(read?.status).toBe(200)
  })
})
