import { setFlagsFromString } from 'node:v8'
import { nodeOptionFlags, setsSemiSpace } from '@metadata-service/adapter-smd'

// V8 "pretenures" an allocation site (allocates its objects straight into the old generation) once most of the
// objects it made were seen to survive a young collection, and on this path it does not take that back. In a
// boot storm Node's own per-connection objects (the socket, its streams' state, the HTTP parser's hooks) were
// pretenured, so every short-lived connection left its objects in the old generation until a full collection:
// ~130 of ~160 MB promoted in two 10,000-node storms, the old generation growing by 4–5 MB per young
// collection (issue 19). With pretenuring off those objects die young, in cheap scavenges.
const PRETENURING_OFF = '--no-allocation-site-pretenuring'

/**
 * How far V8 lets the old generation grow past what survived its last full collection before the next one, in
 * percent. V8 picks a factor between 1.1 and 4 from how fast it collects against how fast the program allocates; a
 * server that collects fast got factors that let the old generation reach 2–3 times what is alive, all of it
 * resident. Measured on Node 24, 100,000 nodes, pinned (issue 19): with all 500,000 documents fetched and then 3
 * storms after a cache flush and pre-render, 2 interleaved rounds, peak RSS 476 / 440 → 379 / 377 MiB, CPU per
 * request within the runs' spread; `npm run bench` 418 → 384 MiB. The cost: more full collections during a full
 * SMD sync under a storm, p99 44–49 → 52–58 ms (4 interleaved rounds of the bench's sync storm).
 */
export const HEAP_GROWING_PERCENT = 30

/** The V8 flags set while running, each with how an operator's own setting on the command line is recognised. */
const RUNTIME_FLAGS: readonly { readonly flag: string; readonly setBy: RegExp }[] = [
  { flag: PRETENURING_OFF, setBy: /^--(no-)?allocation[-_]site[-_]pretenuring(=|$)/ },
  { flag: `--heap-growing-percent=${HEAP_GROWING_PERCENT}`, setBy: /^--heap[-_]growing[-_]percent(=|$)/ },
]

/**
 * Turns V8's allocation-site pretenuring off for this process and caps its old-generation growth factor
 * ({@link HEAP_GROWING_PERCENT}), each unless its command line (`execArgv`, e.g. `node --allocation-site-pretenuring
 * …` or `node --heap-growing-percent=50 …`) sets that flag; NODE_OPTIONS cannot carry them. Call it first: sites V8
 * has already pretenured stay so. Pretenuring off, measured on Node 24, 100,000 nodes, 3 storms of new connections
 * after the pre-render: peak RSS 586–627 → 491–506 MiB and about 8 % less CPU per request. Returns the flags it set.
 */
export function tuneGarbageCollector(execArgv: readonly string[], setFlags: (flags: string) => void = setFlagsFromString): string[] {
  const missing = RUNTIME_FLAGS.filter(({ setBy }) => !execArgv.some((flag) => setBy.test(flag))).map(({ flag }) => flag)
  for (const flag of missing) setFlags(flag)
  return missing
}

/**
 * The young generation a serving process starts with, in MiB per semi-space. V8 sizes it from the machine's memory:
 * 2 × 64 MiB on a 24 GiB machine, which a boot storm fills and RSS keeps. Measured on Node 24 with pretenuring off
 * (issue 19), 3 storms of new connections after the pre-render: 32 MiB took the peak RSS at 10,000 nodes from 281 to
 * 235–239 MiB and at 100,000 nodes from 491–506 to 439–442 MiB, at the same CPU per request. 16 MiB saved no more
 * then; once the document cache kept its entries off the V8 heap it did, at 100,000 nodes (4 storms after a flush and
 * pre-render, 3 interleaved rounds): peak RSS 355–360 → 322–325 MiB, `npm run bench` 385 → 345 MiB, for about 4 µs
 * more CPU per request (134–137 → 136–142 µs in the warm storms) as more of a storm's short-lived objects are copied.
 */
export const SERVER_SEMI_SPACE_MIB = 16

/**
 * glibc's threshold for serving an allocation from its own `mmap`, in bytes: its initial default, fixed. Left to
 * itself glibc raises the threshold to the size of each mmapped block freed (up to 32 MiB): after the first SMD
 * table buffers were freed, the document cache's 1 MiB body buffers came from the heap, which keeps freed holes
 * mapped, instead of from mappings returned whole when freed. Measured (issue 19, Node 24, 100,000 nodes, 3 storms
 * each after a cache flush and pre-render, 2 interleaved rounds): peak RSS 486 / 435 → 434 / 426 MiB, malloc-owned
 * RSS after the storms 242 / 185 → 180 / 176 MiB; CPU per request 126–157 → 126–160 µs, within the runs' spread.
 */
export const MALLOC_MMAP_THRESHOLD_BYTES = 128 * 1024

const MMAP_THRESHOLD_TUNABLE = /(^|:)glibc\.malloc\.mmap_threshold=/

/** What {@link relaunchWithStartFlags} reads and calls: `process` in production. */
export interface Relaunchable {
  readonly execPath: string
  readonly execArgv: readonly string[]
  readonly argv: readonly string[]
  readonly env: NodeJS.ProcessEnv
  /** Node ≥ 22.15 and ≥ 23.11 have it (replaces the process image, same pid); older ones run on unchanged. */
  readonly execve?: (file: string, args?: readonly string[], env?: NodeJS.ProcessEnv) => never
}

/**
 * The V8 flags a serving process should start with and was not given: the semi-space cap
 * ({@link SERVER_SEMI_SPACE_MIB}), unless its command line or NODE_OPTIONS sets one (the operator's value wins).
 * The flag only works when the process starts (`v8.setFlagsFromString` leaves the young generation as it is).
 */
export function missingStartFlags(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return setsSemiSpace(execArgv) || setsSemiSpace(nodeOptionFlags(env)) ? [] : [`--max-semi-space-size=${SERVER_SEMI_SPACE_MIB}`]
}

/**
 * The `GLIBC_TUNABLES` a serving process should start with: `env`'s own with the fixed mmap threshold
 * ({@link MALLOC_MMAP_THRESHOLD_BYTES}) added, or undefined when `env` already sets that tunable (the operator's
 * value wins). glibc reads it only at start; other C libraries ignore it.
 */
export function missingMallocTunables(env: NodeJS.ProcessEnv): string | undefined {
  const own = env.GLIBC_TUNABLES ?? ''
  if (MMAP_THRESHOLD_TUNABLE.test(own)) return undefined
  return [own, `glibc.malloc.mmap_threshold=${MALLOC_MMAP_THRESHOLD_BYTES}`].filter((part) => part !== '').join(':')
}

/**
 * Replaces this process (same pid and stdio) with one started with {@link missingStartFlags} and
 * {@link missingMallocTunables} (its environment otherwise the same), when it is about to serve and lacks either:
 * call it before anything opens a file, a port or a lock. Returns (false) when there is nothing to add, the runtime
 * has no `execve`, or it failed; that last case is reported on `stderr`, and the process serves on as it started.
 */
export function relaunchWithStartFlags(proc: Relaunchable, serving: boolean, stderr: (text: string) => void): boolean {
  const flags = missingStartFlags(proc.execArgv, proc.env)
  const tunables = missingMallocTunables(proc.env)
  if (!serving || (flags.length === 0 && tunables === undefined) || proc.execve === undefined) return false
  const env = tunables === undefined ? proc.env : { ...proc.env, GLIBC_TUNABLES: tunables }
  try {
    return proc.execve(proc.execPath, [proc.execPath, ...flags, ...proc.execArgv, ...proc.argv.slice(1)], env)
  } catch (err) {
    const added = [...flags, ...(tunables === undefined ? [] : [`GLIBC_TUNABLES=${tunables}`])]
    stderr(`metadata-service: could not restart with ${added.join(' ')} (${(err as Error).message}); serving as started\n`)
    return false
  }
}
