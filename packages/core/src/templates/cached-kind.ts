import { compiledTemplate } from './_token-cache.js'
import type { TemplateKind } from './template-kind.js'

/**
 * {@link TemplateKind} of a stored template from the bounded compile cache (the render path asks once per
 * document; classifying reads the whole text, parsing it is needed to render anyway).
 */
export function cachedTemplateKind(template: string): TemplateKind {
  return compiledTemplate(template).classification.kind
}
