import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { queuedConnectionsMigrate } from '../src/tcp-migrate.js'

const dir = mkdtempSync(join(tmpdir(), 'tcp-migrate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('queuedConnectionsMigrate (--workers with SO_REUSEPORT)', () => {
  it('reads net.ipv4.tcp_migrate_req as the kernel writes it', () => {
    expect(queuedConnectionsMigrate(file('on', '1\n'))).toBe(true)
    expect(queuedConnectionsMigrate(file('off', '0\n'))).toBe(false)
  })

  it('knows nothing where the setting is missing (another OS, Linux before 5.14) or unreadable', () => {
    expect(queuedConnectionsMigrate(join(dir, 'missing'))).toBeUndefined()
    expect(queuedConnectionsMigrate(dir)).toBeUndefined()
    expect(queuedConnectionsMigrate(file('odd', '2\n'))).toBeUndefined()
  })
})
