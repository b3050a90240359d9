import { MetadataError } from '../errors.js'
import { renderMustache } from './_mustache.js'
import { compiledTemplate } from './_token-cache.js'
import type { TemplateContext } from './context.js'

/**
 * Renders a group template as Mustache (TPL-2): HTML escaping off for every tag form, no partials (a `{{> p}}`
 * renders nothing), no lambdas (function values read as missing), inherited properties invisible. The compiled
 * template is cached per template text, in a bounded cache.
 *
 * Callers handle empty and Jinja templates first (NC-16 steps 6–7, `templateKind`); this function renders
 * whatever it is given as Mustache.
 *
 * @throws MetadataError `RENDER_FAILED` `template rendering failed` when the template does not parse or render;
 *   the mustache.js error is the `cause` (NC-16 step 8).
 */
export function renderGroupTemplate(template: string, context: TemplateContext): string {
  try {
    return renderMustache(compiledTemplate(template), template, context)
  } catch (cause) {
    throw new MetadataError('RENDER_FAILED', 'template rendering failed', { cause })
  }
}
