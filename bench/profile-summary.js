// Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per area (our packages,
// each dependency, node internals, GC). Frames in the bundled CLI are mapped back to their TypeScript source
// through the bundle's source map, so the summary names `packages/core/src/...` files.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * @typedef {object} ProfileSummary
 * @property {number} totalMs           sampled time, idle excluded
 * @property {number} idleMs
 * @property {{ name: string, where: string, selfMs: number, pct: number }[]} topFunctions
 * @property {{ area: string, selfMs: number, pct: number }[]} areas
 */

/**
 * Summarises the newest main-thread `.cpuprofile` in `dir`, or returns `undefined` when there is none.
 * @param {string} dir
 * @param {{ top?: number, fromUs?: number, toUs?: number, windows?: readonly { fromUs: number, toUs: number }[] }} [o]
 *   `top`: functions to list (default 25); `fromUs`/`toUs`: count only samples in this CLOCK_MONOTONIC window, in
 *   µs (`process.hrtime.bigint() / 1000n` is the profile's clock), e.g. the storms without start-up; `windows`,
 *   when given, replaces them: only samples inside one of these windows count (the measured storms, without the
 *   pre-render passes between them, issue 19)
 * @returns {ProfileSummary | undefined}
 */
export function summariseProfileDir(dir, o = {}) {
  if (!existsSync(dir)) return undefined
  // `--cpu-prof` names files CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, one per thread; only the main
  // thread's (thread 0) are read here. The SMD sync child processes (issue 19) do not inherit --cpu-prof.
  const files = readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).sort()
  const last = files.at(-1)
  const windows = o.windows ?? [{ fromUs: o.fromUs ?? 0, toUs: o.toUs ?? Infinity }]
  return last === undefined ? undefined : summariseProfile(JSON.parse(readFileSync(join(dir, last), 'utf8')), o.top ?? 25, windows)
}

/**
 * @param {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number, columnNumber: number } }[], samples: number[], timeDeltas: number[], startTime: number }} profile
 * @param {number} top
 * @param {readonly { fromUs: number, toUs: number }[]} windows  CLOCK_MONOTONIC µs; samples outside all are skipped
 * @returns {ProfileSummary}
 */
export function summariseProfile(profile, top, windows) {
  /** @type {Map<number, number>} node id → self µs */
  const self = new Map()
  let at = profile.startTime
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    at += delta
    if (windows.some((w) => at >= w.fromUs && at <= w.toUs)) self.set(id, (self.get(id) ?? 0) + delta)
  })
  const maps = new SourceMaps()
  /** @type {Map<string, { name: string, where: string, area: string, us: number }>} */
  const byFunction = new Map()
  let idleUs = 0
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0
    if (us === 0) continue
    const frame = node.callFrame
    if (frame.functionName === '(idle)') {
      idleUs += us
      continue
    }
    const { where, area } = maps.locate(frame)
    const name = frame.functionName || '(anonymous)'
    const key = `${name}@${where}`
    const entry = byFunction.get(key) ?? { name, where, area, us: 0 }
    entry.us += us
    byFunction.set(key, entry)
  }
  const totalUs = [...byFunction.values()].reduce((a, e) => a + e.us, 0)
  const pct = (us) => Math.round((us / Math.max(1, totalUs)) * 1000) / 10
  /** @type {Map<string, number>} */
  const areas = new Map()
  for (const e of byFunction.values()) areas.set(e.area, (areas.get(e.area) ?? 0) + e.us)
  return {
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: Math.round(e.us / 1000), pct: pct(e.us) })),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), pct: pct(us) })),
  }
}

/**
 * Names a frame inside `node_modules` by package (`yaml/dist/x.js:12`, area `yaml`); `undefined` elsewhere.
 * @param {string} path
 * @param {number} line  0-based
 */
function inNodeModules(path, line) {
  const modules = path.lastIndexOf('/node_modules/')
  if (modules < 0) return undefined
  const rest = path.slice(modules + 14).split('/')
  const pkg = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?')
  return { where: `${pkg}/${rest.slice(pkg.includes('/') ? 2 : 1).join('/')}:${line + 1}`, area: pkg }
}

/** Loads each bundle's source map once and names frames by source file and area. */
class SourceMaps {
  constructor() {
    /** @type {Map<string, SourceMap | null>} */
    this.cache = new Map()
  }

  /** @param {{ functionName: string, url: string, lineNumber: number, columnNumber: number }} frame */
  locate(frame) {
    const url = frame.url
    if (url === '') {
      const name = frame.functionName || '(native, unnamed)'
      return { where: name, area: name.startsWith('(') && name !== '(native, unnamed)' ? name : 'native' }
    }
    if (url.startsWith('node:')) {
      const parts = url.slice(5).split('/')
      return { where: `${url}:${frame.lineNumber + 1}`, area: `node:${parts[0] === 'internal' ? parts.slice(0, 2).join('/') : parts[0]}` }
    }
    const path = url.startsWith('file://') ? fileURLToPath(url) : url
    const dependency = inNodeModules(path, frame.lineNumber)
    if (dependency) return dependency
    const map = this.load(path)
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber)
    if (entry && 'originalSource' in entry && entry.originalSource) {
      // Sources are relative to the bundle (`../../core/src/x.ts`) or file URLs; name them from the repo root.
      const original = String(entry.originalSource)
      const absolute = original.startsWith('file://') ? fileURLToPath(original) : resolve(dirname(path), original)
      const bundled = inNodeModules(absolute, entry.originalLine)
      if (bundled) return { where: bundled.where, area: `${bundled.area} (bundled)` }
      const source = absolute.replace(/^.*?\/packages\//, 'packages/')
      return { where: `${source}:${entry.originalLine + 1}`, area: /^packages\/([^/]+)/.exec(source)?.[1] ?? source }
    }
    return { where: `${path.replace(/^.*?packages\//, 'packages/')}:${frame.lineNumber + 1}`, area: /packages\/([^/]+)/.exec(path)?.[1] ?? 'other' }
  }

  /** @param {string} path */
  load(path) {
    if (!this.cache.has(path)) {
      let map = null
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')))
      } catch {
        map = null
      }
      this.cache.set(path, map)
    }
    return this.cache.get(path) ?? undefined
  }
}
