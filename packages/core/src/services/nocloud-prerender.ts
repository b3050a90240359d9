import type { CacheEpoch, DocumentCache } from '../nocloud/document-cache.js'
import { zeroDocumentCounts, type CachedDocumentKind, type DocumentCounts } from '../nocloud/document-keys.js'
import { systemClock, type Clock } from '../ports/clock.js'
import type { InventoryNode } from '../ports/inventory.js'
import type { Logger } from '../ports/logger.js'
import { isRenderLimitError } from '../templates/render.js'
import type { RenderedDocument } from './nocloud-api.js'
import { errorText } from './_error-text.js'

/** How the pre-render yields the event loop between slices and waits between generation checks. */
export interface WarmScheduler {
  /** Runs `task` once, after pending I/O callbacks. Default: `setImmediate`. */
  soon(task: () => void): void
  /** Runs `task` every `ms` milliseconds until the returned function is called. Default: an unref'd `setInterval`. */
  every(task: () => void, ms: number): () => void
}

/** The {@link WarmScheduler} on Node's timers; the interval never keeps the process alive. */
export const defaultWarmScheduler: WarmScheduler = {
  soon: (task) => {
    setImmediate(task)
  },
  every: (task, ms) => {
    const timer = setInterval(task, ms)
    timer.unref()
    return () => clearInterval(timer)
  },
}

/** Options of the NoCloud pre-render (OPS-7). */
export interface PrerenderOptions {
  /** Work per slice before yielding, in milliseconds (at least one node per slice). Default 4. */
  readonly sliceMs?: number
  /**
   * How often the generations are compared, in milliseconds. A new pass starts once they have held still from one
   * check to the next, so warming begins 1–2 intervals after the last change: a burst of writes (e.g. /wg-init
   * storing WireGuardPeers, WG-6, which also empties the cache) costs no pass per write. A store write abandons the
   * running pass at once; the Inventory port has no change event, so a snapshot swap is noticed here. Default 500.
   */
  readonly pollMs?: number
  /** Default {@link defaultWarmScheduler}. */
  readonly scheduler?: WarmScheduler
  /** Measures slices and passes. Default `systemClock`. */
  readonly clock?: Clock
}

/** One finished pre-render pass. */
export interface PrerenderPass {
  /** Documents the pass left cached: rendered by it, or found already cached (by requests). */
  readonly documents: number
  /** Nodes whose every document was tried; fewer than `ofNodes` only when `capped`. */
  readonly nodes: number
  /** Nodes in the snapshot when the pass ended. */
  readonly ofNodes: number
  /** Documents that failed to render (RENDER_FAILED, COMPONENT_UNAVAILABLE, NC-17 cases): left to the requests. */
  readonly failures: number
  /** vendor-data documents not pre-rendered because their NC-14 base depends on the request's host. */
  readonly requestDependent: number
  /** Group documents left to the requests because their group's template ran over a bound for other nodes. */
  readonly overLimitSkipped: number
  /** True when the pass stopped at `maxCachedDocuments` instead of evicting. */
  readonly capped: boolean
  /** Wall time from the start of the pass to its end, in milliseconds (slices plus the waits between them). */
  readonly durationMs: number
  /** Time spent inside slices, in milliseconds (clock resolution). */
  readonly busyMs: number
  readonly slices: number
}

/** Counters of the pre-render since it was created. */
export interface PrerenderStats {
  /** True between `start` and `stop` of the pre-render. */
  readonly enabled: boolean
  /** True while a pass is under way. */
  readonly running: boolean
  /** Documents rendered by the pre-render, per document; requests' builds are counted apart. */
  readonly builds: DocumentCounts
  /** Passes that reached their end (or the cap). */
  readonly passes: number
  /** Passes given up because a generation changed under them (a new one starts once the generations settle). */
  readonly abandoned: number
  /** The last finished pass; absent before the first. */
  readonly lastPass?: PrerenderPass
}

/** One document of a node the pre-render may cache, or the note that it cannot be built without a request. */
export type WarmDocument =
  | {
      readonly kind: CachedDocumentKind
      readonly key: string
      readonly build: () => RenderedDocument
      /** For a group document, the group: a pass stops pre-rendering a group whose template runs over a bound. */
      readonly group?: string
    }
  | { readonly kind: CachedDocumentKind; readonly requestDependent: true }

/**
 * A pass leaves a group's documents to the requests once this many of them ran into a template bound (SPEC §16
 * "Template cost"): each costs a whole render budget, and a node that never asks should not pay for it.
 */
const OVER_LIMIT_GIVE_UP = 3

/** What the pre-render reads: the cache, the inputs and the documents of one node. */
export interface PrerenderSource<I> {
  readonly cache: DocumentCache
  /** The generations the cache is keyed on (inventory, store). */
  generations(): readonly number[]
  /** Every node of the current snapshot (`Inventory.nodes()`). */
  nodes(): Iterable<InventoryNode>
  /** Snapshot size, for the pass summary. */
  nodeCount(): number
  /** The input shared by a generation's documents (the NC-7 index). */
  loadIndex(): Promise<I>
  documents(node: InventoryNode, index: I): Iterable<WarmDocument>
  /** Calls `listener` after each store write; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void
  readonly logger: Logger
}

/** A running pre-render. */
export interface Prerenderer {
  /** Starts the first pass (sliced, in the background) and re-runs after every generation change. Idempotent. */
  start(): void
  /** Cancels the running pass and every future slice and check. Idempotent; cannot be restarted. */
  stop(): void
  stats(): PrerenderStats
}

/**
 * The OPS-7 pre-render: after start and after every inventory or store generation change, every node's documents
 * are rendered into the cache in slices of about `sliceMs`, yielding between slices, so a boot storm finds them
 * cached while requests stay fast (a request for a node not reached yet renders it as usual). A generation change
 * abandons the pass, and a new one starts once the generations settle (see `pollMs`); the cache's epoch guard keeps
 * an old generation's document from ever being stored under a new one. Failures are counted, never thrown, and
 * one info line summarises each finished pass.
 */
export function createPrerenderer<I>(source: PrerenderSource<I>, options: PrerenderOptions = {}): Prerenderer {
  const { sliceMs = 4, pollMs = 500, scheduler = defaultWarmScheduler, clock = systemClock } = options
  const builds = zeroDocumentCounts()
  const counters = { passes: 0, abandoned: 0 }
  let lastPass: PrerenderPass | undefined
  let state: 'idle' | 'started' | 'stopped' = 'idle'
  let pass: Pass | undefined
  let doneFor: readonly number[] | undefined
  let lastSeen: readonly number[] = []
  let failedFor: readonly number[] = []
  let teardown: (() => void)[] = []

  /** Drops the running pass if its generations are gone. */
  const abandonStale = (generations: readonly number[]): void => {
    if (pass === undefined || same(pass.generations, generations)) return
    pass = undefined
    counters.abandoned += 1
  }
  const begin = (generations: readonly number[]): void => {
    if (pass !== undefined || (doneFor !== undefined && same(doneFor, generations))) return
    const next = newPass(generations, clock.now())
    pass = next
    scheduler.soon(() => void run(next))
  }
  const check = (): void => {
    if (state !== 'started') return
    const generations = source.generations()
    const settled = same(lastSeen, generations)
    lastSeen = generations
    abandonStale(generations)
    if (settled) begin(generations)
  }
  const onWrite = (): void => {
    if (state === 'started') abandonStale(source.generations())
  }

  async function run(p: Pass): Promise<void> {
    if (pass !== p) return
    // The epoch comes before the index, as the cache asks: a document built from an older index cannot land in a
    // newer generation's map.
    const epoch = source.cache.epoch()
    let index: I
    try {
      index = await source.loadIndex()
    } catch (cause) {
      if (pass !== p) return
      pass = undefined // doneFor unchanged: the next check tries again, logging only the first failure.
      if (!same(failedFor, p.generations)) source.logger.info('NoCloud pre-render failed', { error: errorText(cause) })
      failedFor = p.generations
      return
    }
    const iterator = source.nodes()[Symbol.iterator]()
    const slice = (): void => {
      if (pass !== p) return
      if (!same(p.generations, source.generations())) return abandonStale(source.generations())
      const began = clock.now()
      p.slices += 1
      try {
        for (;;) {
          const next = iterator.next()
          if (next.done) return finish(p, false, began)
          if (!warmNode(next.value, index, epoch, p)) return finish(p, true, began)
          p.nodes += 1
          if (clock.now() - began >= sliceMs) break
        }
      } catch (cause) {
        // A bug, not a render failure (those are caught per document): end the pass rather than crash the process.
        source.logger.warn('NoCloud pre-render stopped', { error: errorText(cause) })
        return finish(p, false, began)
      }
      p.busyMs += clock.now() - began
      scheduler.soon(slice)
    }
    slice()
  }

  /** Caches the node's documents; false when the cache is full. */
  function warmNode(node: InventoryNode, index: I, epoch: CacheEpoch, p: Pass): boolean {
    let docs: Iterable<WarmDocument>
    try {
      docs = source.documents(node, index)
    } catch {
      p.failures += 1
      return true
    }
    for (const doc of docs) {
      if ('requestDependent' in doc) {
        p.requestDependent += 1
        continue
      }
      if (epoch.get(doc.key, node) !== undefined) {
        p.documents += 1
        continue
      }
      if (epoch.failure(doc.key, node) !== undefined) {
        p.failures += 1
        continue
      }
      if (doc.group !== undefined && (p.overLimit.get(doc.group) ?? 0) >= OVER_LIMIT_GIVE_UP) {
        p.overLimitSkipped += 1
        continue
      }
      if (epoch.full()) return false
      let rendered: RenderedDocument
      try {
        rendered = doc.build()
      } catch (err) {
        p.failures += 1 // not logged per node: the request answers the error
        // A template bound is certain for these inputs and costs a whole budget: remember it (SPEC §16).
        if (isRenderLimitError(err)) {
          epoch.setFailure(doc.key, node, err)
          if (doc.group !== undefined) p.overLimit.set(doc.group, (p.overLimit.get(doc.group) ?? 0) + 1)
        }
        continue
      }
      builds[doc.kind] += 1
      epoch.set(doc.key, node, rendered)
      p.documents += 1
    }
    return true
  }

  function finish(p: Pass, capped: boolean, sliceBegan: number): void {
    const end = clock.now()
    pass = undefined
    doneFor = p.generations
    counters.passes += 1
    const { generations: _, startedAt, overLimit: __, ...tally } = p
    lastPass = { ...tally, busyMs: tally.busyMs + end - sliceBegan, ofNodes: source.nodeCount(), capped, durationMs: end - startedAt }
    source.logger.info('NoCloud documents pre-rendered', { ...lastPass })
  }

  return {
    start() {
      if (state !== 'idle') return
      state = 'started'
      teardown = [source.subscribe(onWrite), scheduler.every(check, pollMs)]
      lastSeen = source.generations()
      begin(lastSeen)
    },
    stop() {
      if (state === 'stopped') return
      state = 'stopped'
      pass = undefined
      for (const undo of teardown) undo()
      teardown = []
    },
    stats: () => ({
      enabled: state === 'started',
      running: pass !== undefined,
      builds: { ...builds },
      ...counters,
      ...(lastPass === undefined ? {} : { lastPass }),
    }),
  }
}

// --- internal ---

interface Pass {
  readonly generations: readonly number[]
  readonly startedAt: number
  documents: number
  nodes: number
  failures: number
  requestDependent: number
  overLimitSkipped: number
  /** Group documents of this pass that ran into a template bound, by group. */
  readonly overLimit: Map<string, number>
  busyMs: number
  slices: number
}

function newPass(generations: readonly number[], startedAt: number): Pass {
  return {
    generations,
    startedAt,
    documents: 0,
    nodes: 0,
    failures: 0,
    requestDependent: 0,
    overLimitSkipped: 0,
    overLimit: new Map(),
    busyMs: 0,
    slices: 0,
  }
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((g, i) => g === b[i])
}
