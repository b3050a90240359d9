import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger, type ResourceStore } from '@metadata-service/core'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openFileStore } from './file-store.js'

describe('openFileStore lock (STO-5)', () => {
  let dataDir: string
  let lockPath: string
  const opened: ResourceStore[] = []
  const openStore = async (options: { hostname?: string; pid?: number; logger?: ReturnType<typeof createRecordingLogger> } = {}) => {
    const store = await openFileStore({ dataDir, logger: options.logger ?? silentLogger, ...options })
    opened.push(store)
    return store
  }
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mds-lock-'))
    lockPath = join(dataDir, 'metadata-service.lock')
  })
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('writes {pid, host}, refuses a second open with the SPEC text, and is released by close', async () => {
    const first = await openStore()
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
    await expect(openFileStore({ dataDir, logger: silentLogger })).rejects.toMatchObject({
      name: 'MetadataError',
      code: 'STORAGE_FAILED',
      message: `data directory ${dataDir} is locked by another metadata-service process (pid ${process.pid} on ${hostname()})`,
    })
    await first.close()
    await first.close()
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' })
    await openStore()
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
  })

  it('refuses a lock held by a live pid of another process on this host', async () => {
    await writeFile(lockPath, JSON.stringify({ pid: 1, host: 'node-a' }))
    await expect(openStore({ hostname: 'node-a', pid: 4242 })).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: `data directory ${dataDir} is locked by another metadata-service process (pid 1 on node-a)`,
    })
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: 1, host: 'node-a' })
  })

  it('refuses a lock held by another host, even with a pid that is dead here', async () => {
    const dead = deadPid()
    await writeFile(lockPath, JSON.stringify({ pid: dead, host: 'other-host' }))
    await expect(openStore({ hostname: 'this-host' })).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: `data directory ${dataDir} is locked by another metadata-service process (pid ${dead} on other-host)`,
    })
  })

  it('takes over the lock of a dead pid on this host with a warning', async () => {
    const dead = deadPid()
    await writeFile(lockPath, JSON.stringify({ pid: dead, host: 'this-host' }))
    const logger = createRecordingLogger()
    const store = await openStore({ hostname: 'this-host', pid: 4242, logger })
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: 4242, host: 'this-host' })
    expect(logger.entries).toEqual([
      { level: 'warn', message: 'taking over the lock of a dead metadata-service process', fields: { path: lockPath, holderPid: dead } },
    ])
    await store.close()
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('refuses an unreadable lock file instead of guessing', async () => {
    await writeFile(lockPath, '')
    await expect(openStore()).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: `lock file ${lockPath} is unreadable (expected {"pid","host"}); remove it if no metadata-service process uses ${dataDir}`,
    })
    expect(await readFile(lockPath, 'utf8')).toBe('')
  })

  it('leaves a lock taken over by someone else in place on close', async () => {
    const store = await openStore({ hostname: 'this-host', pid: 4242 })
    await writeFile(lockPath, JSON.stringify({ pid: 7, host: 'this-host' }))
    await store.close()
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: 7, host: 'this-host' })
  })
})

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  return child.pid!
}
