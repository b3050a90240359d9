import { setFlagsFromString } from 'node:v8'
import { nodeOptionFlags, setsSemiSpace } from '@metadata-service/adapter-smd'

// V8 "pretenures" an allocation site (allocates its objects straight into the old generation) once most of the
// objects it made were seen to survive a young collection, and on this path it does not take that back. In a
// boot storm Node's own per-connection objects (the socket, its streams' state, the HTTP parser's hooks) were
// pretenured, so every short-lived connection left its objects in the old generation until a full collection:
// ~130 of ~160 MB promoted in two 10,000-node storms, the old generation growing by 4–5 MB per young
// collection (issue 19). With pretenuring off those objects die young, in cheap scavenges.
const OFF = '--no-allocation-site-pretenuring'
const SET_BY_OPERATOR = /^--(no-)?allocation[-_]site[-_]pretenuring(=|$)/

/**
 * Turns V8's allocation-site pretenuring off for this process, unless its command line (`execArgv`, e.g.
 * `node --allocation-site-pretenuring …`) sets that flag either way; NODE_OPTIONS cannot carry it. Call it first:
 * sites V8 has already pretenured stay so. Measured on Node 24, 100,000 nodes, 3 storms of new connections after
 * the pre-render: peak RSS 586–627 → 491–506 MiB and about 8 % less CPU per request. Returns whether it set it.
 */
export function tuneGarbageCollector(execArgv: readonly string[], setFlags: (flags: string) => void = setFlagsFromString): boolean {
  if (execArgv.some((flag) => SET_BY_OPERATOR.test(flag))) return false
  setFlags(OFF)
  return true
}

/**
 * The young generation a serving process starts with, in MiB per semi-space. V8 sizes it from the machine's memory:
 * 2 × 64 MiB on a 24 GiB machine, which a boot storm fills and RSS keeps. Measured on Node 24 with pretenuring off
 * (issue 19), 3 storms of new connections after the pre-render: peak RSS at 10,000 nodes 281 → 235–239 MiB and at
 * 100,000 nodes 491–506 → 439–442 MiB, at the same CPU per request (16 MiB saved no more at 100,000 nodes).
 */
export const SERVER_SEMI_SPACE_MIB = 32

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
 * Replaces this process (same pid, stdio and environment) with one started with {@link missingStartFlags}, when it
 * is about to serve and lacks them: call it before anything opens a file, a port or a lock. Returns (false) when
 * there is nothing to add, the runtime has no `execve`, or it failed; that last case is reported on `stderr`, and
 * the process serves on with V8's default young generation.
 */
export function relaunchWithStartFlags(proc: Relaunchable, serving: boolean, stderr: (text: string) => void): boolean {
  const flags = missingStartFlags(proc.execArgv, proc.env)
  if (!serving || flags.length === 0 || proc.execve === undefined) return false
  try {
    return proc.execve(proc.execPath, [proc.execPath, ...flags, ...proc.execArgv, ...proc.argv.slice(1)], proc.env)
  } catch (err) {
    stderr(`metadata-service: could not restart with ${flags.join(' ')} (${(err as Error).message}); serving with V8's default young generation\n`)
    return false
  }
}
