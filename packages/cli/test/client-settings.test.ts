import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo, startStub, type SeenRequest } from './helpers.js'

// Which server the client talks to and what it says about it (issue 17), the Go client's flags and config file
// (issue 13): --server, METADATA_SERVICE_SERVER, the client file, the default; -v, -l, --config, --version <v>.

const HOME = '/home/op'
const FILE = `${HOME}/.metadata_service-cli.yaml`

let stubs: Awaited<ReturnType<typeof startStub>>[]
beforeEach(async () => {
  stubs = await Promise.all([0, 1, 2, 3].map(() => startStub(() => ({ status: 200, body: [] }))))
})
afterEach(async () => {
  await Promise.all(stubs.map((s) => s.close()))
})

async function run(argv: string[], options: Parameters<typeof fakeIo>[0] = {}) {
  const io = fakeIo(options)
  const code = await runCli(argv, io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

/** Which stub got the request. */
const answered = () => stubs.findIndex((s) => s.requests.length > 0)

describe('the server: --server, then METADATA_SERVICE_SERVER, then the client file, then the default', () => {
  it.each([
    ['--server', 0],
    ['METADATA_SERVICE_SERVER', 1],
    ['METADATA_SERVER (the Go client docs)', 2],
    ['the client config file', 3],
  ])('%s wins over what follows', async (_, winner) => {
    const [flag, env, docEnv, file] = stubs.map((s) => s.url) as string[]
    const argv = winner === 0 ? ['--server', flag as string] : []
    const vars: Record<string, string> = { HOME }
    if (winner <= 1) vars.METADATA_SERVICE_SERVER = env as string
    if (winner <= 2) vars.METADATA_SERVER = docEnv as string
    const { code, err } = await run([...argv, 'group', 'list'], { env: vars, files: { [FILE]: `server: ${file}\n` } })
    expect({ code, err, answered: answered() }).toEqual({ code: 0, err: '', answered: winner })
  })

  it('finds the Go client file as .yml, .json or without extension, and reads --config <file> instead', async () => {
    for (const name of ['.metadata_service-cli.yml', '.metadata_service-cli.json', '.metadata_service-cli']) {
      const text = name.endsWith('.json') ? JSON.stringify({ server: stubs[0]?.url }) : `server: ${stubs[0]?.url}\n`
      expect((await run(['group', 'list'], { env: { HOME }, files: { [`${HOME}/${name}`]: text } })).code).toBe(0)
    }
    const files = { [FILE]: `server: ${stubs[0]?.url}\n`, 'ops.yaml': `server: ${stubs[1]?.url}\ntimeout: 5s\n` }
    expect((await run(['--config', 'ops.yaml', 'group', 'list'], { env: { HOME }, files })).code).toBe(0)
    expect(stubs.map((s) => s.requests.length)).toEqual([3, 1, 0, 0])
  })

  it('reads token, timeout (seconds or a Go duration) and output from the file; warns about unknown keys', async () => {
    const files = { [FILE]: `server: ${stubs[0]?.url}\ntoken: file-tok\ntimeout: 1m30s\noutput: yaml\nshow-token: false\ncolour: red\n` }
    const { code, out, err } = await run(['group', 'list'], { env: { HOME }, files })
    expect({ code, out }).toEqual({ code: 0, out: '[]\n' })
    expect(err).toBe(
      `Warning: ${FILE}: unknown key "colour" ignored (known: server, output, timeout, token, log-level, version, show-token)\n`,
    )
    expect(stubs[0]?.requests[0]?.headers.authorization).toBe('Bearer file-tok')
  })

  it.each([
    [`token: [a]\n`, /^Error: invalid value for token in \/home\/op\/.metadata_service-cli.yaml: expected a single value/],
    [`output: xml\n`, /^Error: invalid value for output in \/home\/op\/.metadata_service-cli.yaml: "xml" \(expected json, yaml or table\)/],
    [`- a\n`, /^Error: client config file \/home\/op\/.metadata_service-cli.yaml must be a YAML mapping/],
    [`a: [\n`, /^Error: client config file \/home\/op\/.metadata_service-cli.yaml is not valid YAML: /],
  ])('a bad file %j is an error naming the file', async (text, message) => {
    const { code, err } = await run(['group', 'list', '--server', stubs[0]?.url as string], { env: { HOME }, files: { [FILE]: text } })
    expect(code).toBeGreaterThan(0)
    expect(err).toMatch(message)
    expect(answered()).toBe(-1)
  })

  it('a --config file that does not exist is an error, not the default', async () => {
    expect(await run(['group', 'list', '--config', 'missing.yaml'])).toEqual({
      code: 1,
      out: '',
      err: 'Error: cannot read client config file missing.yaml (--config): no such file\n',
    })
  })

  it('with nothing configured, says which default it used before talking to it', async () => {
    const { code, err } = await run(['health'])
    expect(code).toBe(1)
    expect(err.split('\n')[0]).toBe(
      'Warning: no server configured (--server, METADATA_SERVICE_SERVER, or "server:" in ~/.metadata_service-cli.yaml); using http://localhost:8080',
    )
    expect(err.split('\n')[1]).toMatch(/^Error: cannot reach http:\/\/localhost:8080: /)
    // -l error quiets it, as the operator asked.
    expect((await run(['health', '-l', 'error'])).err).toMatch(/^Error: cannot reach http:\/\/localhost:8080: /)
  })
})

describe('-v and -l say which server answered, and how', () => {
  it('-v: the server and where it came from, the request, and who answered', async () => {
    const stub = stubs[0] as (typeof stubs)[0]
    const { code, err } = await run(['-v', 'group', 'list'], { env: { METADATA_SERVICE_SERVER: stub.url } })
    const port = new URL(stub.url).port
    expect(code).toBe(0)
    expect(err).toMatch(
      new RegExp(
        `^\\* Server ${stub.url} \\(from METADATA_SERVICE_SERVER\\)\\n> GET ${stub.url}/groups\\n< 200 OK from 127\\.0\\.0\\.1:${port} in \\d+ ms\\n$`,
      ),
    )
    expect((await run(['group', 'list', '--verbose', '--server', stub.url])).err).toContain('< 200 OK from 127.0.0.1:')
    expect((await run(['group', 'list', '-l', 'info', '--server', stub.url])).err).toContain('< 200 OK from 127.0.0.1:')
  })

  it('-l debug adds the headers, with the token as ***, and the config file used', async () => {
    const stub = stubs[0] as (typeof stubs)[0]
    const files = { [FILE]: `server: ${stub.url}\n` }
    const { err } = await run(['group', 'list', '-l', 'debug', '--token', 's3cret-tok'], { env: { HOME }, files })
    expect(err).toContain(`* Using config file ${FILE}\n`)
    expect(err).toContain('> authorization: Bearer ***\n')
    expect(err).toContain('< content-type: application/json\n')
    expect(err).not.toContain('s3cret-tok')
    expect(stub.requests[0]?.headers.authorization).toBe('Bearer s3cret-tok')
  })

  it.each([['-l', 'loud'], ['--log-level', 'trace2']])('%s %s is a usage error', async (flag, value) => {
    const { code, err } = await run(['group', 'list', flag, value, '--server', stubs[0]?.url as string])
    expect([code, err.split('\n')[0]]).toEqual([2, `Error: invalid value for --log-level: "${value}" (expected error, warn, info or debug)`])
  })

  it('accepts the Go client spellings -l warning and -l trace', async () => {
    expect((await run(['group', 'list', '-l', 'warning', '--server', stubs[0]?.url as string])).code).toBe(0)
    expect((await run(['group', 'list', '-l', 'trace', '--server', stubs[0]?.url as string])).err).toContain('> accept: ')
  })
})

describe('the API version (the Go client`s --version/-v <v>)', () => {
  const accept = (req: SeenRequest | undefined) => req?.headers.accept
  it.each([
    [['--version', 'v1']],
    [['--version=v1']],
    [['-v', 'v1']],
    [['--api-version', 'v1']],
  ])('%j asks for it in Accept, and is not verbose', async (flags) => {
    const { code, err } = await run([...flags, 'group', 'list', '--server', stubs[0]?.url as string])
    expect({ code, err }).toEqual({ code: 0, err: '' })
    expect(accept(stubs[0]?.requests[0])).toBe('application/json;version=v1')
  })

  it('METADATA_SERVICE_VERSION too; plain application/json without any', async () => {
    await run(['group', 'list', '--server', stubs[0]?.url as string], { env: { METADATA_SERVICE_VERSION: 'v2beta1' } })
    await run(['group', 'list', '--server', stubs[1]?.url as string])
    expect([accept(stubs[0]?.requests[0]), accept(stubs[1]?.requests[0])]).toEqual(['application/json;version=v2beta1', 'application/json'])
  })

  it.each([
    [['--version'], "Error: flag --version requires a value: the API version, e.g. v1 (to print this program's version, run 'metadata-service version')"],
    [['--api-version', '1.0'], 'Error: invalid value for --api-version: "1.0" (expected an API version such as v1)'],
  ])('%j is a usage error', async (flags, message) => {
    const { code, err } = await run(['group', 'list', '--server', stubs[0]?.url as string, ...flags])
    expect([code, err.split('\n')[0]]).toEqual([2, message])
  })

  it('--version before the command, without a version, says so too', async () => {
    const { code, err } = await run(['--version', 'group', 'list', '--server', stubs[0]?.url as string])
    expect([code, err.split('\n')[0]]).toEqual([2, "Error: flag --version requires a value: the API version, e.g. v1 (to print this program's version, run 'metadata-service version')"])
  })
})
