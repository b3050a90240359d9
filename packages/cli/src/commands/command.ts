import { defineCommand, type ArgsDef, type CommandDef } from 'citty'
import { parseStrict, type StrictArgs } from '../argv.js'
import type { GlobalFlags } from '../config/client-flags.js'
import type { CliIo } from '../io.js'

/** What every command receives: the injected I/O, the hoisted global flags (CLI-2) and the exit code to report. */
export interface CliContext {
  readonly io: CliIo
  readonly globals: GlobalFlags
  /** Set by a command that fails without throwing (e.g. `health` on a non-200 answer). */
  exitCode: number
}

/** The name the executable is invoked by (CLI-1). */
export const PROGRAM = 'metadata-service'

/** Help examples per command, shown under EXAMPLES in `--help` (citty has no such section). */
const EXAMPLES = new WeakMap<CommandDef<ArgsDef>, readonly string[]>()
/** How a command's positionals read in the USAGE line, e.g. `<name|uid>...`, when not derived from its args. */
const USAGE = new WeakMap<CommandDef<ArgsDef>, string>()

/** The examples registered for `cmd`, or `[]`. */
export function examplesOf(cmd: CommandDef<ArgsDef>): readonly string[] {
  return EXAMPLES.get(cmd) ?? []
}

/** The positional part of `cmd`'s USAGE line, when it was given. */
export function usageOf(cmd: CommandDef<ArgsDef>): string | undefined {
  return USAGE.get(cmd)
}

/** A command that has subcommands: description, examples and children. */
export function groupCommand(spec: {
  readonly path: string
  readonly description: string
  readonly examples: readonly string[]
  /** Shown in help only: group commands take no flags of their own (the global ones are hoisted, CLI-2). */
  readonly args?: ArgsDef
  readonly subCommands: Record<string, CommandDef<ArgsDef>>
}): CommandDef<ArgsDef> {
  const cmd = defineCommand({
    meta: { name: spec.path, description: spec.description },
    ...(spec.args === undefined ? {} : { args: spec.args }),
    subCommands: spec.subCommands,
  })
  EXAMPLES.set(cmd as CommandDef<ArgsDef>, spec.examples)
  return cmd as CommandDef<ArgsDef>
}

/**
 * A command without subcommands. Its arguments are parsed strictly by `parseStrict` (unknown flags are usage
 * errors, CLI-7) and handed to `run`; citty only routes to it and renders its help.
 */
export function leafCommand(spec: {
  /** Full invocation path for help, e.g. `metadata-service group get`. */
  readonly path: string
  readonly description: string
  readonly examples: readonly string[]
  readonly args: ArgsDef
  /** Accept any number of positionals (e.g. `delete a b c`). */
  readonly variadic?: boolean
  /** The positionals as the USAGE line shows them, e.g. `<name|uid>...`. */
  readonly usage?: string
  /** Receives the strictly parsed arguments and the raw ones (after the command name). */
  readonly run: (args: StrictArgs, rawArgs: readonly string[]) => Promise<void>
}): CommandDef<ArgsDef> {
  const cmd = defineCommand({
    meta: { name: spec.path, description: spec.description },
    args: spec.args,
    run: ({ rawArgs }) => spec.run(parseStrict(rawArgs, spec.args, { variadic: spec.variadic === true }), rawArgs),
  })
  EXAMPLES.set(cmd as CommandDef<ArgsDef>, spec.examples)
  if (spec.usage !== undefined) USAGE.set(cmd as CommandDef<ArgsDef>, spec.usage)
  return cmd as CommandDef<ArgsDef>
}
