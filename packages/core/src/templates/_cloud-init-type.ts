/**
 * The starts cloud-init recognises in a user-data or `#include`d document (cloud-init 22.4
 * `handlers.INCLUSION_TYPES_MAP`, matched lower-cased after leading white space is stripped). A document that
 * starts otherwise, and is no MIME message, is ignored by cloud-init without an error.
 */
const RECOGNISED_STARTS = [
  '#include',
  '#!',
  '#cloud-config',
  '#part-handler',
  '#cloud-boothook',
  '## template: jinja',
  'text/x-shellscript-per-boot',
  'text/x-shellscript-per-instance',
  'text/x-shellscript-per-once',
]

/** Starts worth naming in a message, most useful first. */
const NAMED = '#cloud-config, #!, #include, ## template: jinja, #cloud-boothook or #part-handler'

/**
 * Why cloud-init would ignore `document`, or `undefined` when it recognises it (issue 17: such a template is
 * accepted with a warning, never silently). cloud-init reads a MIME message (`MIME-Version:` in the first 4096
 * bytes) as such; anything else by its first characters.
 */
export function cloudInitIgnores(document: string): string | undefined {
  if (document.slice(0, 4096).toLowerCase().includes('mime-version:')) return undefined
  const start = document.trimStart()
  const lower = start.slice(0, 64).toLowerCase()
  if (RECOGNISED_STARTS.some((prefix) => lower.startsWith(prefix))) return undefined
  if (start === '') return 'cloud-init ignores this document: it renders empty'
  const firstLine = (start.split('\n')[0] as string).trimEnd()
  const shown = firstLine.length > 40 ? `${firstLine.slice(0, 37)}...` : firstLine
  return `cloud-init ignores this document: it starts with ${JSON.stringify(shown)}, not ${NAMED}`
}
