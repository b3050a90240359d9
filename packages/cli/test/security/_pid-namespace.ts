import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { BuiltServer } from './_built-serve.js'

// Running the built server as PID 1 of a PID namespace of its own, as the shipped container does (deploy/
// Containerfile), so tests can SIGKILL and restart it the way a container runtime does (STO-5, issue 16).
// unshare blocks SIGTERM while it waits for its child, so a server is stopped through its own pid
// ({@link stoppedInside}); `--kill-child` still ends it should unshare itself be killed.

/** `argv` prefixed to run as PID 1 of a new PID (and mount, for /proc) namespace: `unshare --pid --fork --mount-proc`. */
export function runAsPid1(argv: string[]): string[] {
  return ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc', ...argv]
}

/**
 * Like {@link runAsPid1}, and inside its own mount namespace bind-mounts `source` at `target` first: one volume
 * mounted into a second container at another path.
 */
export function runAsPid1WithVolume(source: string, target: string): (argv: string[]) => string[] {
  return (argv) => runAsPid1(['sh', '-c', 'mount --bind "$0" "$1" && shift && exec "$@"', source, target, ...argv])
}

/** `server` (spawned with {@link runAsPid1}) whose `stop()` sends SIGTERM to the server itself, not to unshare. */
export function stoppedInside(server: BuiltServer): BuiltServer {
  const inner = childPid(server.child.pid as number)
  return {
    ...server,
    stop: () => {
      try {
        process.kill(inner, 'SIGTERM')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err // already gone (a test killed it)
      }
      return server.exited
    },
  }
}

/** The one child of `pid` (the server unshare forked), as our PID namespace numbers it. */
export function childPid(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
  if (children.length !== 1) throw new Error(`expected one child of ${pid}, found ${children.length}`)
  return Number(children[0])
}

/** Resolves once `pid` no longer exists (neither running nor a zombie). */
export async function processGone(pid: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if ((await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined)) === undefined) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`process ${pid} still exists`)
}
