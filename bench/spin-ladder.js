// `--spin-ladder` (issue 19): bare node:http servers that keep the CPU busy for a fixed number of µs per request
// before answering, stormed like the baseline. On a pinned core the kernel's share of a request (socket write and
// close, waking the load generator) grows as the server slows, so "ours costs X µs of CPU per request more than
// bare" does not say what throughput to expect; the ladder measures it: our req/s is matched to the added work that
// gives a bare server the same req/s.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPortChild } from './children.js'
import { round, summariseRuns } from './report.js'
import { runStorm } from './wrk.js'

const BASELINE = join(fileURLToPath(new URL('.', import.meta.url)), 'baseline-server.js')

/**
 * Storms one spinning bare server per value of `--spin-ladder`, in each mode, `--runs` times after a warm-up.
 * @param {import('./phases.js').BenchContext} ctx
 * @param {number} bytes  body length, as the baseline's
 * @returns {Promise<{ spinUs: number, modes: Record<string, ReturnType<typeof summariseRuns>> }[]>}
 */
export async function runSpinLadder(ctx, bytes) {
  const o = ctx.options
  const out = []
  for (const spinUs of o.spinLadder) {
    const child = await startPortChild(BASELINE, ['--bytes', String(bytes), '--spin-us', String(spinUs)], undefined, 'target')
    try {
      const target = { url: `http://127.0.0.1:${child.port}`, pid: child.pid }
      /** @type {Record<string, ReturnType<typeof summariseRuns>>} */
      const modes = {}
      for (const mode of o.modes) {
        const storm = (durationS) =>
          runStorm({ url: target.url, targetsFile: ctx.targetsFile, mode, threads: o.threads, connections: o.connections, durationS, timeoutS: o.timeoutS, targetPid: target.pid })
        if (o.warmupS > 0) await storm(o.warmupS)
        const runs = []
        for (let r = 0; r < o.runs; r++) runs.push(await storm(o.durationS))
        modes[mode] = summariseRuns(runs)
        ctx.say(`spin ladder: bare + ${spinUs} µs, ${mode}: ${modes[mode].rps} req/s, ${modes[mode].cpuUsPerRequest} cpu µs/req`)
      }
      out.push({ spinUs, modes })
    } finally {
      await child.stop()
    }
  }
  return out
}

/**
 * The added µs of CPU per request at which a bare server answers `oursRps`: interpolated linearly in time per
 * request (1 / req/s) between the ladder's points, with the plain baseline as 0 µs. Past the last point it is
 * extrapolated from the last two and `beyond` is true; undefined when the points do not rise with the spin.
 * @param {number} oursRps
 * @param {number} bareRps
 * @param {{ spinUs: number, rps: number }[]} ladder
 * @returns {{ us: number, beyond: boolean } | undefined}
 */
export function equivalentSpinUs(oursRps, bareRps, ladder) {
  const points = [{ spinUs: 0, rps: bareRps }, ...ladder].filter((p) => p.rps > 0).sort((a, b) => a.spinUs - b.spinUs)
  if (points.length < 2 || !(oursRps > 0)) return undefined
  const t = 1 / oursRps
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]
    const b = points[i]
    const [ta, tb] = [1 / a.rps, 1 / b.rps]
    if (tb <= ta) return undefined
    const last = i === points.length - 1
    if (t <= tb || last) {
      const us = a.spinUs + ((t - ta) / (tb - ta)) * (b.spinUs - a.spinUs)
      return { us: round(Math.max(0, us), 1), beyond: t > tb }
    }
  }
  return undefined
}
