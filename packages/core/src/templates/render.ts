import { MetadataError } from '../errors.js'
import { BudgetExceeded, RenderBudget } from './_budget.js'
import { renderMustache } from './_mustache.js'
import { compiledTemplate, type CompiledTemplate } from './_token-cache.js'
import type { TemplateContext } from './context.js'
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_RENDER_STEPS } from './limits.js'
import { engineCause, renderPongo2 } from './pongo2/engine.js'

/** Bounds of one render (SPEC §16 "Template cost"). */
export interface RenderLimits {
  /** Largest document, in UTF-8 bytes (`max_document_bytes`). Default 1 MiB. */
  readonly maxDocumentBytes?: number
  /** Steps one render may take (see `RenderBudget`). Default 50,000. */
  readonly maxSteps?: number
}

/**
 * Renders a group template with the engine its text names (SPEC §16 TPL-1/TPL-2, `classifyTemplate`):
 * Mustache (TPL-2: no escaping, no partials, no lambdas) or Pongo2 (no escaping, no file access), within the
 * cost bounds. The compiled template is cached per template text, in a bounded cache.
 *
 * Callers handle empty and Jinja templates first (NC-16 steps 6–7); given one, this returns `""` or the text.
 *
 * @throws MetadataError `RENDER_FAILED`: `template output exceeds <N> bytes (max_document_bytes)` or
 *   `template output exceeds <N> rendering steps` when a bound is hit (`details.limit` is `bytes` or `steps`),
 *   else `template rendering failed` with the engine's error as `cause` (NC-16 step 8).
 */
export function renderGroupTemplate(template: string, context: TemplateContext, limits: RenderLimits = {}): string {
  const maxBytes = limits.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES
  const budget = new RenderBudget(maxBytes, limits.maxSteps ?? MAX_RENDER_STEPS)
  let output: string
  try {
    output = renderCompiled(compiledTemplate(template), template, context, budget)
  } catch (err) {
    const cause = engineCause(err)
    if (cause instanceof BudgetExceeded) throw renderLimitError(cause)
    throw new MetadataError('RENDER_FAILED', 'template rendering failed', { cause: err })
  }
  // The budget counted UTF-16 units; the limit is in UTF-8 bytes, up to three per unit.
  if (output.length * 3 > maxBytes && utf8Length(output) > maxBytes) throw renderLimitError(new BudgetExceeded('bytes', maxBytes))
  return output
}

/**
 * Renders a compiled template within `budget`. Throws what the engine throws (LiquidJS may wrap it; see
 * `engineCause`), the kept parse error, or `BudgetExceeded`.
 */
export function renderCompiled(compiled: CompiledTemplate, template: string, context: TemplateContext, budget: RenderBudget): string {
  if (compiled.error !== undefined) throw compiled.error
  switch (compiled.classification.kind) {
    case 'empty':
      return ''
    case 'jinja':
      return template
    case 'pongo2':
      return renderPongo2(compiled.pongo2 as NonNullable<CompiledTemplate['pongo2']>, context, budget)
    case 'mustache':
      return renderMustache(compiled.mustache as NonNullable<CompiledTemplate['mustache']>, template, context, budget)
  }
}

/** The NC-16 answer for a render that hit a bound: `RENDER_FAILED` naming the limit (`details.limit`). */
export function renderLimitError(exceeded: BudgetExceeded): MetadataError {
  const message =
    exceeded.limit === 'bytes'
      ? `template output exceeds ${exceeded.max} bytes (max_document_bytes)`
      : `template output exceeds ${exceeded.max} rendering steps`
  return new MetadataError('RENDER_FAILED', message, { details: { limit: exceeded.limit, max: exceeded.max } })
}

/** True for the `RENDER_FAILED` errors {@link renderLimitError} makes. */
export function isRenderLimitError(err: unknown): err is MetadataError {
  return err instanceof MetadataError && err.code === 'RENDER_FAILED' && err.details?.limit !== undefined
}

// --- internal ---

function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i += 1
    } else bytes += 3
  }
  return bytes
}
