import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo, groupResource, startStub, type SeenRequest, type StubAnswer } from './helpers.js'

const G1 = groupResource('group-0000000a', 'compute', '2025-01-02T03:04:05.000Z')
const G2 = groupResource('group-0000000b', 'green-nodes', '2025-02-03T04:05:06.789Z')
const NOT_FOUND = { error: 'Group not found: failed to load Group group-nope: resource not found', code: 404 }

let stub: Awaited<ReturnType<typeof startStub>>
let answer: (req: SeenRequest) => StubAnswer

beforeEach(async () => {
  answer = () => ({ status: 200, body: [G1, G2] })
  stub = await startStub((req) => answer(req))
})
afterEach(async () => {
  await stub.close()
})

async function run(argv: string[], options: Parameters<typeof fakeIo>[0] = {}) {
  const io = fakeIo(options)
  const code = await runCli(argv, io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

describe('global flags before or after the subcommand (CLI-2, AT-47)', () => {
  it.each([
    [['--server', 'URL', 'group', 'list', '-o', 'json']],
    [['group', 'list', '--server', 'URL', '-o', 'json']],
    [['-o', 'json', 'group', '--server=URL', 'list']],
    [['group', '-ojson', 'list', '--server=URL']],
  ])('%j', async (argv) => {
    const { code, out, err } = await run(argv.map((a) => a.replace('URL', stub.url)))
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(out)).toEqual([G1, G2])
    expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /groups'])
  })

  it('reads METADATA_SERVICE_SERVER and METADATA_SERVICE_TOKEN, and sends the token as Bearer (SEC-6)', async () => {
    const { code } = await run(['group', 'list'], { env: { METADATA_SERVICE_SERVER: stub.url, METADATA_SERVICE_TOKEN: 'env-tok' } })
    expect(code).toBe(0)
    expect(stub.requests[0]?.headers.authorization).toBe('Bearer env-tok')
  })

  it('lets --token win over the environment, and never prints it (SEC-4)', async () => {
    answer = () => ({ status: 403, body: { error: 'forbidden', code: 403 } })
    const { code, out, err } = await run(['group', 'list', '--token', 'flag-tok', '--server', stub.url], {
      env: { METADATA_SERVICE_TOKEN: 'env-tok' },
    })
    expect(code).toBe(1)
    expect(stub.requests[0]?.headers.authorization).toBe('Bearer flag-tok')
    expect(out + err).not.toContain('flag-tok')
  })

  it('sends no Authorization header without a token', async () => {
    await run(['group', 'list', '--server', stub.url])
    expect(stub.requests[0]?.headers.authorization).toBeUndefined()
  })

  it.each([
    [['-o', 'xml'], 'Error: invalid value for --output: "xml" (expected json, yaml or table)'],
    [['--timeout', '0'], 'Error: invalid value for --timeout: "0" (expected seconds > 0, or a duration such as 30s or 2m)'],
    [['--timeout', 'soon'], 'Error: invalid value for --timeout: "soon" (expected seconds > 0, or a duration such as 30s or 2m)'],
    [['--server', 'localhost:8080'], 'Error: invalid value for --server: "localhost:8080" (expected an http or https URL)'],
  ])('rejects %j with exit 2', async (flags, message) => {
    const { code, err } = await run(['group', 'list', '--server', stub.url, ...flags])
    expect(code).toBe(2)
    expect(err.split('\n')[0]).toBe(message)
    expect(stub.requests).toEqual([])
  })
})

describe('output formats (CLI-4)', () => {
  it('prints a UID NAME UPDATED table by default on a terminal', async () => {
    const { out } = await run(['group', 'list', '--server', stub.url], { tty: true })
    expect(out).toBe(
      [
        'UID              NAME          UPDATED',
        'group-0000000a   compute       2025-01-02T03:04:05.000Z',
        'group-0000000b   green-nodes   2025-02-03T04:05:06.789Z',
        '',
      ].join('\n'),
    )
  })

  it('prints only the header for an empty list', async () => {
    answer = () => ({ status: 200, body: [] })
    expect((await run(['group', 'list', '--server', stub.url], { tty: true })).out).toBe('UID   NAME   UPDATED\n')
  })

  it('prints JSON with a 2-space indent', async () => {
    answer = () => ({ status: 200, body: G1 })
    const { out } = await run(['group', 'get', 'group-0000000a', '--server', stub.url, '-o', 'json'])
    expect(out).toBe(`${JSON.stringify(G1, null, 2)}\n`)
  })

  it('prints YAML', async () => {
    answer = () => ({ status: 200, body: G1 })
    const { out } = await run(['group', 'get', 'group-0000000a', '--server', stub.url, '--output=yaml'])
    expect(out).toBe(
      [
        'apiVersion: v1',
        'kind: Group',
        'metadata:',
        '  name: compute',
        '  uid: group-0000000a',
        '  createdAt: 2025-01-01T00:00:00.000Z',
        '  updatedAt: 2025-01-02T03:04:05.000Z',
        '  resourceVersion: "1"',
        'spec:',
        '  description: compute nodes',
        '  template: ""',
        'status:',
        '  valid: true',
        '',
      ].join('\n'),
    )
  })
})

describe('resource actions (CLI-3)', () => {
  it('list --name filters by exact name', async () => {
    await run(['clusterdefaults', 'list', '--name', 'demo cluster', '--server', stub.url])
    expect(stub.requests[0]?.url).toBe('/clusterdefaultss?name=demo%20cluster')
  })

  it('get <uid> addresses the resource in its collection', async () => {
    answer = () => ({ status: 200, body: G1 })
    await run(['instanceinfo', 'get', 'instanceinfo-12345678', '--server', stub.url])
    await run(['wireguardpeer', 'get', 'wireguardpeer-0123456789abcdef', '--server', stub.url])
    expect(stub.requests.map((r) => r.url)).toEqual(['/instanceinfos/instanceinfo-12345678', '/wireguardpeers/wireguardpeer-0123456789abcdef'])
  })

  it('create --spec posts the full request object as JSON', async () => {
    answer = () => ({ status: 201, body: G1 })
    const spec = '{"metadata":{"name":"compute"},"spec":{"description":"Compute nodes"}}'
    const { code, out } = await run(['--server', stub.url, 'group', 'create', '--spec', spec], { tty: true })
    expect(code).toBe(0)
    expect(out).toBe('UID              NAME      UPDATED\ngroup-0000000a   compute   2025-01-02T03:04:05.000Z\n')
    const req = stub.requests[0]
    expect([req?.method, req?.url, req?.headers['content-type']]).toEqual(['POST', '/groups', 'application/json'])
    expect(JSON.parse(req?.body ?? '')).toEqual(JSON.parse(spec))
  })

  it('create reads stdin when --spec is absent and stdin is not a terminal', async () => {
    answer = () => ({ status: 201, body: G1 })
    const { code } = await run(['group', 'create', '--server', stub.url], { stdin: '{"metadata":{"name":"x"},"spec":{}}\n' })
    expect(code).toBe(0)
    expect(JSON.parse(stub.requests[0]?.body ?? '')).toEqual({ metadata: { name: 'x' }, spec: {} })
  })

  it('create without --spec on a terminal is a usage error', async () => {
    const { code, err } = await run(['group', 'create', '--server', stub.url])
    expect(code).toBe(2)
    expect(err.split('\n')[0]).toBe("Error: missing --spec: pass the request as --spec '<json>', --spec @file, or on stdin")
    expect(stub.requests).toEqual([])
  })

  it("rejects --spec '{' with exit 2 and sends nothing (AT-47)", async () => {
    const { code, err } = await run(['group', 'create', '--spec', '{', '--server', stub.url])
    expect(code).toBe(2)
    expect(err.split('\n')[0]).toMatch(/^Error: invalid --spec JSON: .+/)
    expect(stub.requests).toEqual([])
  })

  it('update --if-match sends PUT with If-Match', async () => {
    answer = () => ({ status: 200, body: G1 })
    await run(['group', 'update', 'group-0000000a', '--if-match', '3', '--spec', '{"spec":{}}', '--server', stub.url])
    const req = stub.requests[0]
    expect([req?.method, req?.url, req?.headers['if-match'], req?.body]).toEqual(['PUT', '/groups/group-0000000a', '3', '{"spec":{}}'])
  })

  it('patch --spec sends a merge patch', async () => {
    answer = () => ({ status: 200, body: G1 })
    await run(['group', 'patch', 'group-0000000a', '--spec', '{"metaData":{"color":"red"}}', '--server', stub.url])
    const req = stub.requests[0]
    expect([req?.method, req?.headers['content-type'], req?.body]).toEqual([
      'PATCH',
      'application/merge-patch+json',
      '{"metaData":{"color":"red"}}',
    ])
  })

  it('patch --json-patch sends RFC 6902 operations', async () => {
    answer = () => ({ status: 200, body: G1 })
    const ops = '[{"op":"replace","path":"/description","value":"x"}]'
    await run(['group', 'patch', 'group-0000000a', '--json-patch', ops, '--if-match', '"2"', '--server', stub.url])
    const req = stub.requests[0]
    expect([req?.headers['content-type'], req?.headers['if-match'], req?.body]).toEqual(['application/json-patch+json', '"2"', ops])
  })

  it('patch --set/--unset sends the shorthand, values as JSON when valid, else strings', async () => {
    answer = () => ({ status: 200, body: G1 })
    const argv = ['group', 'patch', 'group-0000000a', '--set', 'metaData.color=green', '--set', 'nid_length=4']
    await run([...argv, '--set', 'public_keys=["k1"]', '--set', 'description=a=b', '--unset', 'region', '--server', stub.url])
    const req = stub.requests[0]
    expect(req?.headers['content-type']).toBe('application/shorthand-patch+json')
    expect(JSON.parse(req?.body ?? '')).toEqual({
      'metaData.color': 'green',
      nid_length: 4,
      public_keys: ['k1'],
      description: 'a=b',
      region: null,
    })
  })

  it.each([
    [['--spec', '{}', '--set', 'a=1'], 'Error: patch takes only one of --spec, --json-patch, or --set/--unset'],
    [['--set', 'novalue'], 'Error: invalid --set "novalue": expected key=value'],
    [['--json-patch', '[{'], /^Error: invalid --json-patch JSON: /],
    [[], 'Error: patch needs one of --spec, --json-patch, or --set/--unset'],
  ])('patch %j is a usage error', async (flags, message) => {
    const { code, err } = await run(['group', 'patch', 'group-0000000a', ...flags, '--server', stub.url])
    expect(code).toBe(2)
    expect(err.split('\n')[0]).toMatch(message)
    expect(stub.requests).toEqual([])
  })

  it('delete prints "<Kind> <uid> deleted", or the answer with -o json', async () => {
    answer = () => ({ status: 200, body: { message: 'Group deleted successfully', uid: 'group-0000000a' } })
    const table = await run(['group', 'delete', 'group-0000000a', '--if-match', '1', '--server', stub.url], { tty: true })
    expect(table).toEqual({ code: 0, out: 'Group group-0000000a deleted\n', err: '' })
    expect(stub.requests[0]?.headers['if-match']).toBe('1')
    const json = await run(['group', 'delete', 'group-0000000a', '--server', stub.url, '-o', 'json'])
    expect(json.out).toBe('{\n  "message": "Group deleted successfully",\n  "uid": "group-0000000a"\n}\n')
  })
})

describe('errors (CLI-6, CLI-7)', () => {
  it('group get nope → exit 1 with the API error field (AT-47)', async () => {
    answer = () => ({ status: 404, body: NOT_FOUND })
    const { code, out, err } = await run(['group', 'get', 'nope', '--server', stub.url])
    expect({ code, out, err }).toEqual({ code: 1, out: '', err: `Error: API error (404): ${NOT_FOUND.error}\n` })
  })

  it('a non-JSON error answer → HTTP error <status>: <body>', async () => {
    answer = () => ({ status: 502, body: 'bad gateway\n', contentType: 'text/plain' })
    const { code, err } = await run(['group', 'list', '--server', stub.url])
    expect({ code, err }).toEqual({ code: 1, err: 'Error: HTTP error 502: bad gateway\n' })
  })

  it('an unreachable server → cannot reach <server>: <detail>', async () => {
    const url = stub.url
    await stub.close()
    stub = await startStub(() => ({ status: 200 }))
    const { code, err } = await run(['group', 'list', '--server', `${url}/`])
    expect(code).toBe(1)
    expect(err).toMatch(new RegExp(`^Error: cannot reach ${url}: .*ECONNREFUSED.*\\n$`))
  })
})

describe('health and version (CLI-5)', () => {
  it('health prints the body and exits 0 on 200', async () => {
    answer = () => ({ status: 200, body: { service: 'metadata-service', status: 'healthy' } })
    expect(await run(['health', '--server', stub.url])).toEqual({
      code: 0,
      out: '{\n  "service": "metadata-service",\n  "status": "healthy"\n}\n',
      err: '',
    })
    expect(stub.requests[0]?.url).toBe('/health')
  })

  it('health prints the body and exits 1 otherwise', async () => {
    const body = { reason: 'smd initial refresh pending', service: 'metadata-service', status: 'unhealthy' }
    answer = () => ({ status: 503, body })
    expect(await run(['--server', stub.url, 'health'])).toEqual({ code: 1, out: `${JSON.stringify(body, null, 2)}\n`, err: '' })
  })

  it('version prints metadata-service version <v> (no commit when run from source)', async () => {
    expect(await run(['version'])).toEqual({ code: 0, out: 'metadata-service version 0.1.0\n', err: '' })
    expect((await run(['--version'])).out).toBe('metadata-service version 0.1.0\n')
  })
})
