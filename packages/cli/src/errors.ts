/**
 * Exit codes (CLI-7): 0 ok; 1 API, network, runtime or startup failure; 2 usage error.
 */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/**
 * A failure the CLI reports as `Error: <message>` on stderr and turns into an exit code (CLI-6, CLI-7).
 * Every line of `message` is printed with the `Error: ` prefix, so a multi-problem config error lists one per line.
 */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: number

  constructor(message: string, exitCode: number = EXIT_FAILURE, options?: { cause?: unknown }) {
    super(message, options)
    this.exitCode = exitCode
  }
}

/** A usage error (unknown command or flag, bad value, bad --spec): exit 2 (CLI-7). */
export class UsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT_USAGE, options)
  }
}
