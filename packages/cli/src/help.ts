import type { ArgDef, ArgsDef, CommandDef } from 'citty'
import { examplesOf, usageOf } from './commands/command.js'

/** Help never runs wider than this many columns (issue 17). */
export const HELP_WIDTH = 100

/**
 * The `--help` text of a command: description, USAGE, OPTIONS, COMMANDS and EXAMPLES, wrapped to
 * {@link HELP_WIDTH} columns, without colours (it goes to pipes and snapshots). Descriptions are written for
 * developers too and may cite the SPEC (`(SMD-7)`); those ids are left out here, for operators.
 */
export async function renderHelp(cmd: CommandDef<ArgsDef>): Promise<string> {
  const meta = ((await cmd.meta) ?? {}) as { name?: string; description?: string }
  const path = meta.name ?? ''
  const args = Object.entries(((await cmd.args) ?? {}) as ArgsDef)
  const subCommands = Object.entries(((await cmd.subCommands) ?? {}) as Record<string, CommandDef<ArgsDef>>)
  const options = args.filter(([, def]) => def.type !== 'positional')
  const positionals = usageOf(cmd) ?? args.filter(([, def]) => def.type === 'positional').map(([name]) => `<${name}>`).join(' ')

  const usage = [path, options.length > 0 ? '[OPTIONS]' : '', subCommands.length > 0 ? '<command>' : positionals]
  const sections = [
    wrap(withoutIds(meta.description ?? ''), HELP_WIDTH).join('\n'),
    `USAGE\n${wrap(usage.filter(Boolean).join(' '), HELP_WIDTH - 2).map((l) => `  ${l}`).join('\n')}`,
  ]
  if (options.length > 0) sections.push(`OPTIONS\n${columns(options.map(([name, def]) => [flagText(name, def), describe(def)]))}`)
  if (subCommands.length > 0) {
    const rows: [string, string][] = []
    for (const [name, sub] of subCommands) {
      rows.push([name, withoutIds(String(((await sub.meta) as { description?: string } | undefined)?.description ?? ''))])
    }
    sections.push(`COMMANDS\n${columns(rows)}\n\n${wrap(`Run '${path} <command> --help' for a command's options.`, HELP_WIDTH).join('\n')}`)
  }
  const examples = examplesOf(cmd)
  if (examples.length > 0) sections.push(`EXAMPLES\n${examples.map((e) => `  ${e}`).join('\n')}`)
  return `${sections.join('\n\n')}\n`
}

/** Drops SPEC requirement ids such as `(NC-14)` or `(SMD-7, SMD-10)` from a description. */
export function withoutIds(text: string): string {
  return text.replace(/\s*\((?:[A-Z]{2,5}-\d+[a-z]?(?:,\s*)?)+\)/g, '').replace(/\s+([;,.])/g, '$1')
}

// --- internal ---

/** Where descriptions start when the flags are short enough; longer flags put theirs on the next line. */
const MAX_LEFT = 34

function flagText(name: string, def: ArgDef): string {
  const aliases = 'alias' in def && def.alias !== undefined ? [def.alias].flat() : []
  const names = [...aliases.map((a) => `-${a}`), `--${name}`]
  if (def.type === 'boolean') {
    return def.default === true ? `${names.join(', ')}, --no-${name}` : names.join(', ')
  }
  // Without a hint, the last word of the name: `--request-timeout <timeout>`, `--data-dir <dir>`.
  const hint = 'valueHint' in def && def.valueHint !== undefined ? def.valueHint : (name.split('-').at(-1) as string)
  return `${names.join(', ')} <${hint}>`
}

function describe(def: ArgDef): string {
  const text = withoutIds(def.description ?? '')
  const fallback = 'default' in def ? def.default : undefined
  return fallback === undefined || fallback === '' ? text : `${text} (default: ${String(fallback)})`
}

/** Two columns: left padded, right wrapped to the width. */
function columns(rows: readonly (readonly [string, string])[]): string {
  const left = Math.min(MAX_LEFT, Math.max(...rows.map(([l]) => l.length)))
  const indent = ' '.repeat(left + 4)
  return rows
    .map(([l, r]) => {
      const lines = wrap(r, HELP_WIDTH - indent.length)
      if (l.length > left) return [`  ${l}`, ...lines.map((line) => `${indent}${line}`)].join('\n')
      return lines.map((line, i) => (i === 0 ? `  ${l.padEnd(left)}  ${line}` : `${indent}${line}`)).join('\n')
    })
    .join('\n')
}

/** Greedy word wrap; a word longer than the width gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  return line === '' ? (lines.length === 0 ? [''] : lines) : [...lines, line]
}
