// `--pin` (issue 19): the measured targets (server, bare baseline, nginx) on CPUs 0…n-2 and wrk on the last one, with
// taskset (util-linux), so the load generator and the target never take each other's core. Other processes on the
// machine are not pinned away: read `other cpu%` as before.
import { cpus } from 'node:os'

let enabled = false

/** Turns pinning on for every later {@link pinned} call. Throws when the machine has fewer than 2 CPUs. */
export function enablePinning() {
  if (cpus().length < 2) throw new Error('--pin needs at least 2 CPUs')
  enabled = true
}

/**
 * The command line that runs `command args` on the CPUs of `role` when pinning is on; unchanged otherwise.
 * taskset execs the command, so the spawned pid is the command's own.
 * @param {'target' | 'client'} role
 * @param {string} command
 * @param {readonly string[]} args
 * @returns {[string, string[]]}
 */
export function pinned(role, command, args) {
  if (!enabled) return [command, [...args]]
  const last = cpus().length - 1
  const list = role === 'client' ? String(last) : last === 1 ? '0' : `0-${last - 1}`
  return ['taskset', ['-c', list, command, ...args]]
}
