import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger, type ResourceStore } from '@metadata-service/core'
import { createRecordingLogger } from '@metadata-service/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openFileStore, type FileStoreOptions } from '../src/file-store.js'

// STO-5 as changed by issue 16: the lock is the kernel's (flock on the open lock file), so a restart always starts
// (PID 1 of a container after kill -9, a zombie holder, an empty file left by a full disk) and two live servers
// never share a data directory, whatever their PID namespace. Holders here are real processes: flock(1) in shells,
// a shell in its own PID namespace (unshare), an unreaped child.

let dataDir: string
let lockPath: string
const opened: ResourceStore[] = []
const children: ChildProcess[] = []
const openStore = async (options: Partial<FileStoreOptions> = {}) => {
  const store = await openFileStore({ dataDir, logger: silentLogger, ...options })
  opened.push(store)
  return store
}
const lockedMessage = (who: string) => `data directory ${dataDir} is locked by another metadata-service process (${who})`
const holderText = (pid: number, host: string) => JSON.stringify({ pid, host })

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mds-lock-'))
  lockPath = join(dataDir, 'metadata-service.lock')
})
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close()
  for (const child of children.splice(0)) {
    child.kill('SIGKILL')
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve))
  }
  await rm(dataDir, { recursive: true, force: true })
})

describe('openFileStore lock (STO-5, issue 16)', () => {
  it('writes {pid, host}, refuses a second open with the SPEC text, and is released by close', async () => {
    const first = await openStore()
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
    await expect(openFileStore({ dataDir, logger: silentLogger })).rejects.toMatchObject({
      name: 'MetadataError',
      code: 'STORAGE_FAILED',
      message: lockedMessage(`pid ${process.pid} on ${hostname()}`),
    })
    await first.close()
    await first.close()
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' })
    await openStore()
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
  })

  it('starts after its predecessor died as PID 1 on this host: pid 1 is alive, but it holds no lock', async () => {
    await writeFile(lockPath, holderText(1, hostname()))
    const logger = createRecordingLogger()
    await openStore({ logger })
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
    expect(logger.entries).toEqual([
      { level: 'warn', message: 'taking over the lock of a dead metadata-service process', fields: { path: lockPath, holderPid: 1, host: hostname() } },
    ])
  })

  it('starts after a holder that is now a zombie (exited, not yet reaped)', async () => {
    const zombie = await startZombie('exec 3<>"$0"; flock -x 3')
    await writeFile(lockPath, holderText(zombie, hostname()))
    await openStore()
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
  })

  it('refuses a live holder in another PID namespace (a volume shared by two containers), naming it', async () => {
    // PID 1 of its own namespace, like a server in a container; `--kill-child` ends it with the test.
    const script = `exec 3<>"$0"; flock -x 3; printf '%s' '${holderText(1, 'container-a')}' >&3; echo locked; exec sleep 600`
    const holder = track(spawn('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'sh', '-c', script, lockPath]))
    expect(await firstLine(holder)).toBe('locked\n')
    await expect(openStore()).rejects.toMatchObject({ code: 'STORAGE_FAILED', message: lockedMessage('pid 1 on container-a') })
    await expect(openStore({ hostname: 'container-a', pid: 1 })).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    expect(await readFile(lockPath, 'utf8')).toBe(holderText(1, 'container-a'))
    // Once it is gone, however it went, the kernel has dropped its lock.
    holder.kill('SIGKILL')
    await new Promise((resolve) => holder.once('exit', resolve))
    await waitFor(async () => !(await lockedByOthers()))
    await openStore()
  })

  it('takes a lock recorded by another host once nobody holds it (the kernel lock decides, not the name)', async () => {
    await writeFile(lockPath, holderText(4242, 'other-host'))
    const logger = createRecordingLogger()
    await openStore({ hostname: 'this-host', pid: 7, logger })
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: 7, host: 'this-host' })
    expect(logger.entries.map((e) => e.fields)).toEqual([{ path: lockPath, holderPid: 4242, host: 'other-host' }])
  })

  it('takes an empty or unreadable lock file nobody holds, and says "pid unknown" of one a live process holds', async () => {
    await writeFile(lockPath, '')
    await (await openStore()).close()
    await writeFile(lockPath, '{"pid": ')
    await (await openStore()).close()
    const holder = track(spawn('sh', ['-c', 'exec 3<>"$0"; flock -x 3; echo locked; exec sleep 600', lockPath]))
    expect(await firstLine(holder)).toBe('locked\n')
    await expect(openStore()).rejects.toMatchObject({ code: 'STORAGE_FAILED', message: lockedMessage('pid unknown') })
  })

  it('leaves a lock file that replaced its own in place on close', async () => {
    const store = await openStore({ hostname: 'this-host', pid: 4242 })
    await rm(lockPath)
    await writeFile(lockPath, holderText(7, 'this-host'))
    await store.close()
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: 7, host: 'this-host' })
  })

  it('does not follow a symbolic link in place of the lock file', async () => {
    const outside = join(dataDir, '..', `${dataDir.split('/').pop()}-outside`)
    await writeFile(outside, 'keep')
    try {
      spawnSync('ln', ['-s', outside, lockPath])
      await expect(openStore()).rejects.toMatchObject({ code: 'STORAGE_FAILED', message: expect.stringMatching(/^cannot open lock file .*: too many symbolic links/) })
      expect(await readFile(outside, 'utf8')).toBe('keep')
    } finally {
      await rm(outside, { force: true })
    }
  })
})

describe('openFileStore lock on a full disk (issue 16)', () => {
  it('never leaves a lock file that blocks the next start: full disk, then space freed, then a start', async () => {
    // A real full file system: a 64 KiB tmpfs (root only), filled up. Creating a file still works, writing fails.
    if (process.getuid?.() !== 0) throw new Error('the full-disk lock test must run as root (it mounts a tmpfs)')
    spawnOk('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dataDir])
    try {
      spawnSync('sh', ['-c', 'head -c 1000000 /dev/zero > "$0"', join(dataDir, 'filler')])
      expect(spawnSync('df', ['--output=avail', dataDir]).stdout.toString()).toMatch(/\n\s*0\n$/)
      const logger = createRecordingLogger()
      // It starts (reads are served from memory; writes answer 503 until there is space), and what it leaves on
      // disk must not stop the next start.
      await openStore({ logger }).then(
        (store) => store.close(),
        () => undefined,
      )
      expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'cannot record this process in the lock file; the lock holds all the same' }))
      await rm(join(dataDir, 'filler'))
      await openStore()
      expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
      await opened.pop()?.close()
    } finally {
      for (const store of opened.splice(0)) await store.close()
      spawnOk('umount', [dataDir])
    }
  })
})

describe('openFileStore lock without flock(1) (the recorded-holder fallback)', () => {
  const NO_FLOCK = '/nonexistent/flock'

  it('warns, then refuses a live pid on this host or any holder on another host', async () => {
    const sleeper = track(spawn('sleep', ['600']))
    await writeFile(lockPath, holderText(sleeper.pid as number, 'this-host'))
    const logger = createRecordingLogger()
    await expect(openStore({ hostname: 'this-host', flockCommand: NO_FLOCK, logger })).rejects.toMatchObject({
      message: lockedMessage(`pid ${sleeper.pid} on this-host`),
    })
    expect(logger.entries[0]).toMatchObject({ level: 'warn', message: 'flock(1) not found: the data-directory lock relies on the pid recorded in the lock file' })
    await writeFile(lockPath, holderText(deadPid(), 'other-host'))
    await expect(openStore({ hostname: 'this-host', flockCommand: NO_FLOCK })).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
  })

  it('takes over a dead pid, its own pid (PID 1 restarted), a zombie, and an empty file', async () => {
    const zombie = await startZombie('true')
    for (const [content, pid] of [[holderText(deadPid(), 'h'), 7], [holderText(1, 'h'), 1], [holderText(zombie, 'h'), 7], ['', 7]] as const) {
      await writeFile(lockPath, content)
      const store = await openStore({ hostname: 'h', pid, flockCommand: NO_FLOCK })
      expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({ pid, host: 'h' })
      await store.close()
      await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' })
    }
  })
})

// --- helpers ---

function spawnOk(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr.toString()}`)
}

function track(child: ChildProcess): ChildProcess {
  children.push(child)
  return child
}

/** The first line `child` prints on stdout (with its newline). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n') + 1))
    })
    child.once('exit', (code) => reject(new Error(`exited (${code}) before a line: ${out}`)))
  })
}

/**
 * The pid of a zombie that ran `script` (with the lock file as `$0`): a subshell whose parent shell has exec'd into
 * sleep, which never reaps it. The subshell waits for that exec first (else the shell might reap it itself).
 */
async function startZombie(script: string): Promise<number> {
  const wait = 'while [ "$(cat /proc/$$/comm)" != sleep ]; do sleep 0.01; done'
  const child = track(spawn('sh', ['-c', `(${wait}; ${script}) & echo $!; exec sleep 600`, lockPath]))
  const zombie = Number((await firstLine(child)).trim())
  await waitFor(async () => (await processState(zombie)) === 'Z')
  return zombie
}

/** State letter of `/proc/<pid>/stat` (R, S, Z, …), or undefined when the pid is gone. */
async function processState(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined)
  return text?.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3)
}

/** True while some process holds a kernel lock on the lock file (asked through flock(1) itself). */
async function lockedByOthers(): Promise<boolean> {
  return spawnSync('flock', ['-n', '-x', lockPath, 'true']).status !== 0
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('condition not met')
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number
}
