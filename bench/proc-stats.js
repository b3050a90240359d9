// Process figures from /proc (Linux): resident memory and CPU time, sampled while the storm runs.
import { readdirSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

/** Clock ticks per second of /proc/<pid>/stat times (usually 100). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * `pid` and its descendants (the workers of `serve --workers`), from /proc/<pid>/task/<tid>/children.
 * @param {number} pid
 * @returns {number[]}
 */
function processTree(pid) {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim()
        if (children !== '') out.push(...children.split(' ').map(Number))
      }
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/**
 * `VmRSS` of `pid` plus its descendants in MiB (pages shared between workers count once per process), or
 * `undefined` when the process is gone.
 * @param {number} pid
 * @returns {number | undefined}
 */
export function rssMiB(pid) {
  let kb
  for (const each of processTree(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${each}/status`, 'utf8'))
      if (match) kb = (kb ?? 0) + Number(match[1])
    } catch {
      // gone meanwhile
    }
  }
  return kb === undefined ? undefined : kb / 1024
}

/**
 * User plus system CPU time of `pid` and its live descendants in seconds, or `undefined` when the process is gone.
 * @param {number} pid
 * @returns {number | undefined}
 */
export function cpuSeconds(pid) {
  let ticks
  for (const each of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${each}/stat`, 'utf8')
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks = (ticks ?? 0) + Number(fields[11]) + Number(fields[12])
    } catch {
      // gone meanwhile
    }
  }
  return ticks === undefined ? undefined : ticks / TICKS
}

/**
 * Machine-wide CPU time from the first line of /proc/stat, in seconds summed over all cores.
 * @returns {{ total: number, idle: number } | undefined}
 */
export function machineCpu() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? []
    // user nice system idle iowait irq softirq steal …; idle + iowait count as idle.
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0)
    return { total: total / TICKS, idle: ((fields[3] ?? 0) + (fields[4] ?? 0)) / TICKS }
  } catch {
    return undefined
  }
}

/**
 * Waits until the machine is at least `minIdlePct` % idle over one second (other work finished), for at most
 * `maxWaitS` seconds. Resolves with the last idle percentage seen.
 * @param {number} minIdlePct
 * @param {number} maxWaitS
 * @returns {Promise<number | undefined>}
 */
export async function waitForIdle(minIdlePct, maxWaitS) {
  const deadline = Date.now() + maxWaitS * 1000
  for (;;) {
    const a = machineCpu()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const b = machineCpu()
    if (a === undefined || b === undefined) return undefined
    const idlePct = Math.round(((b.idle - a.idle) / Math.max(1e-9, b.total - a.total)) * 1000) / 10
    if (idlePct >= minIdlePct || Date.now() >= deadline) return idlePct
  }
}

/** The 1-minute load average, to judge whether other work shared the machine during a run. */
export function loadAverage() {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
  } catch {
    return undefined
  }
}

/**
 * Samples the RSS of `pid` every `everyMs` (default 250 ms) until stopped.
 * @param {number} pid
 * @param {number} [everyMs]
 * @returns {{ stop: () => { peakMiB: number, series: [number, number][] } }}  series: [ms since start, MiB]
 */
export function sampleRss(pid, everyMs = 250) {
  const started = Date.now()
  /** @type {[number, number][]} */
  const series = []
  const take = () => {
    const rss = rssMiB(pid)
    if (rss !== undefined) series.push([Date.now() - started, Math.round(rss * 10) / 10])
  }
  take()
  const timer = setInterval(take, everyMs)
  return {
    stop() {
      clearInterval(timer)
      take()
      return { peakMiB: Math.max(0, ...series.map(([, v]) => v)), series }
    },
  }
}
