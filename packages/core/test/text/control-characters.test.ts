import { describe, expect, it } from 'vitest'
import { SPECIAL_CHARACTERS } from '../../src/testing/index.js'
import { controlCharacterIn, escapeControlCharacters } from '../../src/text/control-characters.js'
import { isHttpUrl } from '../../src/text/http-url.js'

describe('control characters (SPEC §16, issue 16)', () => {
  it('finds C0 (tab and newline too), DEL, C1, U+2028/9, the BOM and U+FFFE/F, naming the first', () => {
    const { c0, del, c1, bom } = SPECIAL_CHARACTERS
    for (const c of [...c0, ...del, ...c1, ...bom, '\u2028', '\u2029', '\ufffe', '\uffff']) {
      expect(controlCharacterIn(`ok${c}`), JSON.stringify(c)).toBe(`U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    }
    expect(controlCharacterIn('a\tb\nc')).toBe('U+0009')
    for (const ok of ['', 'plain', 'é日本🚀', '\u00a0', '\u200b', '\ud800', '\u{1fffe}']) expect(controlCharacterIn(ok)).toBeUndefined()
  })

  it('escapes them as \\uXXXX for error bodies and log lines, leaving other text alone', () => {
    expect(escapeControlCharacters('group \u0000 a\nb\u2028c\u001b[2J')).toBe('group \\u0000 a\\u000ab\\u2028c\\u001b[2J')
    expect(escapeControlCharacters('café 🚀')).toBe('café 🚀')
    const all = Object.values(SPECIAL_CHARACTERS).flat().join('')
    expect(controlCharacterIn(escapeControlCharacters(all))).toBeUndefined()
  })

  it('isHttpUrl accepts only absolute http(s) URLs written in RFC 3986 characters', () => {
    expect(['http://a', 'https://u:p%40w@h:1/p?q=1#f', 'http://[fe80::1]/'].every(isHttpUrl)).toBe(true)
    expect(['http://a/\n', '\thttp://a', 'http://a b', 'http://ä', 'http:\\\\a', 'mailto:x@y', 'http://%zz', ''].some(isHttpUrl)).toBe(false)
  })
})
