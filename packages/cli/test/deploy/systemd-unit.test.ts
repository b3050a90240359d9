import { spawn } from 'node:child_process'
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { QUICKSTART_GROUP_COMPUTE } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN } from '../spawned-serve.js'

// deploy/metadata-service.service run as systemd would run it (issue 17): its ExecStart, with its specifiers and
// Environment= expanded, as an unprivileged user (a DynamicUser= uid, through setpriv), with the directories systemd
// lays out: the configuration directory root-owned and world-readable, the state directory owned by the user, and
// the credentials directory holding the LoadCredential= secrets found in the credential store. It must serve the
// mock inventory and store resources without anyone running chown. The only deviation: port 0 on 127.0.0.1.

const UNIT = fileURLToPath(new URL('../../../../deploy/metadata-service.service', import.meta.url))
/** A uid of systemd's DynamicUser= range (61184–65519), with no passwd entry, as a dynamic user has none on disk. */
const DYNAMIC_UID = 61234
const SECRET = 'systemd-credential-jwt-3c9d'

interface Unit {
  readonly execStart: string
  readonly environment: Record<string, string>
  /** LoadCredential= id → source name in the credential store. */
  readonly credentials: Record<string, string>
  readonly service: Map<string, string[]>
}

async function readUnit(): Promise<Unit> {
  const service = new Map<string, string[]>()
  let section = ''
  for (const line of (await readFile(UNIT, 'utf8')).split('\n')) {
    const header = /^\[(.+)\]$/.exec(line)
    if (header) section = header[1] as string
    const entry = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (entry && section === 'Service') service.set(entry[1] as string, [...(service.get(entry[1] as string) ?? []), entry[2] as string])
  }
  const pairs = (key: string, sep: string) =>
    Object.fromEntries((service.get(key) ?? []).map((v) => [v.slice(0, v.indexOf(sep)), v.slice(v.indexOf(sep) + 1)]))
  return { execStart: service.get('ExecStart')?.[0] ?? '', environment: pairs('Environment', '='), credentials: pairs('LoadCredential', ':'), service }
}

let root: string
let children: ReturnType<typeof spawn>[] = []
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mds-systemd-'))
  await chmod(root, 0o755)
})
afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  children = []
  await rm(root, { recursive: true, force: true })
})

/** The directories of the unit under `root`, as systemd prepares them before ExecStart. */
async function layOut(unit: Unit, options: { configMode?: number } = {}) {
  const etc = join(root, 'etc')
  const varLib = join(root, 'var/lib')
  const configDir = join(etc, unit.service.get('ConfigurationDirectory')?.[0] ?? '')
  const stateDir = join(varLib, unit.service.get('StateDirectory')?.[0] ?? '')
  const credentialsDir = join(root, 'run/credentials/metadata-service.service')
  // ConfigurationDirectory=: root-owned, 0755 (the operator writes config.yaml 0644, as deploy/README.md says).
  await mkdir(configDir, { recursive: true, mode: 0o755 })
  await chmod(configDir, options.configMode ?? 0o755)
  await writeFile(join(configDir, 'config.yaml'), 'mock_smd: true\nlog_level: debug\n', { mode: 0o644 })
  // StateDirectory=: owned by the dynamic user, StateDirectoryMode=.
  await mkdir(stateDir, { recursive: true })
  await chown(stateDir, DYNAMIC_UID, DYNAMIC_UID)
  await chmod(stateDir, Number.parseInt(unit.service.get('StateDirectoryMode')?.[0] ?? '0755', 8))
  // The credential store (root only) holds one of the secrets; LoadCredential= copies what exists, owned by the user.
  const credstore = join(etc, 'credstore')
  await mkdir(credstore, { mode: 0o700 })
  await writeFile(join(credstore, unit.credentials.smd_jwt ?? 'missing'), `${SECRET}\n`, { mode: 0o600 })
  await mkdir(credentialsDir, { recursive: true })
  for (const [id, source] of Object.entries(unit.credentials)) {
    if (!existsSync(join(credstore, source))) continue
    await copyFile(join(credstore, source), join(credentialsDir, id))
    await chown(join(credentialsDir, id), DYNAMIC_UID, DYNAMIC_UID)
    await chmod(join(credentialsDir, id), 0o400)
  }
  await chown(credentialsDir, DYNAMIC_UID, DYNAMIC_UID)
  await chmod(credentialsDir, 0o500)
  const specifiers: Record<string, string> = { '%E': etc, '%S': varLib, '%d': credentialsDir }
  const expand = (text: string) => text.replace(/%[ESd]/g, (s) => specifiers[s] as string)
  return { configDir, stateDir, credentialsDir, expand }
}

/** Runs ExecStart as the dynamic user; `listening()` resolves once it logs so (or rejects with its output). */
function start(unit: Unit, dirs: Awaited<ReturnType<typeof layOut>>) {
  const [command, ...args] = dirs.expand(unit.execStart).split(' ')
  expect(command).toBe('metadata-service')
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...Object.fromEntries(Object.entries(unit.environment).map(([k, v]) => [k, dirs.expand(v)])),
    // What systemd exports to the service.
    CONFIGURATION_DIRECTORY: dirs.configDir,
    STATE_DIRECTORY: dirs.stateDir,
    CREDENTIALS_DIRECTORY: dirs.credentialsDir,
    // The deviation: no fixed port in a test.
    METADATA_SERVICE_PORT: '0',
    METADATA_SERVICE_HOST: '127.0.0.1',
  }
  const id = String(DYNAMIC_UID)
  const child = spawn('setpriv', [`--reuid=${id}`, `--regid=${id}`, '--clear-groups', process.execPath, BIN, ...args], { env, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')))
  const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const listening = async () => {
    for (let i = 0; i < 600; i++) {
      const line = lines().find((l) => l.msg === 'listening')
      if (line !== undefined) return line.port as number
      if (child.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`serve did not listen:\n${out}`)
  }
  return { child, exited, listening, lines, output: () => out }
}

describe('deploy/metadata-service.service run as systemd runs it', () => {
  it('serves as an unprivileged dynamic user: config readable, state owned, secrets from credentials', async () => {
    const unit = await readUnit()
    expect(unit.execStart).toBe('metadata-service serve --config %E/metadata-service/config.yaml --data-dir %S/metadata-service')
    expect(unit.service.get('DynamicUser')).toEqual(['yes'])
    const dirs = await layOut(unit)
    const run = start(unit, dirs)
    const server = `http://127.0.0.1:${await run.listening()}`

    expect((await fetch(`${server}/health`)).status).toBe(200)
    const meta = await fetch(`${server}/meta-data`, { headers: { 'X-Forwarded-For': '10.252.0.26' } })
    expect(meta.status).toBe(200)
    expect(await meta.text()).toMatch(/^instance-id: x1000c0s0b0n0\n/)
    const created = await fetch(`${server}/groups`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(QUICKSTART_GROUP_COMPUTE) })
    expect(created.status).toBe(201)
    // The resource lands in the state directory, written by the dynamic user.
    const [file] = await readdir(join(dirs.stateDir, 'groups'))
    expect((await stat(join(dirs.stateDir, 'groups', file as string))).uid).toBe(DYNAMIC_UID)

    // smd_jwt came from the credential; it is never printed (SEC-4).
    const sources = run.lines().find((l) => l.msg === 'configuration sources')?.sources as Record<string, string>
    expect(sources.smd_jwt).toBe('credential smd_jwt')
    expect(sources.data_dir).toBe('flag --data-dir')
    expect(run.lines().find((l) => l.msg === 'configuration')?.config).toMatchObject({ smd_jwt: '***', data_dir: dirs.stateDir })
    expect(run.output()).not.toContain(SECRET)

    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    expect(existsSync(join(dirs.stateDir, 'metadata-service.lock'))).toBe(false)
  }, 60_000)

  it('fails with EACCES when the configuration directory is root-only 0750, as the old recipe made it', async () => {
    const unit = await readUnit()
    const run = start(unit, await layOut(unit, { configMode: 0o750 }))
    expect(await run.exited).toBe(1)
    expect(run.output()).toMatch(/cannot read config file .*config\.yaml: EACCES/)
  }, 60_000)
})
