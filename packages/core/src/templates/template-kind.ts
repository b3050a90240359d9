/** What a group template is (TPL-1). */
export type TemplateKind = 'empty' | 'jinja' | 'mustache'

/** TPL-7: the first line marks a template that cloud-init renders itself. */
const JINJA_FIRST_LINE = /^##\s*template:\s*jinja\s*$/i

/**
 * Classifies a group template (TPL-1, TPL-7).
 *
 * - `empty`: exactly `""`. A whitespace-only template is *not* empty: SPEC defines empty as `""`, NC-13 lists a
 *   group in vendor-data for any non-empty template, and such a template is validated and rendered as Mustache
 *   (it renders to whitespace, an empty YAML stream).
 * - `jinja`: the first line (up to the first `\n`) matches `^##\s*template:\s*jinja\s*$`, case-insensitively; a
 *   trailing `\r` is whitespace, so CRLF templates are detected too.
 * - `mustache`: anything else.
 */
export function templateKind(template: string): TemplateKind {
  if (template === '') return 'empty'
  const newline = template.indexOf('\n')
  const firstLine = newline === -1 ? template : template.slice(0, newline)
  return JINJA_FIRST_LINE.test(firstLine) ? 'jinja' : 'mustache'
}
