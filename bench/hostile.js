// `npm run bench -- --hostile-template`: issue 16 item 3, "one template can stall every node". With a hostile
// template stored on one group (the nested-section bomb over 200 public keys), storm the other nodes' documents
// while that group's nodes ask for theirs, and compare the other nodes' p99 with the same storm when the group's
// template is harmless. SPEC §16 "Template cost": within 2× of normal.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { flushDocumentCache } from './fixtures.js'
import { targetLines } from './nodes.js'
import { waitForIdle } from './proc-stats.js'
import { median, round } from './report.js'
import { runStorm } from './wrk.js'

/** The bomb of issue 16: every key × every key × every key, 96 MB with 100 keys before the render bounds. */
export const BOMB = '{{#public_keys}}{{#public_keys}}{{#public_keys}}{{.}}{{/public_keys}}{{/public_keys}}{{/public_keys}}'
/** The same group's harmless template in the normal phase: one line per key. */
const HARMLESS = '#cloud-config\nssh_authorized_keys:\n{{#public_keys}}  - "{{.}}"\n{{/public_keys}}'
const HOSTILE_GROUP = 'blue'
const KEYS = 200

/**
 * Per run pair: the normal phase (group `blue`, odd nodes, has a harmless template), then the hostile phase (the
 * bomb). Each phase empties the document cache and storms at once, so the bomb is rendered on demand and races
 * the pre-render (the worst case: a storm right after the change). Two wrk instances run together: the measured
 * storm of the even nodes (every document; none is in `blue`) and a side storm of the odd nodes asking for
 * `/blue.yaml` only.
 * @param {import('./phases.js').BenchContext} ctx
 * @param {{ url: string, pid: number }} server
 */
export async function hostileTemplate(ctx, server) {
  const o = ctx.options
  const others = ctx.nodes.filter((n) => !n.groups.includes(HOSTILE_GROUP))
  const members = ctx.nodes.filter((n) => n.groups.includes(HOSTILE_GROUP))
  if (others.length === 0 || members.length === 0) throw new Error('--hostile-template needs nodes in and out of group blue (not --mock)')
  const othersFile = join(ctx.workDir, 'targets-others.txt')
  const membersFile = join(ctx.workDir, 'targets-hostile.txt')
  writeFileSync(othersFile, targetLines(others))
  writeFileSync(membersFile, members.map((n) => `${n.hmnIp} ${HOSTILE_GROUP}\n`).join(''))

  const api = resourceApi(server.url)
  const keys = Array.from({ length: KEYS }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchKey${String(i).padStart(4, '0')} bench${i}@example`)
  const cd = (await api.get('/clusterdefaultss'))[0]
  if (cd === undefined) throw new Error('no ClusterDefaults (the quick start creates one)')
  const firstKey = cd.spec.public_keys ?? []
  await api.send('PATCH', `/clusterdefaultss/${cd.metadata.uid}`, { public_keys: keys })
  let group = await api.send('POST', '/groups', { metadata: { name: HOSTILE_GROUP }, spec: { template: HARMLESS } })

  const setTemplate = async (template) => {
    if (template === BOMB) {
      // Validation renders for the cluster's largest node, which now has 200 keys: it refuses the bomb. A bomb
      // reaches a running server as issue 16 found it: accepted while the cluster was small, then the cluster grew.
      await api.send('PATCH', `/clusterdefaultss/${cd.metadata.uid}`, { public_keys: firstKey })
      group = await api.send('PUT', `/groups/${group.metadata.uid}`, { metadata: { name: HOSTILE_GROUP }, spec: { template } })
      await api.send('PATCH', `/clusterdefaultss/${cd.metadata.uid}`, { public_keys: keys })
    } else {
      group = await api.send('PUT', `/groups/${group.metadata.uid}`, { metadata: { name: HOSTILE_GROUP }, spec: { template } })
    }
  }
  const phase = async (name) => {
    await flushDocumentCache(server.url)
    const common = { url: server.url, mode: /** @type {const} */ ('close'), threads: o.threads, durationS: o.durationS, timeoutS: o.timeoutS }
    const [measured, side] = await Promise.all([
      runStorm({ ...common, targetsFile: othersFile, connections: o.connections, targetPid: server.pid }),
      runStorm({ ...common, targetsFile: membersFile, connections: Math.max(1, Math.round(o.connections / 8)), countStatus: true, groupOnly: true }),
    ])
    ctx.say(
      `hostile-template ${name}: others ${measured.rps} req/s p99 ${measured.latencyMs.p99} ms (${measured.errors.status} non-2xx); ` +
        `/${HOSTILE_GROUP}.yaml ${side.rps} req/s p99 ${side.latencyMs.p99} ms, statuses ${JSON.stringify(side.status)}`,
    )
    return { measured, side }
  }

  const normal = []
  const hostile = []
  for (let r = 1; r <= o.runs; r++) {
    if (o.waitIdlePct > 0) {
      const idle = await waitForIdle(o.waitIdlePct, o.waitIdleMaxS)
      if (idle !== undefined && idle < o.waitIdlePct) ctx.say(`machine only ${idle}% idle after ${o.waitIdleMaxS} s; measuring anyway`)
    }
    await setTemplate(HARMLESS)
    normal.push(await phase(`normal ${r}/${o.runs}`))
    await setTemplate(BOMB)
    hostile.push(await phase(`hostile ${r}/${o.runs}`))
  }
  const limits = await templateLimitCount(server.url)
  const summary = (runs) => ({
    rps: median(runs.map((x) => x.measured.rps)),
    p50Ms: median(runs.map((x) => x.measured.latencyMs.p50)),
    p99Ms: median(runs.map((x) => x.measured.latencyMs.p99)),
    maxMs: Math.max(...runs.map((x) => x.measured.latencyMs.max)),
    non2xx: runs.reduce((a, x) => a + x.measured.errors.status, 0),
    timeouts: runs.reduce((a, x) => a + x.measured.errors.timeout, 0),
    side: {
      rps: median(runs.map((x) => x.side.rps)),
      p99Ms: median(runs.map((x) => x.side.latencyMs.p99)),
      status: runs.reduce((acc, x) => {
        for (const [code, n] of Object.entries(x.side.status)) acc[code] = (acc[code] ?? 0) + n
        return acc
      }, /** @type {Record<string, number>} */ ({})),
    },
  })
  const n = summary(normal)
  const h = summary(hostile)
  return {
    group: HOSTILE_GROUP,
    keys: KEYS,
    normal: n,
    hostile: h,
    p99Ratio: n.p99Ms && h.p99Ms ? round(h.p99Ms / n.p99Ms, 2) : undefined,
    pairP99Ratios: normal.map((x, i) => round((hostile[i]?.measured.latencyMs.p99 ?? NaN) / x.measured.latencyMs.p99, 2)),
    templateLimitAnswers: limits,
    runs: { normal, hostile },
  }
}

/** `metadata_service_template_limit_exceeded_total` summed over its series. */
async function templateLimitCount(url) {
  const text = await (await fetch(`${url}/metrics`)).text()
  return text
    .split('\n')
    .filter((line) => line.startsWith('metadata_service_template_limit_exceeded_total{'))
    .reduce((a, line) => a + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
}

/** JSON calls to the resource API from loopback (an admin peer, SEC-6); rejects on an unexpected status. */
function resourceApi(url) {
  return {
    async get(path) {
      const res = await fetch(`${url}${path}`)
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
      return res.json()
    },
    async send(method, path, body) {
      const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      const answer = await res.json()
      if (res.status !== 200 && res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`)
      return answer
    },
  }
}
