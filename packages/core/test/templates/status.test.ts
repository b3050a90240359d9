import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { GroupSpec, GroupStatus } from '../../src/domain/group.js'
import { groupStatusAfterWrite } from '../../src/templates/status.js'

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const spec = (template: string): GroupSpec => ({ template })
const at = (i: number): string => `2025-01-01T00:00:${String(i).padStart(2, '0')}.000Z`

describe('groupStatusAfterWrite (TPL-8)', () => {
  it('sets valid, errorMessage, requiredVariables, templateHash and currentTemplateVersion', () => {
    const template = '#cloud-config\nhostname: {{ hostname }}\n'
    const status = groupStatusAfterWrite(undefined, spec(template), ['hostname'], at(0))
    const hash = sha256(template)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(status).toEqual({
      valid: true,
      errorMessage: '',
      requiredVariables: ['hostname'],
      templateHash: hash,
      currentTemplateVersion: `v-${hash.slice(0, 8)}`,
      templateHistory: [{ version: `v-${hash.slice(0, 8)}`, timestamp: at(0), valid: true }],
    })
  })

  it('hashes the empty template too (v-e3b0c442)', () => {
    const status = groupStatusAfterWrite(undefined, spec(''), [], at(0))
    expect(status.templateHash).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(status.currentTemplateVersion).toBe('v-e3b0c442')
  })

  it('AT-46: 11 updates keep the last 10 entries; repeating the last replaces its entry in place', () => {
    let status: GroupStatus | undefined
    const templates = Array.from({ length: 11 }, (_, i) => `#cloud-config\nn: ${i}\n`)
    templates.forEach((template, i) => {
      status = groupStatusAfterWrite(status, spec(template), [], at(i))
    })
    const versions = templates.map((t) => `v-${sha256(t).slice(0, 8)}`)
    expect(status?.currentTemplateVersion).toMatch(/^v-[0-9a-f]{8}$/)
    expect(status?.currentTemplateVersion).toBe(versions[10])
    expect(status?.templateHistory).toEqual(versions.slice(1).map((version, i) => ({ version, timestamp: at(i + 1), valid: true })))

    const repeated = groupStatusAfterWrite(status, spec(templates[10] as string), [], at(30))
    expect(repeated.templateHistory).toHaveLength(10)
    expect(repeated.templateHistory?.[9]).toEqual({ version: versions[10], timestamp: at(30), valid: true })
    expect(repeated.templateHistory?.slice(0, 9)).toEqual(status?.templateHistory?.slice(0, 9))
  })

  it('replaces an older entry of the same version where it stands', () => {
    let status = groupStatusAfterWrite(undefined, spec('a: 1\n'), [], at(0))
    status = groupStatusAfterWrite(status, spec('b: 2\n'), [], at(1))
    status = groupStatusAfterWrite(status, spec('a: 1\n'), [], at(2))
    expect(status.templateHistory?.map((h) => [h.version, h.timestamp])).toEqual([
      [`v-${sha256('a: 1\n').slice(0, 8)}`, at(2)],
      [`v-${sha256('b: 2\n').slice(0, 8)}`, at(1)],
    ])
    expect(status.currentTemplateVersion).toBe(`v-${sha256('a: 1\n').slice(0, 8)}`)
  })

  it('clears an earlier error and keeps the fields the server never sets', () => {
    const previous: GroupStatus = {
      valid: false,
      errorMessage: 'old',
      requiredVariables: ['old'],
      lastApplied: '2024-12-31T00:00:00Z',
      errorDetails: 'client-set',
      templateVersion: 'client-v',
      version: '7',
    }
    const status = groupStatusAfterWrite(previous, spec('x: {{ y }}\n'), ['y'], at(0))
    expect(status).toMatchObject({
      valid: true,
      errorMessage: '',
      requiredVariables: ['y'],
      lastApplied: '2024-12-31T00:00:00Z',
      errorDetails: 'client-set',
      templateVersion: 'client-v',
      version: '7',
    })
    expect(previous.valid).toBe(false)
  })

  it('never sets lastApplied, errorDetails, templateVersion or version itself', () => {
    const status = groupStatusAfterWrite(undefined, spec('x: 1\n'), [], at(0))
    expect(Object.keys(status).sort()).toEqual([
      'currentTemplateVersion', 'errorMessage', 'requiredVariables', 'templateHash', 'templateHistory', 'valid',
    ])
  })
})
