/** A construct that only one engine reads as template syntax, with where it is. */
export interface SyntaxEvidence {
  /** The construct as written, shortened to 40 characters. */
  readonly text: string
  readonly offset: number
}

/** The first construct of each engine found in a template. */
export interface SyntaxSurvey {
  /** First Mustache-only construct: `{{#`, `{{^`, `{{/`, `{{!`, `{{>`, `{{&`, `{{{`, `{{=`, `{{.}}`, or a name Pongo2 reads otherwise. */
  readonly mustache: SyntaxEvidence | undefined
  /** First Pongo2-only construct: a `{% tag %}`, a `{# comment #}`, `{{-`, or `{{ }}` holding more than a name. */
  readonly pongo2: SyntaxEvidence | undefined
}

const MUSTACHE_SIGILS = '#^/!>&{='
/** A variable both engines read alike: a name, then `.name` or `.index` parts (Pongo2 identifiers, no keywords). */
const SHARED_NAME = /^[ \t\r]*([A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|0|[1-9][0-9]*))*)[ \t\r]*$/
const PONGO2_KEYWORDS = new Set(['in', 'and', 'or', 'not', 'true', 'false', 'as', 'export'])
/** One word without Pongo2 operators, quotes, brackets or spaces: Mustache reads it as a name, Pongo2 differently. */
const MUSTACHE_WORD = /^\s*[^\s|"'()[\],:+*/%<>=!~^{}]+\s*$/
/** A complete `{% name … %}` on one line. */
const PONGO2_TAG = /^\{%-?[ \t]*[A-Za-z_][A-Za-z0-9_]*[^\n]*?%\}/
/** A complete `{# … #}` on one line. */
const PONGO2_COMMENT = /^\{#[^\n]*?#\}/

/**
 * Finds the first construct that only Mustache, and the first that only Pongo2, reads as template syntax in
 * `template` from `start` (the engine rule of SPEC §16 TPL-1/TPL-2, documented in docs/spec-addendum.md).
 * `{{ name }}` and `{{ a.b.0 }}` count for neither: both engines print them alike (for strings and integers). A
 * `{%` or `{#` that is not a complete tag or comment on its line (`${#array[@]}` in a shell script) counts for
 * neither. Linear in the template's length.
 */
export function surveySyntax(template: string, start = 0): SyntaxSurvey {
  let mustache: SyntaxEvidence | undefined
  let pongo2: SyntaxEvidence | undefined
  const found = (offset: number, end: number): SyntaxEvidence => ({ text: shorten(template.slice(offset, end)), offset })
  for (let i = template.indexOf('{', start); i !== -1 && (mustache === undefined || pongo2 === undefined); i = template.indexOf('{', i + 1)) {
    const next = template[i + 1]
    if (next === '%' || next === '#') {
      if (pongo2 !== undefined) continue
      const rest = template.slice(i, template.indexOf('\n', i) === -1 ? undefined : template.indexOf('\n', i))
      const match = (next === '%' ? PONGO2_TAG : PONGO2_COMMENT).exec(rest)
      if (match) pongo2 = found(i, i + match[0].length)
      continue
    }
    if (next !== '{') continue
    const close = template.indexOf('}}', i + 2)
    const end = close === -1 ? template.length : close + 2
    const kind = tagKind(template, i, close)
    if (kind === 'mustache') mustache ??= found(i, end)
    else if (kind === 'pongo2') pongo2 ??= found(i, end)
    // Skip the tag's body so `{{{x}}}` or `{{ "{" }}` is not read again from inside.
    if (close !== -1) i = close + 1
  }
  return { mustache, pongo2 }
}

// --- internal ---

function tagKind(template: string, open: number, close: number): 'mustache' | 'pongo2' | 'shared' | 'none' {
  const sigil = template[open + 2] ?? ''
  if (MUSTACHE_SIGILS.includes(sigil) && sigil !== '') return 'mustache'
  if (sigil === '-') return 'pongo2'
  if (close === -1) return 'none'
  const content = template.slice(open + 2, close)
  if (content.endsWith('-')) return 'pongo2'
  if (content.trim() === '.') return 'mustache'
  const shared = SHARED_NAME.exec(content)
  if (shared) {
    const parts = (shared[1] as string).split('.')
    return parts.some((part) => PONGO2_KEYWORDS.has(part)) ? 'mustache' : 'shared'
  }
  if (content.includes('\n') || MUSTACHE_WORD.test(content)) return 'mustache'
  return 'pongo2'
}

function shorten(text: string): string {
  const line = text.split('\n')[0] as string
  return line.length > 40 ? `${line.slice(0, 37)}...` : line
}
