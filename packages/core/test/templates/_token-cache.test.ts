import { describe, expect, it } from 'vitest'
import { compiledTemplate, compiledTemplateCacheSize } from '../../src/templates/_token-cache.js'

describe('compiledTemplate cache (TPL-2 "cached per version")', () => {
  it('returns the same tokens for the same text, and keeps the least recently used out first', () => {
    const first = compiledTemplate('#cloud-config\nfirst: {{ a }}\n')
    expect(compiledTemplate('#cloud-config\nfirst: {{ a }}\n')).toBe(first)
    const second = compiledTemplate('#cloud-config\nsecond: {{ a }}\n')
    for (let i = 0; i < 255; i++) {
      compiledTemplate(`#cloud-config\nfill: ${i}\n`)
      compiledTemplate('#cloud-config\nfirst: {{ a }}\n') // used again and again: never the least recent
    }
    expect(compiledTemplateCacheSize().entries).toBe(256)
    expect(compiledTemplate('#cloud-config\nfirst: {{ a }}\n')).toBe(first)
    expect(compiledTemplate('#cloud-config\nsecond: {{ a }}\n')).not.toBe(second) // evicted, compiled anew
  })

  it('caches the empty template', () => {
    const empty = compiledTemplate('')
    expect(compiledTemplate('')).toBe(empty)
  })
})
