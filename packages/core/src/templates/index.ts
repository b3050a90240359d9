export { classifyTemplate, templateKind, type MarkedEngine, type TemplateClassification, type TemplateKind } from './template-kind.js'
export { cachedTemplateKind } from './cached-kind.js'
export { buildTemplateContext, type TemplateContext } from './context.js'
export { isRenderLimitError, renderGroupTemplate, type RenderLimits } from './render.js'
export {
  validateGroupTemplate,
  type GroupEngine,
  type TemplateValidation,
  type TemplateValidationOptions,
  type TemplateWarning,
} from './validate.js'
export { groupStatusAfterWrite } from './status.js'
export { checkGroupSpec } from './spec-checks.js'
export {
  DEFAULT_MAX_DOCUMENT_BYTES,
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  MAX_RENDER_STEPS,
  MAX_TEMPLATE_BYTES,
} from './limits.js'
