import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
const BIN = join(REPO, 'packages/cli/bin/metadata-service.js')
const BUNDLE = join(REPO, 'packages/cli/dist/index.js')

/** `metadata-service serve` from the built executable, as an operator runs it. */
export interface BuiltServer {
  readonly port: number
  /** The JSON log lines written so far (OPS-5 request lines included). */
  logs(): Record<string, unknown>[]
  /** SIGTERM, then waits for the exit (OPS-4); resolves with the exit code. Safe to call twice. */
  stop(): Promise<number | null>
}

/**
 * Starts `<wrap…> node bin/metadata-service.js serve <args> --port 0` (`wrap` places it, e.g. `ip netns exec <ns>`
 * and a clean `env -i`) and resolves once it logs `listening`.
 */
export async function startBuiltServer(wrap: readonly string[], args: readonly string[]): Promise<BuiltServer> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`)
  const [file, ...rest] = [...wrap, process.execPath, BIN, 'serve', ...args, '--port', '0']
  const child: ChildProcess = spawn(file!, rest, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const logs = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return exited
  }

  for (let i = 0; i < 200; i++) {
    const listening = logs().find((line) => line.msg === 'listening')
    if (listening !== undefined) return { port: listening.port as number, logs, stop }
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${stderr}${stdout}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await stop()
  throw new Error(`serve did not log "listening" within 10 s: ${stderr}${stdout}`)
}
