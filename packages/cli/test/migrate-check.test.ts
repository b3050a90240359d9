import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../src/main.js'
import { fakeIo } from './helpers.js'
import { checksums } from './migration/go-data-dir.js'

// `migrate --check <data dir>` (issue 13): read-only, and exit 1 when something will not load.

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-check-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const group = (uid: string, template: string) =>
  JSON.stringify({ kind: 'Group', metadata: { name: uid, uid, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' }, spec: { template } })

describe('migrate --check', () => {
  it('names what will not load, a template that does not validate and a bad state file; exit 1; changes nothing', async () => {
    await mkdir(join(dir, 'groups'), { recursive: true })
    await writeFile(join(dir, 'groups', 'group-00000001.json'), '{"metadata": ')
    await writeFile(join(dir, 'groups', 'group-00000002.json'), group('group-00000002', '#cloud-config\nhost: {{ nosuchname }}\n'))
    await writeFile(join(dir, 'groups', 'group-00000003.json.tmp-ab12'), '{')
    await mkdir(join(dir, 'wireguard'))
    await writeFile(join(dir, 'wireguard', 'state.yaml'), 'serverPrivateKey: short\n')
    const before = await checksums(dir)
    const io = fakeIo()
    expect(await runCli(['migrate', '--check', dir], io)).toBe(1)
    const out = io.stdoutText()
    expect(out).toContain('  group-00000002  group-00000002  served  template: mustache, does not validate: missing required variables: [nosuchname]\n')
    expect(out).toMatch(/\nwill not load \(1; left on disk and reported at start\):\n {2}groups\/group-00000001\.json: invalid JSON \(unexpected end\)\n/)
    expect(out).toContain('\nleftover temp files of interrupted writes, removed at start: groups/group-00000003.json.tmp-ab12\n')
    expect(out).toContain(`\nWireGuard state file ${join(dir, 'wireguard', 'state.yaml')}: cannot be imported: serverPrivateKey: must be base64 of 32 bytes\n`)
    expect(out).toMatch(/\nresult: 3 problems to fix before switching\n$/)
    expect(await checksums(dir)).toEqual(before)
  })

  it('needs a data dir, and says so', async () => {
    const io = fakeIo()
    expect(await runCli(['migrate', '--check'], io)).toBe(2)
    expect(io.stderrText()).toMatch(/^Error: migrate --check needs a data dir: migrate --check <data dir>\n/)
    const missing = fakeIo()
    expect(await runCli(['migrate', '--check', join(dir, 'nope')], missing)).toBe(1)
    expect(missing.stderrText()).toMatch(new RegExp(`^Error: cannot list ${join(dir, 'nope')}: no such file or directory \\(ENOENT\\)`))
  })
})
