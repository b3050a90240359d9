import { surveySyntax, type SyntaxEvidence } from './_syntax-evidence.js'

/** What a group template is (TPL-1 as SPEC §16 amends it). */
export type TemplateKind = 'empty' | 'jinja' | 'mustache' | 'pongo2'

/** The engines a template can name on its first line. */
export type MarkedEngine = 'mustache' | 'pongo2'

/** How a template's engine was decided, and what validation must refuse about it. */
export interface TemplateClassification {
  readonly kind: TemplateKind
  /** Offset where the engine starts reading: after a Pongo2 marker line, else 0. */
  readonly start: number
  /** The engine came from a first-line marker. */
  readonly marked: boolean
  /**
   * Neither engine's own syntax appears: only `{{ name }}` tags (or none). Such a template renders as Mustache;
   * validation checks that Pongo2 would print the same (docs/spec-addendum.md, "the engine rule").
   */
  readonly shared: boolean
  /** Both engines' own syntax appears and no marker decides: refused by validation (rendered as Mustache). */
  readonly conflict?: { readonly mustache: SyntaxEvidence; readonly pongo2: SyntaxEvidence }
  /** A first line that looks like a marker but is not a valid one: refused by validation. */
  readonly markerProblem?: string
}

/** TPL-7: the first line marks a template that cloud-init renders itself. */
const JINJA_FIRST_LINE = /^##\s*template:\s*jinja\s*$/i
/** `{# engine: pongo2 #}` (a Pongo2 comment) or `{{! engine: mustache }}` (a Mustache comment), alone on line 1. */
const PONGO2_MARKER = /^[ \t]*\{#\s*engine\s*:\s*([^\s#]*)\s*#\}[ \t]*\r?$/i
const MUSTACHE_MARKER = /^[ \t]*\{\{!\s*engine\s*:\s*([^\s}]*)\s*\}\}[ \t]*\r?$/i

/**
 * Decides a group template's engine (SPEC §16 TPL-1/TPL-2), in this order:
 *
 * 1. `""` is `empty`; a first line `## template: jinja` (TPL-7, any case, CRLF too) is `jinja` (cloud-init's).
 * 2. A first line `{# engine: pongo2 #}` or `{{! engine: mustache }}` names the engine. Each marker is a comment
 *    in its own engine and renders to nothing (the line with its newline is dropped).
 * 3. Otherwise the tags decide: Mustache-only syntax makes it `mustache`, Pongo2-only syntax `pongo2`, and a
 *    template with only `{{ name }}` tags (or none) is `mustache` with `shared` set. Both kinds together are a
 *    `conflict` (refused on write; a stored one renders as Mustache, as it did before).
 *
 * Linear in the template's length; callers on the render path cache the result per template text.
 */
export function classifyTemplate(template: string): TemplateClassification {
  if (template === '') return { kind: 'empty', start: 0, marked: false, shared: false }
  const newline = template.indexOf('\n')
  const firstLine = newline === -1 ? template : template.slice(0, newline)
  if (JINJA_FIRST_LINE.test(firstLine)) return { kind: 'jinja', start: 0, marked: false, shared: false }

  const marker = readMarker(firstLine)
  if (marker !== undefined && marker.problem === undefined) {
    const start = marker.engine === 'pongo2' ? (newline === -1 ? template.length : newline + 1) : 0
    return { kind: marker.engine, start, marked: true, shared: false }
  }
  const survey = surveySyntax(template)
  const base = marker?.problem === undefined ? {} : { markerProblem: marker.problem }
  if (survey.mustache !== undefined && survey.pongo2 !== undefined) {
    return { kind: 'mustache', start: 0, marked: false, shared: false, conflict: { mustache: survey.mustache, pongo2: survey.pongo2 }, ...base }
  }
  if (survey.pongo2 !== undefined) return { kind: 'pongo2', start: 0, marked: false, shared: false, ...base }
  return { kind: 'mustache', start: 0, marked: false, shared: survey.mustache === undefined, ...base }
}

/** The kind of a group template (see {@link classifyTemplate}). */
export function templateKind(template: string): TemplateKind {
  return classifyTemplate(template).kind
}

// --- internal ---

function readMarker(firstLine: string): { engine: MarkedEngine; problem?: string } | undefined {
  const pongo2 = PONGO2_MARKER.exec(firstLine)
  const mustache = pongo2 ? null : MUSTACHE_MARKER.exec(firstLine)
  const match = pongo2 ?? mustache
  if (!match) return undefined
  const named = (match[1] as string).toLowerCase()
  const written: MarkedEngine = pongo2 ? 'pongo2' : 'mustache'
  if (named !== 'pongo2' && named !== 'mustache') {
    return { engine: written, problem: `the engine marker names '${match[1]}'; write {# engine: pongo2 #} or {{! engine: mustache }}` }
  }
  if (named !== written) {
    const right = named === 'pongo2' ? '{# engine: pongo2 #}' : '{{! engine: mustache }}'
    return { engine: written, problem: `the ${named} engine marker is written ${right} (a comment in that engine)` }
  }
  return { engine: named }
}
