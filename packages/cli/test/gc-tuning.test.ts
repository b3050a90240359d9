import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  MALLOC_MMAP_THRESHOLD_BYTES,
  missingMallocTunables,
  missingStartFlags,
  relaunchWithStartFlags,
  HEAP_GROWING_PERCENT,
  SERVER_SEMI_SPACE_MIB,
  tuneGarbageCollector,
  type Relaunchable,
} from '../src/gc-tuning.js'

function tuned(execArgv: string[]): string[] {
  const set: string[] = []
  tuneGarbageCollector(execArgv, (flags) => set.push(flags))
  return set
}

describe('tuneGarbageCollector (issue 19: storm garbage dies young, the old generation stays near what is alive)', () => {
  const BOTH = ['--no-allocation-site-pretenuring', `--heap-growing-percent=${HEAP_GROWING_PERCENT}`]

  it('turns allocation-site pretenuring off and caps the heap growing factor by default, whatever else the command line holds', () => {
    expect(tuned([])).toEqual(BOTH)
    expect(tuned(['--max-semi-space-size=32', '--enable-source-maps'])).toEqual(BOTH)
  })

  it("leaves the operator's own pretenuring setting alone, in either spelling and either sense", () => {
    for (const flag of ['--allocation-site-pretenuring', '--allocation_site_pretenuring', '--no-allocation-site-pretenuring', '--no-allocation_site_pretenuring']) {
      expect(tuned(['--enable-source-maps', flag]), flag).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`])
    }
  })

  it("leaves the operator's own heap growing percent alone, in either spelling", () => {
    for (const flag of ['--heap-growing-percent=80', '--heap_growing_percent=80', '--heap-growing_percent=0']) {
      expect(tuned([flag]), flag).toEqual(['--no-allocation-site-pretenuring'])
    }
    expect(tuned(['--heap-growing-percent=50', '--allocation-site-pretenuring'])).toEqual([])
  })

  it('does not mistake a longer flag for either', () => {
    expect(tuned(['--allocation-site-pretenuring-extra', '--heap-growing-percentage=5'])).toEqual(BOTH)
  })

  it('sets real V8 flags without complaint (V8 ignores a name it does not know)', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })
    for (const name of ['--allocation-site-pretenuring ', '--heap-growing-percent ']) expect(known).toContain(name)
    expect(tuneGarbageCollector([])).toEqual(BOTH)
  })
})

describe('missingStartFlags, missingMallocTunables and relaunchWithStartFlags (issue 19: a server sized for its memory)', () => {
  const serving = (execArgv: string[], env: NodeJS.ProcessEnv = {}, execve?: Relaunchable['execve']) => {
    const calls: { file: string; args: readonly string[]; env: NodeJS.ProcessEnv }[] = []
    const errors: string[] = []
    const proc: Relaunchable = {
      execPath: '/usr/bin/node',
      execArgv,
      argv: ['/usr/bin/node', '/usr/bin/metadata-service', 'serve', '--port', '8888'],
      env,
      execve:
        execve ??
        ((file, args = [], env = {}) => {
          calls.push({ file, args, env })
          throw new Error('stopped here, as the real execve never returns')
        }),
    }
    return { proc, calls, errors, stderr: (text: string) => errors.push(text) }
  }

  it('asks for a 16 MiB semi-space unless the command line or NODE_OPTIONS sets one, in either spelling', () => {
    expect(SERVER_SEMI_SPACE_MIB).toBe(16)
    expect(missingStartFlags([], {})).toEqual(['--max-semi-space-size=16'])
    expect(missingStartFlags(['--enable-source-maps'], { NODE_OPTIONS: '--max-old-space-size=2048' })).toEqual(['--max-semi-space-size=16'])
    expect(missingStartFlags(['--max-semi-space-size=64'], {})).toEqual([])
    expect(missingStartFlags(['--max_semi_space_size=8'], {})).toEqual([])
    expect(missingStartFlags([], { NODE_OPTIONS: '--trace-gc  --max-semi-space-size=16' })).toEqual([])
    expect(missingStartFlags([], { NODE_OPTIONS: '--max_semi_space_size 16' })).toEqual([])
    expect(missingStartFlags(['--max-semi-space-size-extra=1'], {})).toEqual(['--max-semi-space-size=16'])
  })

  it("fixes glibc's mmap threshold at 128 KiB, beside the operator's other tunables, unless they set it", () => {
    expect(MALLOC_MMAP_THRESHOLD_BYTES).toBe(131_072)
    expect(missingMallocTunables({})).toBe('glibc.malloc.mmap_threshold=131072')
    expect(missingMallocTunables({ GLIBC_TUNABLES: '' })).toBe('glibc.malloc.mmap_threshold=131072')
    expect(missingMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toBe('glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072')
    expect(missingMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=1048576' })).toBeUndefined()
    expect(missingMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536' })).toBeUndefined()
    expect(missingMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold_max=1' })).toBe('glibc.malloc.mmap_threshold_max=1:glibc.malloc.mmap_threshold=131072')
  })

  it('restarts a server with the flag first, its own flags, script and arguments after, and its environment plus the tunable', () => {
    const run = serving(['--enable-source-maps'], { SMD_URL: 'http://smd' })
    expect(relaunchWithStartFlags(run.proc, true, run.stderr)).toBe(false)
    expect(run.calls).toEqual([
      {
        file: '/usr/bin/node',
        args: ['/usr/bin/node', '--max-semi-space-size=16', '--enable-source-maps', '/usr/bin/metadata-service', 'serve', '--port', '8888'],
        env: { SMD_URL: 'http://smd', GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072' },
      },
    ])
    expect(run.errors.join('')).toContain(
      'could not restart with --max-semi-space-size=16 GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 (stopped here',
    )
  })

  it('restarts for whichever of the two is missing', () => {
    const tunablesOnly = serving(['--max-semi-space-size=8'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })
    relaunchWithStartFlags(tunablesOnly.proc, true, tunablesOnly.stderr)
    expect(tunablesOnly.calls[0]?.args.slice(1, 3)).toEqual(['--max-semi-space-size=8', '/usr/bin/metadata-service'])
    expect(tunablesOnly.calls[0]?.env).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072' })
    const flagOnly = serving([], { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' })
    relaunchWithStartFlags(flagOnly.proc, true, flagOnly.stderr)
    expect(flagOnly.calls[0]?.args[1]).toBe('--max-semi-space-size=16')
    expect(flagOnly.calls[0]?.env).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' })
  })

  it('leaves a client command, a process that has the flag and a runtime without execve as they are', () => {
    const client = serving([])
    expect(relaunchWithStartFlags(client.proc, false, client.stderr)).toBe(false)
    const flagged = serving(['--max-semi-space-size=32'], { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072' })
    expect(relaunchWithStartFlags(flagged.proc, true, flagged.stderr)).toBe(false)
    expect([...client.calls, ...flagged.calls, ...client.errors, ...flagged.errors]).toEqual([])
    const old = { ...serving([]).proc, execve: undefined }
    expect(relaunchWithStartFlags(old, true, () => expect.unreachable())).toBe(false)
  })
})
