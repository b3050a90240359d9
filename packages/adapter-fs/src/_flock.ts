import { spawn } from 'node:child_process'

/** What an attempt to take the kernel lock on an open file gave. */
export type FlockOutcome =
  /** This process now holds the lock (until the descriptor's last copy closes, e.g. when the process dies). */
  | 'locked'
  /** Another open file description holds it: a live process (or a live child it handed the descriptor to). */
  | 'busy'
  /** The flock command is not installed (a system without util-linux or BusyBox `flock`). */
  | 'unavailable'

/**
 * Takes an exclusive, non-blocking `flock(2)` lock on the open file `fd`, without a native addon (Node has no flock
 * API, issue 16): `flock -n -x 3` runs with `fd` as its descriptor 3. A flock lock belongs to the open file
 * description, which this process shares with the child, so the lock outlives the child and is released by the
 * kernel only when this process closes `fd` or dies in any way (SIGKILL, OOM, a zombie's descriptors are already
 * closed). It works across PID and mount namespaces that see the same file (a volume in two containers).
 *
 * Resolves `busy` when flock exits 1 without a message (its "would block"); `unavailable` when `command` cannot be
 * found. Rejects with an Error carrying flock's own message for anything else (e.g. a file system without locks).
 */
export function flockExclusive(fd: number, command: string): Promise<FlockOutcome> {
  return new Promise((resolve, reject) => {
    let stderr = ''
    const child = spawn(command, ['-n', '-x', '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] })
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? resolve('unavailable') : reject(err)))
    child.once('close', (code, signal) => {
      if (code === 0) resolve('locked')
      else if (code === 1 && stderr.trim() === '') resolve('busy')
      else reject(new Error(`${command} -n -x failed (${code ?? signal}): ${stderr.trim()}`))
    })
  })
}
