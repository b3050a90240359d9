import { K1, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN } from '@metadata-service/core/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'
import { startMockServer } from './serve-helpers.js'

// Client commands against a real `serve` (SPEC §16 CLI, issue 13 client side): names or uids wherever a resource
// is named, several in `delete`, `patch --add/--remove`, messages that name the rule.

const K2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISecondKey two@example'
const K3 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIThirdKey three@example'

let server: string
let stop: () => Promise<void>

beforeAll(async () => {
  ;({ url: server, stop } = await startMockServer('mds-client-names-'))
})
afterAll(() => stop())

/** Runs a client command against the server; stdout is a pipe (JSON) unless `tty`. */
async function cli(argv: string[], options: Parameters<typeof fakeIo>[0] = {}) {
  const io = fakeIo(options)
  const code = await runCli(['--server', server, ...argv], io)
  return { code, out: io.stdoutText(), err: io.stderrText() }
}

/** The fields these tests read from a resource (or, for list and delete, each element). */
interface Answer {
  readonly metadata: { readonly uid: string; readonly resourceVersion: string }
  readonly spec: { readonly description?: string; readonly metaData?: unknown; readonly public_keys?: string[]; readonly region?: string }
}

async function json(argv: string[]): Promise<Answer> {
  const { code, out, err } = await cli(argv)
  expect({ code, err }).toEqual({ code: 0, err: '' })
  return JSON.parse(out) as Answer
}

/** Deletes every Group, then creates the quick start's compute and green; returns their uids. */
async function freshGroups(): Promise<{ compute: string; green: string }> {
  for (const group of (await json(['group', 'list'])) as unknown as Answer[]) {
    await json(['group', 'delete', group.metadata.uid])
  }
  const compute = await json(['group', 'create', '--spec', JSON.stringify(QUICKSTART_GROUP_COMPUTE)])
  const green = await json(['group', 'create', '--spec', JSON.stringify(QUICKSTART_GROUP_GREEN)])
  return { compute: compute.metadata.uid, green: green.metadata.uid }
}

describe('a name or a uid wherever a resource is named', () => {
  let uids: { compute: string; green: string }
  beforeEach(async () => {
    uids = await freshGroups()
  })

  it('get, update and patch take the name as well as the uid', async () => {
    expect(await json(['group', 'get', 'compute'])).toEqual(await json(['group', 'get', uids.compute]))
    const updated = await json(['group', 'update', 'green', '--spec', JSON.stringify({ spec: { description: 'Now blue' } })])
    expect([updated.metadata.uid, updated.spec.description, updated.metadata.resourceVersion]).toEqual([uids.green, 'Now blue', '2'])
    const patched = await json(['group', 'patch', 'compute', '--set', 'metaData.scheduler=pbs', '--if-match', '1'])
    expect([patched.metadata.uid, patched.spec.metaData]).toEqual([uids.compute, { scheduler: 'pbs' }])
  })

  it('says when no resource has that name, exit 1', async () => {
    expect(await cli(['group', 'get', 'nope'])).toEqual({
      code: 1,
      out: '',
      err: 'Error: Group "nope" not found: no Group has that name, and it is not a uid (group-…)\n',
    })
    // A uid-shaped argument is a uid: the server's own 404 (AT-47).
    expect((await cli(['group', 'get', 'group-deadbeef'])).err).toBe(
      'Error: API error (404): Group not found: failed to load Group group-deadbeef: resource not found\n',
    )
  })

  it('-v says which uid a name resolved to', async () => {
    const { err } = await cli(['group', 'get', 'compute', '-v'])
    expect(err).toContain(`* Group compute is ${uids.compute}\n`)
    // The server answered with its request id: the key to its log line.
    expect(err).toMatch(/^< 200 OK from 127\.0\.0\.1:\d+ in \d+ ms \(request id [^)]+\)$/m)
  })
})

describe('delete takes several names or uids (the Go client did)', () => {
  let uids: { compute: string; green: string }
  beforeEach(async () => {
    uids = await freshGroups()
  })

  it('deletes each, printing the list of answers as JSON', async () => {
    const { code, out, err } = await cli(['group', 'delete', 'compute', uids.green])
    expect({ code, err }).toEqual({ code: 0, err: '' })
    expect(JSON.parse(out)).toEqual([
      { message: 'Group deleted successfully', uid: uids.compute },
      { message: 'Group deleted successfully', uid: uids.green },
    ])
    expect(await json(['group', 'list'])).toEqual([])
  })

  it('prints one line per resource on a terminal', async () => {
    expect(await cli(['group', 'delete', 'green', 'compute'], { tty: true })).toEqual({
      code: 0,
      out: `Group ${uids.green} deleted\nGroup ${uids.compute} deleted\n`,
      err: '',
    })
  })

  it('carries on past a failure, names it, and exits 1', async () => {
    const { code, out, err } = await cli(['group', 'delete', 'compute', 'nope', 'green'])
    expect(code).toBe(1)
    expect(JSON.parse(out).map((a: { uid: string }) => a.uid)).toEqual([uids.compute, uids.green])
    expect(err).toBe('Error: Group nope: Group "nope" not found: no Group has that name, and it is not a uid (group-…)\n')
    expect(await json(['group', 'list'])).toEqual([])
  })

  it('refuses --if-match with several, deleting nothing', async () => {
    const { code, err } = await cli(['group', 'delete', 'compute', 'green', '--if-match', '1'])
    expect([code, err.split('\n')[0]]).toEqual([2, 'Error: --if-match names one resourceVersion: delete one resource at a time with it'])
    expect(await json(['group', 'list'])).toHaveLength(2)
  })
})

describe('patch --add/--remove grow and shrink lists', () => {
  beforeAll(async () => {
    await json(['clusterdefaults', 'create', '--spec', JSON.stringify(QUICKSTART_CLUSTER_DEFAULTS)])
  })

  it('appends (also as key.-=value, the Go client form) and removes by value', async () => {
    expect((await json(['clusterdefaults', 'patch', 'demo-cluster', '--add', `public_keys=${K2}`])).spec.public_keys).toEqual([K1, K2])
    expect((await json(['clusterdefaults', 'patch', 'demo-cluster', '--add', `public_keys.-=${K3}`])).spec.public_keys).toEqual([K1, K2, K3])
    const removed = await json(['clusterdefaults', 'patch', 'demo-cluster', '--remove', `public_keys=${K1}`, '--remove', `public_keys=${K3}`])
    expect(removed.spec.public_keys).toEqual([K2])
    // --set and --add together make one JSON Patch: both apply, or neither.
    const both = await json(['clusterdefaults', 'patch', 'demo-cluster', '--set', 'region=lab-2', '--add', `public_keys=${K1}`])
    expect([both.spec.region, both.spec.public_keys]).toEqual(['lab-2', [K2, K1]])
  })

  it('creates a list that is not there yet', async () => {
    await json(['instanceinfo', 'create', '--spec', JSON.stringify({ metadata: { name: 'n0' }, spec: { instance_id: 'i-0' } })])
    expect((await json(['instanceinfo', 'patch', 'n0', '--add', `public_keys=${K1}`])).spec.public_keys).toEqual([K1])
  })

  it.each([
    [['--remove', 'public_keys=ssh-rsa nope'], 'Error: cannot --remove from public_keys: it has no element "ssh-rsa nope"'],
    [['--add', 'description=x'], 'Error: cannot --add to description: it is a string, not a list'],
    [['--remove', 'region=lab'], 'Error: cannot --remove from region: it is a string, not a list'],
  ])('%j changes nothing and says why (exit 1)', async (flags, message) => {
    const before = await json(['clusterdefaults', 'get', 'demo-cluster'])
    expect(await cli(['clusterdefaults', 'patch', 'demo-cluster', ...flags])).toEqual({ code: 1, out: '', err: `${message}\n` })
    expect(await json(['clusterdefaults', 'get', 'demo-cluster'])).toEqual(before)
  })

  it('rejects --add without a value as a usage error', async () => {
    const { code, err } = await cli(['clusterdefaults', 'patch', 'demo-cluster', '--add', 'public_keys'])
    expect([code, err.split('\n')[0]]).toEqual([2, 'Error: invalid --add "public_keys": expected key=value'])
  })
})

describe('messages name the limit or rule (RES-9, issue 17)', () => {
  it.each([
    [{ ...QUICKSTART_CLUSTER_DEFAULTS.spec, nid_length: 11 }, 'nid_length must be at most 10'],
    [{ ...QUICKSTART_CLUSTER_DEFAULTS.spec, nid_length: -1 }, 'nid_length must be at least 0'],
    [{ ...QUICKSTART_CLUSTER_DEFAULTS.spec, description: 'd'.repeat(201) }, 'description must be at most 200 characters'],
    [{ ...QUICKSTART_CLUSTER_DEFAULTS.spec, base_url: 'metadata.local' }, 'base_url must be an absolute http:// or https:// URL'],
  ])('%#: %s', async (spec, message) => {
    const { code, err } = await cli(['clusterdefaults', 'update', 'demo-cluster', '--spec', JSON.stringify({ spec })])
    expect({ code, err }).toEqual({ code: 1, err: `Error: API error (400): validation failed: ${message}\n` })
  })

  it('spells out the Group name rule', async () => {
    const { err } = await cli(['group', 'create', '--spec', '{"metadata":{"name":"a b"},"spec":{}}'])
    expect(err).toBe("Error: API error (400): validation failed: metadata.name of a Group may hold only letters, digits, '-', ':', '.' and '_'\n")
  })
})
