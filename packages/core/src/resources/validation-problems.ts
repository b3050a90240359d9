import { MetadataError } from '../errors.js'
import type { z } from 'zod'

/**
 * Problems found in one request, in the three RES-9 buckets. Messages are reported bucket by bucket:
 * type errors, then the unknown-fields message(s), then the per-field rules (required, URL, bounds, name).
 */
export interface ValidationProblems {
  /** `<f> must be a string`, `spec must be an object`, … */
  readonly types: string[]
  /** `unknown fields in spec: [a, b]`, `unknown fields in status: [x]`. */
  readonly unknown: string[]
  /**
   * `<f> is required`, `<f> must be an absolute http:// or https:// URL`, `<f> must be at most 200 characters`,
   * `<f> must be at most 10` / `at least 0`, … (the limit or rule in words, issue 17).
   */
  readonly rules: string[]
}

/** An empty set of problems. */
export function noProblems(): ValidationProblems {
  return { types: [], unknown: [], rules: [] }
}

/**
 * Throws `MetadataError('VALIDATION_FAILED', 'validation failed: <m1>; <m2>')` (RES-8, RES-9) when any problem was
 * found; returns otherwise.
 */
export function throwIfProblems(problems: ValidationProblems): void {
  const messages = [...problems.types, ...problems.unknown, ...problems.rules]
  if (messages.length > 0) throw validationFailed(messages)
}

/** `validation failed: <m1>; <m2>` as VALIDATION_FAILED. */
export function validationFailed(messages: readonly string[]): MetadataError {
  return new MetadataError('VALIDATION_FAILED', `validation failed: ${messages.join('; ')}`)
}

/**
 * Parses a value that already passed our RES-9 checks with its domain schema, which applies defaults (Group
 * `template` "", status `ready`/`valid` false). The checks are meant to be a superset of the schema; if the schema
 * still disagrees, its issues answer as VALIDATION_FAILED rather than as a crash.
 */
export function parseChecked<T>(schema: z.ZodType<T>, value: unknown, label: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw validationFailed(result.error.issues.map((i) => `${[label, ...i.path.map(String)].join('.')}: ${i.message}`))
}
