import { execFile } from 'node:child_process'

/**
 * Runs a program with arguments (no shell) and resolves when it exits with 0. Rejects with an `Error` whose message
 * names the command and carries its stderr otherwise. Injected into {@link createWireGuardTunnel} so tests can
 * record the `ip` calls instead of changing the host's interfaces.
 */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<void>

/** Time limit of one command run by {@link execFileRunner}, in milliseconds. */
const COMMAND_TIMEOUT_MS = 10_000

/** The real {@link CommandRunner}: `execFile` with a 10 s time limit. */
export const execFileRunner: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: COMMAND_TIMEOUT_MS }, (err, _stdout, stderr) => {
      if (err === null) {
        resolve()
        return
      }
      const detail = String(stderr).trim() || err.message
      reject(new Error(`${command} ${args.join(' ')}: ${detail}`, { cause: err }))
    })
  })
