import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateWireGuardKeyPair, wireGuardPeerUid } from '@metadata-service/core'
import { createFixedClock, createMemoryStore, createRecordingLogger, goWireGuardStateYaml } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importGoWireGuardState } from '../src/wireguard-import.js'

// --wireguard-state-file (§16, issue 13): the Go service's server key and peers, imported once.

const server = generateWireGuardKeyPair()
const node = generateWireGuardKeyPair().publicKey
const STATE = goWireGuardStateYaml({
  serverPrivateKey: server.privateKey,
  serverPublicKey: server.publicKey,
  peers: [{ peerID: '10.252.0.26', publicKey: node, vpnIP: '100.97.0.9', clientIP: '10.252.0.26', allowedIP: '' }],
})

let dir: string
let dataDir: string
let stateFile: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-wgimport-'))
  dataDir = join(dir, 'data')
  stateFile = join(dir, 'state.yaml')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function deps() {
  const store = createMemoryStore()
  const logger = createRecordingLogger()
  const resolveRequester = async (address: string) => (address === '10.252.0.26' ? 'x1000c0s0b0n0' : address)
  return { store, logger, dataDir, clock: createFixedClock(Date.UTC(2026, 0, 2)), resolveRequester }
}

describe('importGoWireGuardState', () => {
  it('makes the state file\'s key the server key, stores its peers, records the import and says so; once', async () => {
    await writeFile(stateFile, STATE)
    const d = deps()
    await importGoWireGuardState(stateFile, d)
    expect((await readFile(join(dataDir, 'wireguard', 'server.key'), 'utf8')).trim()).toBe(server.privateKey)
    expect((await stat(join(dataDir, 'wireguard', 'server.key'))).mode & 0o777).toBe(0o600)
    expect((await d.store.list('WireGuardPeer')).map((p) => [p.metadata.uid, p.metadata.name, p.spec.allowed_ip])).toEqual([
      [wireGuardPeerUid(node), 'x1000c0s0b0n0', '100.97.0.9/32'],
    ])
    expect(d.logger.entries).toEqual([
      {
        level: 'info',
        message: `imported the WireGuard state of the Go service from ${stateFile}: its server key and 1 peers`,
        fields: { file: stateFile, publicKey: server.publicKey, peers: 1, skipped: [] },
      },
    ])
    expect(JSON.parse(await readFile(join(dataDir, 'wireguard', 'imported-state.json'), 'utf8'))).toEqual({
      file: stateFile,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      importedAt: '2026-01-02T00:00:00.000Z',
      peers: [wireGuardPeerUid(node)],
    })
    expect(JSON.stringify(d.logger.entries)).not.toContain(server.privateKey)

    // Once: a later start reads the record and nothing else, even if the state file changed meanwhile.
    await writeFile(stateFile, 'garbage: [')
    const later = { ...deps(), store: d.store }
    const generation = d.store.generation()
    await importGoWireGuardState(stateFile, later)
    expect(d.store.generation()).toBe(generation)
    expect(later.logger.entries.map((e) => e.level)).toEqual(['debug'])
  })

  it('imports nothing and says so when there is no state file', async () => {
    const d = deps()
    await importGoWireGuardState(stateFile, d)
    expect(d.logger.entries).toEqual([{ level: 'info', message: `no WireGuard state file at ${stateFile}; nothing to import`, fields: {} }])
    expect(await d.store.list('WireGuardPeer')).toEqual([])
  })

  it('stops startup naming the file and what is wrong when it is malformed or unreadable, and changes nothing', async () => {
    await writeFile(stateFile, STATE.replace(node, 'not-a-key'))
    const d = deps()
    await expect(importGoWireGuardState(stateFile, d)).rejects.toMatchObject({
      exitCode: 1,
      message: `cannot import the WireGuard state file ${stateFile} (wireguard_state_file): peers[0].publicKey: must be base64 of 32 bytes`,
    })
    await mkdir(join(dir, 'adir'))
    await expect(importGoWireGuardState(join(dir, 'adir'), d)).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`^cannot import the WireGuard state file ${join(dir, 'adir')} \\(wireguard_state_file\\): cannot read .*EISDIR`)),
    })
    await expect(stat(join(dataDir, 'wireguard', 'server.key'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await d.store.list('WireGuardPeer')).toEqual([])
  })

  it('refuses to replace a server key this service already uses, saying how to choose', async () => {
    await mkdir(join(dataDir, 'wireguard'), { recursive: true })
    const ours = generateWireGuardKeyPair().privateKey
    await writeFile(join(dataDir, 'wireguard', 'server.key'), `${ours}\n`, { mode: 0o600 })
    await writeFile(stateFile, STATE)
    const d = deps()
    await expect(importGoWireGuardState(stateFile, d)).rejects.toMatchObject({
      message:
        `cannot import the WireGuard state file ${stateFile} (wireguard_state_file): ${join(dataDir, 'wireguard', 'server.key')} ` +
        'already holds another server key. Remove that file to use the state file\'s key (nodes keep their tunnels), or set ' +
        'wireguard_state_file to "" to keep it (nodes must run /wg-init again)',
    })
    expect((await readFile(join(dataDir, 'wireguard', 'server.key'), 'utf8')).trim()).toBe(ours)
    expect(await d.store.list('WireGuardPeer')).toEqual([])
  })
})
