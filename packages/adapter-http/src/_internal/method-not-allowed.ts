/**
 * OPS-6: the path exists but not for this method. A transport-level failure with no core error code; the error
 * handler turns it into `405` with `Allow`.
 */
export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError'
  /** The methods the path answers, e.g. `['GET', 'HEAD']`. */
  readonly allow: readonly string[]

  constructor(allow: readonly string[]) {
    super('method not allowed')
    this.allow = allow
  }
}
