import { MAX_RENDER_STEPS } from './limits.js'

/** Which bound a render ran into: its step budget, or the document size (`max_document_bytes`). */
export type RenderLimitKind = 'steps' | 'bytes'

/** Thrown inside an engine the moment a render goes over its budget; never escapes `render.ts`. */
export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded'

  constructor(
    readonly limit: RenderLimitKind,
    readonly max: number,
  ) {
    super(limit === 'bytes' ? `template output exceeds ${max} bytes` : `template rendering exceeds ${max} steps`)
  }
}

/**
 * The cost bound of one render (issue 16 item 3, SPEC §16 "Template cost"), checked while the engine runs so a
 * runaway template stops early instead of after the damage:
 *
 * - steps: every text piece and tag rendered, every loop iteration, every name lookup (one per scope level
 *   searched) and filter (plus one per 256 characters it reads or writes) counts; at most `maxSteps`;
 * - bytes: every character written to the output counts; at most `maxBytes` (the exact UTF-8 size is checked
 *   again on the finished document).
 *
 * Rendering is synchronous, so this bound is also the longest the event loop is held: at the default 50,000
 * steps that is a few milliseconds of CPU (the nested-section bomb of issue 16 with 200 keys stops at the first
 * of its bounds instead of writing 96 MB). Sizing the budget, not moving rendering to another thread, keeps every render on
 * the request path cheap to start and lets validation prove a template's worst case with the same meter.
 */
export class RenderBudget {
  steps = 0
  bytes = 0

  /**
   * @param maxBytes the largest output, in characters counted as bytes (`max_document_bytes`)
   * @param maxSteps default {@link MAX_RENDER_STEPS}
   */
  constructor(
    readonly maxBytes: number,
    readonly maxSteps: number = MAX_RENDER_STEPS,
  ) {}

  /** Counts `n` steps. @throws BudgetExceeded */
  step(n = 1): void {
    this.steps += n
    if (this.steps > this.maxSteps) throw new BudgetExceeded('steps', this.maxSteps)
  }

  /** Counts work on a string of `length` characters (one step, plus one per 256 characters). */
  work(length: number): void {
    this.step(1 + (length >>> 8))
  }

  /** Counts `length` characters written to the output, and one step. @throws BudgetExceeded */
  output(length: number): void {
    this.bytes += length
    if (this.bytes > this.maxBytes) throw new BudgetExceeded('bytes', this.maxBytes)
    this.step(1)
  }
}
