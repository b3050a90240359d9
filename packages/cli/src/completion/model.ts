import type { ArgDef, ArgsDef, CommandDef } from 'citty'
import { CLIENT_LOG_LEVELS } from '../client/client-log.js'
import { OUTPUT_FORMATS } from '../config/client.js'
import { withoutIds } from '../help.js'

/** One command of the tree, for completion: its words, subcommands and flags. */
export interface CompletionNode {
  /** The command words after the program, e.g. `['group', 'get']`; `[]` for the root. */
  readonly path: readonly string[]
  readonly commands: readonly { readonly name: string; readonly description: string }[]
  /** Every spelling of every flag (`-o`, `--output`, `--no-metrics`). */
  readonly flags: readonly string[]
  /** The spellings that take a value (the next word is not a command). */
  readonly valued: readonly string[]
}

/** What to offer for a flag's value. */
export interface ValueCompletion {
  readonly flags: readonly string[]
  /** Fixed words, or `files` for file names (and `@file` for the JSON-taking flags). */
  readonly values: readonly string[] | 'files'
}

/** The program names the completion registers for (`metadata-server`/`metadata-client` are the same program). */
export const COMPLETED_PROGRAMS = ['metadata-service', 'metadata-server', 'metadata-client'] as const

/**
 * Walks the command tree into the nodes completion scripts need, so the scripts follow the commands and flags as
 * they are (issue 17: generated, not a hand-kept list). A command without flags of its own (`group`) offers its
 * parent's, since the global flags are accepted anywhere (CLI-2).
 */
export async function completionNodes(root: CommandDef<ArgsDef>): Promise<CompletionNode[]> {
  const nodes: CompletionNode[] = []
  const visit = async (cmd: CommandDef<ArgsDef>, path: string[], inherited: Pick<CompletionNode, 'flags' | 'valued'>) => {
    const args = Object.entries(((await cmd.args) ?? {}) as ArgsDef).filter(([, def]) => def.type !== 'positional')
    const own = { flags: args.flatMap(([name, def]) => spellings(name, def)), valued: args.flatMap(([name, def]) => (takesValue(def) ? spellings(name, def) : [])) }
    const flags = own.flags.length > 0 ? own : inherited
    const subs = Object.entries(((await cmd.subCommands) ?? {}) as Record<string, CommandDef<ArgsDef>>)
    const commands = []
    for (const [name, sub] of subs) {
      const description = withoutIds(String(((await sub.meta) as { description?: string } | undefined)?.description ?? ''))
      commands.push({ name: safeWord(name), description })
    }
    nodes.push({ path, commands, ...flags })
    for (const [name, sub] of subs) await visit(sub, [...path, name], flags)
  }
  await visit(root, [], { flags: [], valued: [] })
  return nodes
}

/**
 * Values offered after a flag: the output formats, log levels and log formats, and file names after the flags
 * whose value hint names a file.
 */
export async function valueCompletions(root: CommandDef<ArgsDef>): Promise<ValueCompletion[]> {
  const fileFlags = new Set<string>()
  const visit = async (cmd: CommandDef<ArgsDef>) => {
    for (const [name, def] of Object.entries(((await cmd.args) ?? {}) as ArgsDef)) {
      const hint = 'valueHint' in def ? String(def.valueHint ?? '') : ''
      if (/file|path|dir/.test(hint)) fileFlags.add(`--${safeWord(name)}`)
    }
    for (const sub of Object.values(((await cmd.subCommands) ?? {}) as Record<string, CommandDef<ArgsDef>>)) await visit(sub)
  }
  await visit(root)
  return [
    { flags: ['-o', '--output'], values: OUTPUT_FORMATS },
    { flags: ['-l', '--log-level'], values: CLIENT_LOG_LEVELS },
    { flags: ['--log-format'], values: ['json', 'pretty'] },
    { flags: [...fileFlags].sort(), values: 'files' },
  ]
}

/**
 * The `case` arms (bash and zsh syntax) that complete flag values: `files` for file names, `words(values)` for fixed
 * words; each body is one line.
 */
export function shellValueArms(values: readonly ValueCompletion[], files: string, words: (values: readonly string[]) => string): string {
  return values
    .filter((v) => v.flags.length > 0)
    .map((v) => `    ${v.flags.join('|')})\n      ${v.values === 'files' ? files : words(v.values)} ;;`)
    .join('\n')
}

/** Shell-safe: command and flag names are plain words; anything else is a bug in the tree. */
export function safeWord(word: string): string {
  if (!/^-{0,2}[a-z0-9][a-z0-9-]*$/.test(word)) throw new Error(`completion cannot quote ${JSON.stringify(word)}`)
  return word
}

// --- internal ---

function spellings(name: string, def: ArgDef): string[] {
  const aliases = 'alias' in def && def.alias !== undefined ? [def.alias].flat() : []
  const negated = def.type === 'boolean' && def.default === true ? [`--no-${name}`] : []
  return [...aliases.map((a) => `-${a}`), `--${name}`, ...negated].map(safeWord)
}

function takesValue(def: ArgDef): boolean {
  return def.type !== 'boolean'
}
