import type { ArgsDef, CommandDef } from 'citty'
import { OUTPUT_ARG } from '../config/client-flags.js'
import { resolveVersionFormat } from '../config/client.js'
import { formatData } from '../output/format.js'
import { formatVersion, VERSION_INFO } from '../version-info.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `version` (CLI-5): `metadata-service version <v>` and the commit and build time when known; `-o json|yaml` for
 * `{"version","commit","built"}`. The text stays the default even in a pipe: scripts read it as text.
 */
export function versionCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} version`,
    description: 'Print the version (and the commit and build time when known)',
    examples: [`${PROGRAM} version`, `${PROGRAM} version -o json`],
    args: { ...OUTPUT_ARG },
    run: async () => ctx.io.stdout(formatData(VERSION_INFO, resolveVersionFormat(ctx.globals), () => formatVersion(VERSION_INFO))),
  })
}
