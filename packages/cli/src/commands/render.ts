import type { ArgsDef, CommandDef } from 'citty'
import { parse as parseYaml } from 'yaml'
import { lastFlag } from '../argv.js'
import { GLOBAL_ARGS } from '../config/client-flags.js'
import { CliError, EXIT_FAILURE, UsageError } from '../errors.js'
import { failedDocuments, formatRenderPreview } from '../output/render-format.js'
import { apiClient, clientSettings } from './client-context.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `render` (admin, SEC-6): asks the server's `POST /render` what a node would receive — every document, or one
 * group's with `--group`; the node by xname, or (`--seed`, SEED) the one a seed URL or token names — and, with `--template-file`, the group document rendered with that file's template as a
 * unified diff from today's; with `--networks-file`, the node's network-config with those ClusterDefaults networks
 * as a diff from today's (issue 14). The server validates the template with the TPL-4 texts and the networks as a
 * ClusterDefaults write; nothing is stored. Exits 1 when any document did not answer 200 (issue 17), naming each
 * on stderr.
 */
export function renderCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} render`,
    description: 'Show what a node would receive: its documents, or a template change as a diff',
    examples: [
      `${PROGRAM} --server http://localhost:8888 render --node x1000c0s0b0n0`,
      `${PROGRAM} render --node x1000c0s0b0n0 --group compute`,
      `${PROGRAM} render --node x1000c0s0b0n0 --group compute --template-file compute.tmpl`,
      `${PROGRAM} render --node x1000c0s0b0n0 --networks-file networks.yaml`,
      `${PROGRAM} render --node x1000c0s0b0n0 -o json`,
      `${PROGRAM} render --seed http://10.252.0.1:8080/n/<token>/`,
    ],
    args: {
      node: { type: 'string', description: 'The node to preview, by xname (or give --seed)', valueHint: 'xname' },
      seed: {
        type: 'string',
        description: 'The node a seed URL or token names, as its seed URL serves it (instead of --node)',
        valueHint: 'url',
      },
      group: { type: 'string', description: "Only this group's document (/<group>.yaml)", valueHint: 'name' },
      'template-file': {
        type: 'string',
        description: "Render the group with this file's template; show the diff from today's (needs --group)",
        valueHint: 'path',
      },
      'networks-file': {
        type: 'string',
        description: 'Show the network-config diff with the ClusterDefaults networks in this JSON or YAML file',
        valueHint: 'path',
      },
      ...GLOBAL_ARGS,
    },
    run: async (args) => {
      const node = lastFlag(args, 'node')
      const seed = lastFlag(args, 'seed')
      const group = lastFlag(args, 'group')
      const templateFile = lastFlag(args, 'template-file')
      const networksFile = lastFlag(args, 'networks-file')
      if (node !== undefined && seed !== undefined) throw new UsageError('give --node or --seed, not both')
      if (seed === undefined && (node === undefined || node.trim() === '')) {
        throw new UsageError('render needs --node <xname>, e.g. --node x1000c0s0b0n0 (or --seed <seed URL>)')
      }
      if (templateFile !== undefined && group === undefined) {
        throw new UsageError('--template-file needs --group <name>: the group whose template it replaces')
      }
      if (networksFile !== undefined && (group !== undefined || templateFile !== undefined)) {
        throw new UsageError('--networks-file cannot be combined with --group or --template-file')
      }
      const template = templateFile === undefined ? undefined : readFlagFile(ctx, '--template-file', templateFile)
      const networks = networksFile === undefined ? undefined : networksIn(readFlagFile(ctx, '--networks-file', networksFile), networksFile)
      const answer = await apiClient(ctx).call({
        method: 'POST',
        path: '/render',
        body: {
          ...(seed === undefined ? { node } : { seed }),
          ...(group === undefined ? {} : { group }),
          ...(template === undefined ? {} : { template }),
          ...(networks === undefined ? {} : { networks }),
        },
      })
      ctx.io.stdout(formatRenderPreview(answer, clientSettings(ctx).output))
      for (const failure of failedDocuments(answer)) {
        ctx.io.stderr(`Error: ${failure}\n`)
        ctx.exitCode = EXIT_FAILURE
      }
    },
  })
}

// --- internal ---

function readFlagFile(ctx: CliContext, flag: string, path: string): string {
  let text: string | undefined
  try {
    text = ctx.io.readFile(path)
  } catch (err) {
    throw new CliError(`cannot read ${flag} ${path}: ${(err as Error).message}`, undefined, { cause: err })
  }
  if (text === undefined) throw new CliError(`cannot read ${flag} ${path}: no such file`)
  return text
}

/**
 * The networks value of a `--networks-file`: YAML or JSON holding the networks map itself, `{networks: …}`, or a
 * whole ClusterDefaults request `{spec: {networks: …}}` (the file it is created from).
 */
function networksIn(text: string, path: string): unknown {
  let value: unknown
  try {
    value = parseYaml(text)
  } catch (err) {
    throw new CliError(`cannot read --networks-file ${path}: ${(err as Error).message}`, undefined, { cause: err })
  }
  const field = (object: unknown, key: string): unknown =>
    typeof object === 'object' && object !== null && !Array.isArray(object) ? (object as Record<string, unknown>)[key] : undefined
  return field(field(value, 'spec'), 'networks') ?? field(value, 'networks') ?? value
}
