// Reading the Node.js and V8 flags a process was given, for the processes this service starts with flags of its own
// (the SMD sync child here, the serving process in the CLI): an operator's flag always wins over ours.

const SEMI_SPACE = /^--max[-_]semi[-_]space[-_]size(=|$)/

/** The flags in `env.NODE_OPTIONS`, split at whitespace; none when it is unset. */
export function nodeOptionFlags(env: NodeJS.ProcessEnv): string[] {
  return (env.NODE_OPTIONS ?? '').split(/\s+/).filter((flag) => flag !== '')
}

/**
 * True when one of `flags` sets V8's young-generation cap, `--max-semi-space-size`, in either spelling Node accepts
 * (dashes or underscores); a longer flag name does not count.
 */
export function setsSemiSpace(flags: readonly string[]): boolean {
  return flags.some((flag) => SEMI_SPACE.test(flag))
}
