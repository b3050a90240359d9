/**
 * Everything the CLI touches outside its own code, injected so tests run commands in-process without the real
 * environment. `index.ts` builds the real one from `process`; nothing else reads `process.*`.
 */
export interface CliIo {
  /** The environment (`process.env` in production). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Writes to standard output (command results and, for `serve`, the JSON log lines). */
  stdout(text: string): void
  /** Writes to standard error (`Error: …` lines). */
  stderr(text: string): void
  /** True when standard input is a terminal; then `--spec` is not read from it (CLI-3). */
  readonly stdinIsTty: boolean
  /** All of standard input as UTF-8. Only called when `stdinIsTty` is false. */
  readStdin(): Promise<string>
  /**
   * A file's UTF-8 text, or `undefined` when it does not exist (ENOENT/ENOTDIR). Other failures throw.
   * Relative paths resolve against the working directory.
   */
  readFile(path: string): string | undefined
  /** Calls `handler` once on SIGINT or SIGTERM (OPS-4). Returns a function that removes the handler. */
  onShutdownSignal(handler: (signal: string) => void): () => void
}
