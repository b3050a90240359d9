/** A 1-based line and column in a template's text (TPL-4 messages name both). */
export interface TextPosition {
  readonly line: number
  readonly column: number
}

/**
 * The line and column of `offset` in `text`: lines split at `\n`, columns counted in UTF-16 code units from 1.
 * Linear in `offset`; called only when a message is built, never per rendered tag.
 */
export function positionOf(text: string, offset: number): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length))
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line += 1
    lineStart = i + 1
  }
  return { line, column: end - lineStart + 1 }
}

/** `line L, column C` of `offset` in `text`, for messages. */
export function describePosition(text: string, offset: number): string {
  const { line, column } = positionOf(text, offset)
  return `line ${line}, column ${column}`
}

/** An error in a template's syntax at a known place; validation turns it into its TPL-4 message. */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError'
  /** Offset in the template text where the problem is. */
  readonly offset: number

  constructor(message: string, offset: number) {
    super(message)
    this.offset = offset
  }
}
