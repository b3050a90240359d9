import type { GroupSpec } from '../domain/group.js'
import { MetadataError } from '../errors.js'
import type { MetaDataDocument } from '../nocloud/meta-data-document.js'
import { BudgetExceeded, RenderBudget } from './_budget.js'
import { cloudInitIgnores } from './_cloud-init-type.js'
import { missingNamesMessage, type MissingName } from './_missing-names.js'
import { collectTemplateNames } from './_names.js'
import { describePosition, TemplateSyntaxError } from './_position.js'
import { sampleMetaDataDocument } from './_sample.js'
import { compileTemplate, type CompiledTemplate } from './_token-cache.js'
import { firstYamlError } from './_yaml-check.js'
import { buildTemplateContext, type TemplateContext } from './context.js'
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_RENDER_STEPS } from './limits.js'
import { EvaluationError } from './pongo2/evaluate.js'
import { engineCause } from './pongo2/engine.js'
import { collectPongo2Names } from './pongo2/names.js'
import { renderCompiled, renderLimitError } from './render.js'
import { sharedTemplateDifference } from './_shared-check.js'
import type { TemplateClassification } from './template-kind.js'

/** The engine a Group's template is rendered with, as its status shows it (TPL-8). */
export type GroupEngine = 'none' | 'jinja' | 'mustache' | 'pongo2'

/** Something worth an operator's attention that does not stop a write (shown in the Group status). */
export interface TemplateWarning {
  /** Stable identifier, e.g. `CLOUD_INIT_IGNORED`. */
  readonly code: string
  readonly message: string
}

/** What a successful validation reports (TPL-8). */
export interface TemplateValidation {
  /** Tag names plus the roots of dotted names, without `.`, de-duplicated and sorted; `[]` for empty and Jinja. */
  readonly requiredVariables: string[]
  /** `none` (empty template), `jinja` (cloud-init renders it), `mustache` or `pongo2`. */
  readonly engine: GroupEngine
  readonly warnings: TemplateWarning[]
}

/** What validation renders against besides the TPL-6 sample, and within which bounds. */
export interface TemplateValidationOptions {
  /**
   * The NC-5 document of the cluster's worst case (the longest lists and largest values the inventory and the
   * resources hold, with this spec as its group), rendered within the same bounds as any node's (SPEC §16).
   */
  readonly worstCase?: MetaDataDocument
  /** `max_document_bytes`. Default 1 MiB. */
  readonly maxDocumentBytes?: number
}

function failed(detail: string, cause?: unknown): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `validation failed: ${detail}`, cause === undefined ? {} : { cause })
}

/**
 * Validates a group's template (TPL-4, TPL-5, TPL-6 as SPEC §16 amends them). Empty and Jinja templates are not
 * checked. Otherwise, the first failing step answers `400`:
 *
 * 1. the engine rule: a malformed engine marker, or Mustache and Pongo2 syntax mixed without one;
 * 2. parse: `template parse error: <detail> at line L, column C` (Pongo2: unknown tags and filters too);
 * 3. Mustache partials: `template uses unsupported partial: <name>`;
 * 4. names: `missing required variables: [a, b]`, with "did you mean" when one is close; names the template
 *    guards are exempt; Pongo2 loops over a value that is no list or map are refused;
 * 5. render with the sample, then with `worstCase`, each within the render bounds:
 *    `template render error: <detail>` or `template output exceeds <limit> …`;
 * 6. the sample output parses as a YAML stream: `template YAML invalid after rendering: <detail>`;
 * 7. a template that is valid in both syntaxes must print the same in both (else: name the engine).
 *
 * Warnings (not failures): the rendered document starts in a way cloud-init ignores.
 *
 * @throws MetadataError `VALIDATION_FAILED` with the message of the first failing step; never anything else.
 */
export function validateGroupTemplate(spec: GroupSpec, groupName: string, options: TemplateValidationOptions = {}): TemplateValidation {
  const template = spec.template
  const compiled = compileTemplate(template)
  const { classification } = compiled
  if (classification.markerProblem !== undefined) throw failed(classification.markerProblem)
  if (classification.kind === 'empty') return { requiredVariables: [], engine: 'none', warnings: [] }
  if (classification.kind === 'jinja') return { requiredVariables: [], engine: 'jinja', warnings: [] }
  if (classification.conflict !== undefined) throw failed(conflictMessage(template, classification))
  if (compiled.error !== undefined) throw failed(`template parse error: ${syntaxDetail(template, compiled.error)}`, compiled.error)

  const document = sampleMetaDataDocument(groupName, spec)
  const context = buildTemplateContext(document, spec.metaData)
  const groups = document.instance_data.v1.vendor_data.groups
  const requiredVariables = guardDepth(() => checkNames(compiled, context, groups, template))

  const maxBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES
  const output = renderForValidation(compiled, template, context, maxBytes, 'the validation sample')
  if (options.worstCase !== undefined) {
    const worst = buildTemplateContext(options.worstCase, spec.metaData)
    renderForValidation(compiled, template, worst, maxBytes, "the cluster's largest node")
  }

  const yamlError = firstYamlError(output)
  if (yamlError !== undefined) throw failed(`template YAML invalid after rendering: ${yamlError}`)

  if (classification.shared && compiled.mustache !== undefined) {
    const difference = sharedTemplateDifference(compiled.mustache, context)
    if (difference !== undefined) throw failed(difference)
  }

  const ignored = cloudInitIgnores(output)
  const warnings = ignored === undefined ? [] : [{ code: 'CLOUD_INIT_IGNORED', message: ignored }]
  return { requiredVariables, engine: classification.kind, warnings }
}

// --- internal ---

/** TPL-4 steps 3–4 for either engine; returns TPL-8 `requiredVariables`. */
function checkNames(compiled: CompiledTemplate, context: TemplateContext, groups: object | undefined, template: string): string[] {
  let missing: MissingName[]
  let required: string[]
  if (compiled.mustache !== undefined) {
    const names = collectTemplateNames(compiled.mustache, context, groups)
    if (names.firstPartial !== undefined) throw failed(`template uses unsupported partial: ${names.firstPartial}`)
    missing = names.missing
    required = names.required
  } else {
    const names = collectPongo2Names(compiled.pongo2 as NonNullable<CompiledTemplate['pongo2']>, context, groups)
    missing = names.missing
    required = names.required
    const loop = names.loopProblems[0]
    if (missing.length === 0 && loop !== undefined) throw failed(`${loop.message} (${describePosition(template, loop.offset)})`)
  }
  if (missing.length > 0) throw failed(missingNamesMessage(missing, context))
  return required
}

/** Renders within the bounds a node's render has; a failure is a TPL-4 message naming `who`. */
function renderForValidation(compiled: CompiledTemplate, template: string, context: TemplateContext, maxBytes: number, who: string): string {
  const budget = new RenderBudget(maxBytes, MAX_RENDER_STEPS)
  let output: string
  try {
    output = renderCompiled(compiled, template, context, budget)
  } catch (err) {
    const cause = engineCause(err)
    if (cause instanceof BudgetExceeded) throw failed(`${renderLimitError(cause).message} when rendered for ${who}`, cause)
    throw failed(`template render error${who === 'the validation sample' ? '' : ` for ${who}`}: ${renderDetail(template, cause)}`, err)
  }
  if (new TextEncoder().encode(output).length > maxBytes) {
    throw failed(`${renderLimitError(new BudgetExceeded('bytes', maxBytes)).message} when rendered for ${who}`)
  }
  return output
}

/** Deep templates can exhaust the stack while being walked; that is the template's fault, said in words. */
function guardDepth<T>(step: () => T): T {
  try {
    return step()
  } catch (err) {
    if (err instanceof RangeError) throw failed('template render error: the template nests too deeply', err)
    throw err
  }
}

function conflictMessage(template: string, classification: TemplateClassification): string {
  const { mustache, pongo2 } = classification.conflict as NonNullable<TemplateClassification['conflict']>
  return (
    `template mixes Mustache (${mustache.text} at ${describePosition(template, mustache.offset)}) and Pongo2 ` +
    `(${pongo2.text} at ${describePosition(template, pongo2.offset)}) syntax: keep to one, or name the engine ` +
    'on the first line with {{! engine: mustache }} or {# engine: pongo2 #}'
  )
}

/** A parse error's detail with its line and column (mustache.js gives a character offset as `at N`). */
function syntaxDetail(template: string, err: unknown): string {
  if (err instanceof TemplateSyntaxError) return `${err.message} at ${describePosition(template, err.offset)}`
  if (err instanceof RangeError) return 'the template nests too deeply'
  const message = messageOf(err)
  const at = / at (\d+)$/.exec(message)
  return at === null ? message : `${message.slice(0, at.index)} at ${describePosition(template, Number(at[1]))}`
}

function renderDetail(template: string, cause: unknown): string {
  if (cause instanceof EvaluationError) return `${cause.message} at ${describePosition(template, cause.offset)}`
  return messageOf(cause)
}

/** The message of whatever was thrown. */
function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim()
}
