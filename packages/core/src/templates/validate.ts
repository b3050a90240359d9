import type { GroupSpec } from '../domain/group.js'
import { MetadataError } from '../errors.js'
import { collectTemplateNames } from './_names.js'
import { parseMustache, renderMustache, type MustacheToken } from './_mustache.js'
import { sampleMetaDataDocument } from './_sample.js'
import { firstYamlError } from './_yaml-check.js'
import { buildTemplateContext } from './context.js'
import { templateKind } from './template-kind.js'

/** What a successful validation reports (TPL-8). */
export interface TemplateValidation {
  /** Tag names plus the roots of dotted names, without `.`, de-duplicated and sorted; `[]` for empty and Jinja. */
  readonly requiredVariables: string[]
}

function failed(detail: string, cause?: unknown): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `validation failed: ${detail}`, cause === undefined ? {} : { cause })
}

/** The message of whatever was thrown. */
function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim()
}

/**
 * Validates a group's template (TPL-4, TPL-5, TPL-6). Empty and Jinja templates (TPL-1, TPL-7) are not checked
 * and report `requiredVariables: []`. A Mustache template must pass, in order:
 *
 * 1. parse — `validation failed: template parse error: <detail>`;
 * 2. no partials — `validation failed: template uses unsupported partial: <name>` (the first in the text);
 * 3. every variable and section name resolves against the TPL-6 sample for `groupName` with `spec.metaData`
 *    on top (TPL-5) — `validation failed: missing required variables: [a, b]`;
 * 4. renders with that sample — `validation failed: template render error: <detail>`;
 * 5. the output parses as a YAML stream — `validation failed: template YAML invalid after rendering: <detail>`.
 *
 * @throws MetadataError `VALIDATION_FAILED` with the message of the first failing step; never anything else.
 */
export function validateGroupTemplate(spec: GroupSpec, groupName: string): TemplateValidation {
  const template = spec.template
  if (templateKind(template) !== 'mustache') return { requiredVariables: [] }

  let tokens: MustacheToken[]
  try {
    tokens = parseMustache(template)
  } catch (cause) {
    throw failed(`template parse error: ${messageOf(cause)}`, cause)
  }

  const document = sampleMetaDataDocument(groupName, spec)
  const context = buildTemplateContext(document, spec.metaData)
  const names = collectTemplateNames(tokens, context, document.instance_data.v1.vendor_data.groups)
  if (names.firstPartial !== undefined) throw failed(`template uses unsupported partial: ${names.firstPartial}`)
  if (names.missing.length > 0) throw failed(`missing required variables: [${names.missing.join(', ')}]`)

  let output: string
  try {
    output = renderMustache(tokens, template, context)
  } catch (cause) {
    throw failed(`template render error: ${messageOf(cause)}`, cause)
  }

  const yamlError = firstYamlError(output)
  if (yamlError !== undefined) throw failed(`template YAML invalid after rendering: ${yamlError}`)

  return { requiredVariables: names.required }
}
