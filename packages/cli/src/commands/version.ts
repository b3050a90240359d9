import type { ArgsDef, CommandDef } from 'citty'
import { formatVersion, VERSION_INFO } from '../version-info.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/** `version` (CLI-5). */
export function versionCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} version`,
    description: 'Print the version (and the commit and build time when known)',
    examples: [`${PROGRAM} version`],
    args: {},
    run: async () => ctx.io.stdout(formatVersion(VERSION_INFO)),
  })
}
