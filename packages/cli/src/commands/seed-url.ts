import type { ArgsDef, CommandDef } from 'citty'
import { lastFlag, type StrictArgs } from '../argv.js'
import { GLOBAL_ARGS } from '../config/client-flags.js'
import { UsageError } from '../errors.js'
import { formatData, formatTable } from '../output/format.js'
import { apiClient, clientSettings } from './client-context.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/** One entry of the server's `/seed-tokens` answers (adapter-http `SeedUrl`). */
interface SeedUrlEntry {
  readonly node: string
  readonly url: string
  readonly kernelArgument: string
  readonly fingerprint: string
  readonly baseFrom: 'override' | 'configured' | 'request'
}

/**
 * `seed-url` (SEED, admin): the seed URL of a node (`--node`), of a group's members (`--group`) or of every node, as
 * a `NODE FINGERPRINT SEED URL` table or JSON/YAML entries with the kernel argument `ds=nocloud;s=<url>`; with
 * `--rotate` (and `--node`, `--group` or `--all`) the tokens are rotated first and the new URLs printed. Warns on
 * stderr when the base URL is only this client's server address.
 */
export function seedUrlCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} seed-url`,
    description: 'Show or rotate the per-node seed URLs /n/<token>/ for kernel command lines',
    examples: [
      `${PROGRAM} seed-url --node x1000c0s0b0n0`,
      `${PROGRAM} seed-url --group compute -o json`,
      `${PROGRAM} seed-url --base-url http://10.252.0.1:8080`,
      `${PROGRAM} seed-url --node x1000c0s0b0n0 --rotate`,
      `${PROGRAM} seed-url --rotate --all`,
    ],
    args: {
      node: { type: 'string', description: 'Only this node (an xname)', valueHint: 'xname' },
      group: { type: 'string', description: 'Only the members of this group', valueHint: 'name' },
      all: { type: 'boolean', description: 'Every node (the default when listing; required to rotate all)' },
      'base-url': {
        type: 'string',
        description: "Base of the URLs instead of the node's base_url/public_url (NC-14)",
        valueHint: 'url',
      },
      rotate: { type: 'boolean', description: 'Rotate the tokens first: the old URLs stop working at once' },
      ...GLOBAL_ARGS,
    },
    run: async (args) => {
      const node = nonEmpty(args, 'node')
      const group = nonEmpty(args, 'group')
      const base = nonEmpty(args, 'base-url')
      const all = lastFlag(args, 'all') === 'true'
      const rotate = lastFlag(args, 'rotate') === 'true'
      if ([node, group, all ? true : undefined].filter((v) => v !== undefined).length > 1) {
        throw new UsageError('give at most one of --node, --group and --all')
      }
      if (rotate && node === undefined && group === undefined && !all) {
        throw new UsageError('--rotate needs --node <xname>, --group <name> or --all (every node)')
      }
      const client = apiClient(ctx)
      const answer = (
        rotate
          ? await client.call({ method: 'POST', path: '/seed-tokens/rotate', body: { ...target(node, group), ...(base === undefined ? {} : { base }) } })
          : await client.call({ method: 'GET', path: `/seed-tokens${query({ node, group, base })}` })
      ) as SeedUrlEntry[]
      ctx.io.stdout(formatData(answer, clientSettings(ctx).output, () => seedTable(answer)))
      if (answer.some((entry) => entry.baseFrom === 'request')) {
        ctx.io.stderr(
          `warning: the seed URLs use this client's server address (${client.server}) as their base; nodes may ` +
            'reach the service by another name: set public_url or ClusterDefaults base_url, or pass --base-url\n',
        )
      }
    },
  })
}

// --- internal ---

function nonEmpty(args: StrictArgs, name: string): string | undefined {
  const value = lastFlag(args, name)
  if (value !== undefined && value.trim() === '') throw new UsageError(`--${name} must not be empty`)
  return value
}

function target(node: string | undefined, group: string | undefined): Record<string, unknown> {
  return node !== undefined ? { node } : group !== undefined ? { group } : { all: true }
}

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value)
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

function seedTable(entries: readonly SeedUrlEntry[]): string {
  return formatTable(['NODE', 'FINGERPRINT', 'SEED URL'], entries.map((e) => [e.node, e.fingerprint, e.url]))
}
