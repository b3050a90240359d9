import type { ArgsDef, CommandDef } from 'citty'
import { lastFlag } from '../argv.js'
import { createApiClient } from '../client/api-client.js'
import { GLOBAL_ARGS, resolveClientOptions } from '../config/client.js'
import { CliError, UsageError } from '../errors.js'
import { formatRenderPreview } from '../output/render-format.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `render` (admin, SEC-6): asks the server's `POST /render` what a node would receive — every document, or one
 * group's with `--group` — and, with `--template-file`, the group document rendered with that file's template as a
 * unified diff from today's. The server validates the template with the TPL-4 texts; nothing is stored.
 */
export function renderCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} render`,
    description: 'Preview what a node receives (admin): its documents, or a group template change as a diff',
    examples: [
      `${PROGRAM} --server http://localhost:8888 render --node x1000c0s0b0n0`,
      `${PROGRAM} render --node x1000c0s0b0n0 --group compute`,
      `${PROGRAM} render --node x1000c0s0b0n0 --group compute --template-file compute.tmpl`,
      `${PROGRAM} render --node x1000c0s0b0n0 -o json`,
    ],
    args: {
      node: { type: 'string', description: 'The node to preview, by xname (required)', valueHint: 'xname' },
      group: { type: 'string', description: "Only this group's document (/<group>.yaml)", valueHint: 'name' },
      'template-file': {
        type: 'string',
        description: 'Render the group with the template in this file and show the diff from today (needs --group)',
        valueHint: 'path',
      },
      ...GLOBAL_ARGS,
    },
    run: async (args) => {
      const node = lastFlag(args, 'node')
      const group = lastFlag(args, 'group')
      const templateFile = lastFlag(args, 'template-file')
      if (node === undefined || node.trim() === '') throw new UsageError('render needs --node <xname>, e.g. --node x1000c0s0b0n0')
      if (templateFile !== undefined && group === undefined) {
        throw new UsageError('--template-file needs --group <name>: the group whose template it replaces')
      }
      const template = templateFile === undefined ? undefined : readTemplate(ctx, templateFile)
      const settings = resolveClientOptions(ctx.globals, ctx.io.env)
      const answer = await createApiClient(settings).call({
        method: 'POST',
        path: '/render',
        body: { node, ...(group === undefined ? {} : { group }), ...(template === undefined ? {} : { template }) },
      })
      ctx.io.stdout(formatRenderPreview(answer, settings.output))
    },
  })
}

// --- internal ---

function readTemplate(ctx: CliContext, path: string): string {
  let text: string | undefined
  try {
    text = ctx.io.readFile(path)
  } catch (err) {
    throw new CliError(`cannot read --template-file ${path}: ${(err as Error).message}`, undefined, { cause: err })
  }
  if (text === undefined) throw new CliError(`cannot read --template-file ${path}: no such file`)
  return text
}
