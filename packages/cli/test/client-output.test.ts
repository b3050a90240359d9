import { QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/testing'
import { stringify as toYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo, groupResource, startStub } from './helpers.js'
import { startMockServer } from './serve-helpers.js'

// What the client prints and the exit codes scripts rely on (SPEC §16 CLI, issue 17): JSON in a pipe and a
// table on a terminal, -o on every command, health and render exit codes, --spec forms, status warnings.

let server: string
let stop: () => Promise<void>

beforeAll(async () => {
  ;({ url: server, stop } = await startMockServer('mds-client-output-'))
})
afterAll(() => stop())

async function cli(argv: string[], options: Parameters<typeof fakeIo>[0] = {}, at = server) {
  const io = fakeIo(options)
  const code = await runCli(['--server', at, ...argv], io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

describe('JSON in a pipe, a table on a terminal, -o wins', () => {
  beforeAll(async () => {
    expect((await cli(['group', 'create', '--spec', JSON.stringify(QUICKSTART_GROUP_COMPUTE)])).code).toBe(0)
  })

  it('prints JSON when stdout is not a terminal, for `| jq` (2-space indent)', async () => {
    const { code, out } = await cli(['group', 'get', 'compute'])
    expect(code).toBe(0)
    expect(out).toBe(`${JSON.stringify(JSON.parse(out), null, 2)}\n`)
    expect(JSON.parse(out)).toMatchObject({ kind: 'Group', metadata: { name: 'compute' } })
  })

  it('prints the UID NAME UPDATED table on a terminal', async () => {
    expect((await cli(['group', 'list'], { tty: true })).out).toMatch(/^UID +NAME +UPDATED\ngroup-[0-9a-f]{8} +compute +\S+\n$/)
  })

  it('lets -o (or METADATA_SERVICE_OUTPUT, or output: in the client file) choose either way', async () => {
    expect((await cli(['group', 'list', '-o', 'table'])).out).toMatch(/^UID +NAME +UPDATED\n/)
    expect(JSON.parse((await cli(['group', 'list', '-o', 'json'], { tty: true })).out)).toHaveLength(1)
    expect((await cli(['group', 'list'], { tty: true, env: { METADATA_SERVICE_OUTPUT: 'yaml' } })).out).toMatch(/^- apiVersion: v1\n/)
    const home = { env: { HOME: '/home/op' }, files: { '/home/op/.metadata_service-cli.yaml': 'output: yaml\n' } }
    expect((await cli(['group', 'list'], home)).out).toMatch(/^- apiVersion: v1\n/)
    expect((await cli(['group', 'list', '-o', 'json'], home)).out).toMatch(/^\[\n/)
  })

  it('takes -o on health, version and render too', async () => {
    expect(JSON.parse((await cli(['health'])).out)).toEqual({ service: 'metadata-service', status: 'healthy' })
    expect((await cli(['health'], { tty: true })).out).toBe('SERVICE            STATUS\nmetadata-service   healthy\n')
    expect((await cli(['health', '-o', 'yaml'])).out).toBe('service: metadata-service\nstatus: healthy\n')
    const render = await cli(['render', '--node', 'x1000c0s0b0n0', '--group', 'compute', '-o', 'yaml'], { tty: true })
    expect(render.out).toMatch(/^node: x1000c0s0b0n0\n/)
  })
})

describe('health exits 0 only when the service says it is healthy', () => {
  it('exits 0 for the real service', async () => {
    expect((await cli(['health'])).code).toBe(0)
  })

  it.each([
    ['an HTML page', 200, '<!DOCTYPE html>\n<html><body>Welcome to nginx!</body></html>', 'text/html', 'text/html: <!DOCTYPE html> <html><body>Welcome to nginx!</body></html>'],
    ['another JSON', 200, '{"ok":true}', 'application/json', 'application/json: {"ok":true}'],
    ['an empty body', 502, '', 'text/plain', 'text/plain'],
  ])('fails for %s, printing nothing on stdout and naming what answered', async (_, status, body, contentType, tail) => {
    const stub = await startStub(() => ({ status, body, contentType }))
    try {
      expect(await cli(['health'], {}, stub.url)).toEqual({
        code: 1,
        out: '',
        err: `Error: ${stub.url}/health did not answer as metadata-service: HTTP ${status}, ${tail}\n`,
      })
    } finally {
      await stub.close()
    }
  })

  it('exits 1 for a 200 that says unhealthy, and for a 503, still printing the answer', async () => {
    for (const [status, body] of [
      [200, { service: 'metadata-service', status: 'degraded' }],
      [503, { reason: 'smd initial refresh pending', service: 'metadata-service', status: 'unhealthy' }],
    ] as const) {
      const stub = await startStub(() => ({ status, body }))
      try {
        const table = await cli(['health'], { tty: true }, stub.url)
        expect(table.code).toBe(1)
        if (status === 503) {
          expect(table.out).toBe('SERVICE            STATUS      REASON\nmetadata-service   unhealthy   smd initial refresh pending\n')
        }
        expect(JSON.parse((await cli(['health'], {}, stub.url)).out)).toEqual(body)
      } finally {
        await stub.close()
      }
    }
  })
})

describe('--spec takes JSON, YAML, @file or - (stdin)', () => {
  const request = { metadata: { name: 'green' }, spec: QUICKSTART_GROUP_GREEN.spec }
  const created = async (argv: string[], options: Parameters<typeof fakeIo>[0] = {}) => {
    const result = await cli(['group', 'create', ...argv], options)
    expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: '' })
    const group = JSON.parse(result.out) as { metadata: { uid: string }; spec: unknown }
    expect(group.spec).toEqual({ ...QUICKSTART_GROUP_GREEN.spec })
    expect((await cli(['group', 'delete', group.metadata.uid])).code).toBe(0)
  }

  it('JSON or YAML text', async () => {
    await created(['--spec', JSON.stringify(request)])
    await created(['--spec', toYaml(request)])
  })

  it('@file, JSON or YAML', async () => {
    await created(['--spec', '@green.json'], { files: { 'green.json': JSON.stringify(request) } })
    await created(['--spec', '@green.yaml'], { files: { 'green.yaml': toYaml(request) } })
  })

  it('- or nothing: standard input', async () => {
    await created(['--spec', '-'], { stdin: toYaml(request) })
    await created([], { stdin: JSON.stringify(request) })
  })

  it.each([
    [['--spec', 'green.json'], 'Error: --spec takes the JSON or YAML itself, not a file name: to read green.json, pass --spec @green.json'],
    [['--spec', 'green'], 'Error: --spec takes the JSON or YAML itself, not a file name: to read green, pass --spec @green'],
    [['--spec', '@nope.json'], 'Error: cannot read --spec @nope.json: no such file'],
    [['--spec', '{"metadata":'], /^Error: invalid --spec JSON: /],
    [['--spec', 'metadata: [x'], /^Error: invalid --spec: neither JSON nor YAML: /],
    [['--spec', 'hello'], 'Error: invalid --spec: expected a JSON or YAML object, got "hello"'],
  ])('%j → exit 2 with a message that says what to do', async (argv, message) => {
    const { code, out, err } = await cli(['group', 'create', ...argv], { files: { green: 'x' } })
    expect({ code, out }).toEqual({ code: 2, out: '' })
    expect(err.split('\n')[0]).toMatch(message)
  })

  it('patch reads --spec and --json-patch the same ways', async () => {
    await cli(['group', 'create', '--spec', JSON.stringify(request)])
    const merged = await cli(['group', 'patch', 'green', '--spec', 'description: Yaml green'])
    expect(JSON.parse(merged.out).spec.description).toBe('Yaml green')
    const ops = [{ op: 'replace', path: '/description', value: 'From a file' }]
    const patched = await cli(['group', 'patch', 'green', '--json-patch', '@ops.json'], { files: { 'ops.json': JSON.stringify(ops) } })
    expect(JSON.parse(patched.out).spec.description).toBe('From a file')
  })
})

describe('status warnings are printed after a write, in every output mode', () => {
  const warned = {
    ...groupResource('group-0000000a', 'compute'),
    status: { valid: true, warnings: [{ code: 'CLOUD_INIT_IGNORED', message: 'cloud-init ignores this template: its first line is not #cloud-config' }] },
  }
  const line = 'Warning: Group compute: cloud-init ignores this template: its first line is not #cloud-config\n'

  it.each([['create', []], ['update', ['compute']], ['patch', ['compute']]])('%s: on stderr, stdout unchanged', async (action, target) => {
    const stub = await startStub((req) => ({ status: req.method === 'GET' ? 200 : 201, body: req.method === 'GET' ? [warned] : warned }))
    try {
      const argv = ['group', action, ...target, '--spec', '{"spec":{}}']
      const piped = await cli(argv, {}, stub.url)
      expect([piped.code, JSON.parse(piped.out), piped.err]).toEqual([0, warned, line])
      expect(await cli(argv, { tty: true }, stub.url)).toEqual({
        code: 0,
        out: 'UID              NAME      UPDATED\ngroup-0000000a   compute   2025-01-02T03:04:05.000Z\n',
        err: line,
      })
      expect((await cli([...argv, '-o', 'yaml'], {}, stub.url)).err).toBe(line)
    } finally {
      await stub.close()
    }
  })

  it('are shown under the table of list and get, and nothing is printed without them', async () => {
    const plain = groupResource('group-0000000b', 'green')
    const stub = await startStub(() => ({ status: 200, body: [warned, plain] }))
    try {
      expect(await cli(['group', 'list'], { tty: true }, stub.url)).toEqual({
        code: 0,
        out:
          'UID              NAME      UPDATED\ngroup-0000000a   compute   2025-01-02T03:04:05.000Z\n' +
          'group-0000000b   green     2025-01-02T03:04:05.000Z\n\n' +
          'warning: compute: cloud-init ignores this template: its first line is not #cloud-config\n',
        err: '',
      })
    } finally {
      await stub.close()
    }
    expect((await cli(['group', 'patch', 'compute', '--set', 'description=x'])).err).toBe('')
  })

  it("print the real server's warning for a template cloud-init would ignore (issue 17)", async () => {
    const request = { metadata: { name: 'plainyaml' }, spec: { template: 'hostname: {{ hostname }}\n' } }
    const created = await cli(['group', 'create', '--spec', JSON.stringify(request)])
    expect(created.code).toBe(0)
    expect(JSON.parse(created.out).status.warnings).toEqual([{ code: 'CLOUD_INIT_IGNORED', message: expect.any(String) }])
    expect(created.err).toMatch(/^Warning: Group plainyaml: cloud-init ignores this document: it starts with "hostname: /)
  })
})
