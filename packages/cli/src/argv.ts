import type { ArgsDef } from 'citty'
import { UsageError } from './errors.js'

/** Flags given on the command line: every occurrence of each flag (by its canonical name), in order. */
export interface StrictArgs {
  readonly flags: ReadonlyMap<string, readonly string[]>
  readonly positionals: readonly string[]
}

/**
 * Parses `rawArgs` against a citty args definition, strictly: unknown flags, missing values and extra positionals
 * are usage errors (CLI-7). citty itself parses leniently, so leaf commands re-parse with this to reject typos and
 * to see which flags were really given (CFG-1) and every repeat of a repeatable flag (`--set`, CLI-3).
 *
 * Forms: `--name value`, `--name=value`, `-x value`, `-xvalue`, `-x=value`; booleans as `--name`, `--name=<v>` and
 * `--no-name` (values are returned as given, `true` for a bare flag and `false` for `--no-`). `--` ends the flags.
 * With `variadic`, any number of positionals is accepted (`delete a b c`); else at most one per positional def.
 */
export function parseStrict(rawArgs: readonly string[], defs: ArgsDef, options: { variadic?: boolean } = {}): StrictArgs {
  const { names, positionalCount } = indexDefs(defs)
  const flags = new Map<string, string[]>()
  const positionals: string[] = []
  const add = (name: string, value: string) => flags.set(name, [...(flags.get(name) ?? []), value])

  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i] as string
    if (token === '--') {
      positionals.push(...rawArgs.slice(i + 1))
      break
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token)
      continue
    }
    const long = token.startsWith('--')
    const body = long ? token.slice(2) : token.slice(1)
    const eq = body.indexOf('=')
    let key = eq === -1 ? body : body.slice(0, eq)
    let inline: string | undefined = eq === -1 ? undefined : body.slice(eq + 1)
    if (!long && key.length > 1) {
      // `-p8080`: a single-letter flag with its value attached.
      inline = key.slice(1) + (inline === undefined ? '' : `=${inline}`)
      key = key.slice(0, 1)
    }
    const def = names.get(key)
    if (def === undefined) {
      const negated = long && key.startsWith('no-') ? names.get(key.slice(3)) : undefined
      if (negated?.boolean && inline === undefined) {
        add(negated.name, 'false')
        continue
      }
      throw new UsageError(`unknown flag: ${long ? '--' : '-'}${key}`)
    }
    if (def.boolean) {
      add(def.name, inline ?? 'true')
      continue
    }
    if (inline === undefined) {
      const next = rawArgs[i + 1]
      if (next === undefined) throw new UsageError(`flag --${def.name} requires a value`)
      inline = next
      i++
    }
    add(def.name, inline)
  }
  if (options.variadic !== true && positionals.length > positionalCount) {
    throw new UsageError(`unexpected argument: ${positionals[positionalCount]}`)
  }
  return { flags, positionals }
}

/** The last value given for `name`, or `undefined`. */
export function lastFlag(args: StrictArgs, name: string): string | undefined {
  return args.flags.get(name)?.at(-1)
}

// --- internal ---

interface FlagInfo {
  readonly name: string
  readonly boolean: boolean
}

function indexDefs(defs: ArgsDef): { names: Map<string, FlagInfo>; positionalCount: number } {
  const names = new Map<string, FlagInfo>()
  let positionalCount = 0
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === 'positional') {
      positionalCount++
      continue
    }
    const info = { name, boolean: def.type === 'boolean' }
    names.set(name, info)
    const aliases = 'alias' in def && def.alias !== undefined ? [def.alias].flat() : []
    for (const alias of aliases) names.set(alias, info)
  }
  return { names, positionalCount }
}
