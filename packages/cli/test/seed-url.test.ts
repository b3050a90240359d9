import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'
import { listening, startServe, type Running } from './serve-helpers.js'

// `metadata-service seed-url` against a real `serve --mock-smd` (SEED, issue 20).

const N0 = 'x1000c0s0b0n0'
const N1 = 'x1000c0s0b0n1'
let dir: string
let running: Running | undefined

afterEach(async () => {
  running?.signal('SIGTERM')
  await running?.exit
  running = undefined
  await rm(dir, { recursive: true, force: true })
})

async function serve(extra: string[] = []): Promise<string> {
  running = startServe(dir, ['--mock-smd', ...extra])
  return `http://127.0.0.1:${await listening(running)}`
}

async function run(argv: string[], tty = false) {
  const io = fakeIo({ tty })
  const code = await runCli(argv, io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

type Entry = { node: string; url: string; kernelArgument: string; fingerprint: string; baseFrom: string }

describe('seed-url (SEED)', () => {
  it('prints a node’s seed URL under public_url, the same after a restart (the secret is kept)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-seed-url-'))
    const server = await serve(['--public-url', 'http://10.252.0.1:8080'])
    const first = await run(['seed-url', '--node', N0, '--server', server])
    expect(first).toMatchObject({ code: 0, err: '' })
    const [entry] = JSON.parse(first.out) as Entry[]
    expect(entry).toEqual({
      node: N0,
      url: expect.stringMatching(/^http:\/\/10\.252\.0\.1:8080\/n\/[A-Za-z0-9_-]{32}\/$/),
      kernelArgument: `ds=nocloud;s=${entry?.url}`,
      fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
      baseFrom: 'configured',
    })
    expect((await stat(join(dir, 'data', 'seed-tokens', 'secret'))).mode & 0o777).toBe(0o600)
    // The secret never reaches the log.
    expect(running?.io.stdoutText()).not.toContain(entry?.url.split('/n/')[1]?.slice(0, 32))

    running?.signal('SIGTERM')
    await running?.exit
    const again = await serve(['--public-url', 'http://10.252.0.1:8080'])
    expect((JSON.parse((await run(['seed-url', '--node', N0, '--server', again])).out) as Entry[])[0]?.url).toBe(entry?.url)
  })

  it('prints a group as a table for people, and warns when the base is only the client’s server address', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-seed-url-'))
    const server = await serve()
    const { code, out, err } = await run(['seed-url', '--group', 'compute', '--server', server], true)
    expect(code).toBe(0)
    const lines = out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NODE +FINGERPRINT +SEED URL$/)
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([N0, N1])
    expect(lines[1]).toContain(`${server}/n/`)
    expect(err).toContain(`warning: the seed URLs use this client's server address (${server}) as their base`)
    expect(JSON.parse((await run(['seed-url', '--server', server, '-o', 'json'])).out)).toHaveLength(3)
  })

  it('rotates one node (only its URL changes) or all, printing the new URLs', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-seed-url-'))
    const server = await serve(['--public-url', 'http://mds:8080'])
    const list = async () => JSON.parse((await run(['seed-url', '--server', server])).out) as Entry[]
    const before = await list()
    const rotated = await run(['seed-url', '--node', N0, '--rotate', '--server', server])
    expect(rotated.code).toBe(0)
    const [fresh] = JSON.parse(rotated.out) as Entry[]
    const after = await list()
    expect(fresh?.url).toBe(after[0]?.url)
    expect(after[0]?.url).not.toBe(before[0]?.url)
    expect(after.slice(1)).toEqual(before.slice(1))
    const all = JSON.parse((await run(['seed-url', '--rotate', '--all', '--base-url', 'http://other:8080', '--server', server])).out) as Entry[]
    expect(all.map((e) => e.baseFrom)).toEqual(['override', 'override', 'override'])
    expect((await list()).every((e, i) => e.url !== after[i]?.url)).toBe(true)
    // The server's log reaches this process through a pipe, a moment after the answers.
    await expect.poll(() => running?.logs().filter((l) => l.msg === 'seed tokens rotated')).toEqual([
      expect.objectContaining({ node: N0, nodes: 1 }),
      expect.objectContaining({ scope: 'all', nodes: 3 }),
    ])
  })

  it.each([
    [['seed-url', '--rotate'], '--rotate needs --node <xname>, --group <name> or --all (every node)'],
    [['seed-url', '--node', N0, '--group', 'compute'], 'give at most one of --node, --group and --all'],
    [['seed-url', '--node', ''], '--node must not be empty'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    dir = await mkdtemp(join(tmpdir(), 'mds-seed-url-'))
    const { code, err } = await run([...argv, '--server', 'http://127.0.0.1:1'])
    expect(code).toBe(2)
    expect(err).toContain(`Error: ${message}\n`)
  })

  it('says what the server refused: an unknown node, or seed tokens off', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-seed-url-'))
    const server = await serve(['--seed-tokens', 'off'])
    expect(await run(['seed-url', '--server', server])).toMatchObject({
      code: 1,
      err: 'Error: API error (404): seed tokens are off (seed_tokens: off); set seed_tokens to optional or required\n',
    })
    await expect(stat(join(dir, 'data', 'seed-tokens'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('render --seed previews the node a seed URL names, #include lines under its seed path', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-seed-url-'))
    const server = await serve(['--public-url', 'http://10.252.0.1:8080'])
    const group = { metadata: { name: 'compute' }, spec: { description: 'Compute nodes', template: '#cloud-config\nhostname: {{ hostname }}\n' } }
    expect((await fetch(`${server}/groups`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(group) })).status).toBe(201)
    const [entry] = JSON.parse((await run(['seed-url', '--node', N1, '--server', server])).out) as Entry[]
    const { code, out } = await run(['render', '--seed', entry!.url, '--server', server])
    expect(code).toBe(0)
    const preview = JSON.parse(out) as { node: string; documents: { path: string; body: string }[] }
    expect(preview.node).toBe(N1)
    expect(preview.documents.find((d) => d.path === '/vendor-data')?.body).toBe(`#include\n${entry!.url}compute.yaml\n`)
    expect(await run(['render', '--seed', 'A'.repeat(32), '--server', server])).toMatchObject({ code: 1, err: 'Error: API error (404): unknown seed token\n' })
  })

  it('names an unknown node', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mds-seed-url-'))
    const server = await serve()
    expect(await run(['seed-url', '--node', 'x9c9s9b9n9', '--server', server])).toMatchObject({ code: 1, err: 'Error: API error (404): node x9c9s9b9n9 not found\n' })
  })
})
