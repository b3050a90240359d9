import type { ArgsDef, CommandDef } from 'citty'
import { bashCompletion } from '../completion/bash.js'
import { fishCompletion } from '../completion/fish.js'
import { completionNodes, valueCompletions } from '../completion/model.js'
import { zshCompletion } from '../completion/zsh.js'
import { UsageError } from '../errors.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const

/**
 * `completion bash|zsh|fish` (issue 17): prints a completion script generated from the command tree `tree` builds,
 * so it always offers the commands and flags this version has.
 */
export function completionCommand(tree: () => CommandDef<ArgsDef>, ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} completion`,
    description: 'Print a shell completion script for bash, zsh or fish',
    usage: '<bash|zsh|fish>',
    examples: [
      `source <(${PROGRAM} completion bash)`,
      `${PROGRAM} completion zsh > "\${fpath[1]}/_${PROGRAM}"`,
      `${PROGRAM} completion fish > ~/.config/fish/completions/${PROGRAM}.fish`,
    ],
    args: { shell: { type: 'positional', required: false, description: 'bash, zsh or fish' } },
    run: async (args) => {
      const shell = args.positionals[0]
      if (shell === undefined || !Object.hasOwn(SHELLS, shell)) {
        throw new UsageError(`completion needs a shell: bash, zsh or fish${shell === undefined ? '' : ` (not ${JSON.stringify(shell)})`}`)
      }
      const root = tree()
      ctx.io.stdout(SHELLS[shell as keyof typeof SHELLS](await completionNodes(root), await valueCompletions(root)))
    },
  })
}
