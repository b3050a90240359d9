// The quick-start resources (SPEC §14 F-CD, F-COMPUTE, F-GREEN), created through the resource API so group
// documents render real templates, and a probe that checks a sample of storm requests before the storm.
// One home for these bodies: core's examples (the built package, which `npm ci` builds).
import { QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/examples'

/**
 * The request bodies, in creation order: [collection, body].
 * @type {[string, { metadata: { name: string }, spec: Record<string, unknown> }][]}
 */
export const QUICK_START = [
  ['/clusterdefaultss', QUICKSTART_CLUSTER_DEFAULTS],
  ['/groups', QUICKSTART_GROUP_COMPUTE],
  ['/groups', QUICKSTART_GROUP_GREEN],
]

/**
 * POSTs the quick-start resources (from loopback, an admin peer by default, SEC-6). Rejects on any non-201.
 * @param {string} url  server base URL
 */
export async function createQuickStart(url) {
  for (const [collection, body] of QUICK_START) {
    const res = await fetch(`${url}${collection}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    if (res.status !== 201) throw new Error(`POST ${collection} ${body.metadata.name}: ${res.status} ${text.trim()}`)
  }
}

/** The five storm paths of a node, in storm.lua order. */
export function stormPaths(node) {
  return ['/network-config', '/meta-data', '/user-data', '/vendor-data', `/${node.yamlGroup}.yaml`]
}

/**
 * Fetches every storm path for a spread of nodes (first, second, middle, last), as the storm will. Returns the
 * body sizes per path (mean bytes) and every answer that is not a plausible 200.
 * @param {string} url
 * @param {readonly import('./nodes.js').BenchNode[]} nodes  the storm's nodes
 * @returns {Promise<{ bytes: Record<string, number>, problems: string[] }>}
 */
export async function probe(url, nodes) {
  const count = nodes.length
  const indexes = [...new Set([0, 1, Math.floor(count / 2), count - 1])]
  /** @type {Record<string, number[]>} */
  const sizes = {}
  const problems = []
  for (const index of indexes) {
    const node = nodes[index]
    for (const path of stormPaths(node)) {
      const res = await fetch(`${url}${path}`, { headers: { 'x-forwarded-for': node.hmnIp } })
      const body = await res.text()
      const key = path.endsWith('.yaml') ? '/<group>.yaml' : path
      ;(sizes[key] ??= []).push(Buffer.byteLength(body))
      if (res.status !== 200) problems.push(`${node.xname} ${path}: ${res.status} ${body.trim().slice(0, 120)}`)
      else if (path === '/meta-data' && !body.includes(`instance-id: ${node.xname}`))
        problems.push(`${node.xname} /meta-data: no "instance-id: ${node.xname}" in the body`)
      else if (path === '/compute.yaml' && !body.includes(`NID=${node.nid}`))
        problems.push(`${node.xname} /compute.yaml: template not rendered (no NID=${node.nid})`)
    }
  }
  const bytes = Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, Math.round(v.reduce((a, b) => a + b, 0) / v.length)]))
  return { bytes, problems }
}

let flushes = 0

/**
 * Empties the server's rendered-document cache: creating and deleting a member-less Group bumps the store
 * generation, and the cache is keyed by it (ARCHITECTURE hot path). Rejects on an unexpected status.
 * @param {string} url
 */
export async function flushDocumentCache(url) {
  flushes += 1
  const created = await fetch(`${url}/groups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name: `bench-flush-${flushes}` }, spec: { description: 'benchmark cache flush' } }),
  })
  const body = await created.json()
  if (created.status !== 201) throw new Error(`cache flush: POST /groups answered ${created.status} ${JSON.stringify(body)}`)
  const deleted = await fetch(`${url}/groups/${body.metadata.uid}`, { method: 'DELETE' })
  await deleted.arrayBuffer()
  if (deleted.status !== 200) throw new Error(`cache flush: DELETE /groups/${body.metadata.uid} answered ${deleted.status}`)
}
