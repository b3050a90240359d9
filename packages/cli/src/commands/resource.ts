import type { ArgsDef, CommandDef } from 'citty'
import { KINDS, type KindName } from '@metadata-service/core'
import { lastFlag, type StrictArgs } from '../argv.js'
import { createApiClient, type ApiRequest } from '../client/api-client.js'
import { GLOBAL_ARGS, resolveClientOptions } from '../config/client.js'
import { UsageError } from '../errors.js'
import { formatDeleted, formatResources } from '../output/format.js'
import { groupCommand, leafCommand, PROGRAM, type CliContext } from './command.js'

/** The resource subcommands and the kind each one manages (CLI-1). */
export const RESOURCE_COMMANDS: Readonly<Record<string, KindName>> = {
  clusterdefaults: 'ClusterDefaults',
  group: 'Group',
  instanceinfo: 'InstanceInfo',
  wireguardpeer: 'WireGuardPeer',
}

/**
 * `<name> list|get|create|update|patch|delete` for one kind (CLI-3), talking to the resource API (RES-1). One
 * factory serves all four kinds.
 */
export function resourceCommand(name: string, kind: KindName, ctx: CliContext): CommandDef<ArgsDef> {
  const path = `${PROGRAM} ${name}`
  const collection = `/${KINDS[kind].collection}`
  const item = (uid: string) => `${collection}/${encodeURIComponent(uid)}`
  const settings = () => resolveClientOptions(ctx.globals, ctx.io.env)
  const call = (req: ApiRequest) => createApiClient(settings()).call(req)
  const print = (value: unknown) => ctx.io.stdout(formatResources(value, settings().output))
  const uidOf = (args: StrictArgs) => args.positionals[0] as string
  const ifMatch = (args: StrictArgs) => lastFlag(args, 'if-match')

  const uidArg = { uid: { type: 'positional', description: `${kind} uid (${KINDS[kind].uidPrefix}…)` } } as const
  const specArg = {
    spec: {
      type: 'string',
      description: 'The full request {"metadata":{"name":…},"spec":{…}} as a JSON string (not a path); stdin when absent',
      valueHint: 'json',
    },
  } as const
  const ifMatchArg = {
    'if-match': { type: 'string', description: 'Only write if the resourceVersion is still <rv> (RES-5)', valueHint: 'rv' },
  } as const
  const example = (tail: string) => `${PROGRAM} --server http://localhost:8888 ${name} ${tail}`

  return groupCommand({
    path,
    description: `Manage ${kind} resources (${collection})`,
    examples: [example('list'), example(`get ${KINDS[kind].uidPrefix}0123abcd`)],
    subCommands: {
      list: leafCommand({
        path: `${path} list`,
        description: `List ${kind} resources, oldest first`,
        examples: [`${PROGRAM} ${name} list`, `${PROGRAM} ${name} list --name demo -o json`],
        args: { name: { type: 'string', description: 'Only the resource with this exact name', valueHint: 'name' }, ...GLOBAL_ARGS },
        run: async (args) => {
          const filter = lastFlag(args, 'name')
          print(await call({ method: 'GET', path: filter === undefined ? collection : `${collection}?name=${encodeURIComponent(filter)}` }))
        },
      }),
      get: leafCommand({
        path: `${path} get`,
        description: `Show one ${kind}`,
        examples: [`${PROGRAM} ${name} get ${KINDS[kind].uidPrefix}0123abcd -o yaml`],
        args: { ...uidArg, ...GLOBAL_ARGS },
        run: async (args) => print(await call({ method: 'GET', path: item(uidOf(args)) })),
      }),
      create: leafCommand({
        path: `${path} create`,
        description: `Create a ${kind} from a full request object`,
        examples: [
          `${PROGRAM} ${name} create --spec "$(cat ${name}.json)"`,
          `${PROGRAM} ${name} create < ${name}.json`,
        ],
        args: { ...specArg, ...GLOBAL_ARGS },
        run: async (args) => print(await call({ method: 'POST', path: collection, body: await readBody(args, 'spec', ctx) })),
      }),
      update: leafCommand({
        path: `${path} update`,
        description: `Replace a ${kind}'s spec (RES-4)`,
        examples: [`${PROGRAM} ${name} update ${KINDS[kind].uidPrefix}0123abcd --if-match 1 --spec "$(cat ${name}.json)"`],
        args: { ...uidArg, ...specArg, ...ifMatchArg, ...GLOBAL_ARGS },
        run: async (args) =>
          print(await call({ method: 'PUT', path: item(uidOf(args)), body: await readBody(args, 'spec', ctx), ifMatch: ifMatch(args) })),
      }),
      patch: leafCommand({
        path: `${path} patch`,
        description: `Patch a ${kind}'s spec: merge (--spec), JSON Patch (--json-patch) or --set/--unset (RES-6)`,
        examples: [
          `${PROGRAM} ${name} patch ${KINDS[kind].uidPrefix}0123abcd --spec '{"description":"new"}'`,
          `${PROGRAM} ${name} patch ${KINDS[kind].uidPrefix}0123abcd --json-patch '[{"op":"replace","path":"/description","value":"new"}]'`,
          `${PROGRAM} ${name} patch ${KINDS[kind].uidPrefix}0123abcd --set description=new --unset region`,
        ],
        args: {
          ...uidArg,
          spec: { type: 'string', description: 'RFC 7386 merge patch of the spec, as JSON', valueHint: 'json' },
          'json-patch': { type: 'string', description: 'RFC 6902 operations, paths relative to the spec', valueHint: 'json' },
          set: { type: 'string', description: 'Set key (dotted path) to value (JSON when valid, else a string); repeatable', valueHint: 'key=value' },
          unset: { type: 'string', description: 'Remove key (dotted path); repeatable', valueHint: 'key' },
          ...ifMatchArg,
          ...GLOBAL_ARGS,
        },
        run: async (args) => print(await call({ method: 'PATCH', path: item(uidOf(args)), ...(await patchBody(args, ctx)), ifMatch: ifMatch(args) })),
      }),
      delete: leafCommand({
        path: `${path} delete`,
        description: `Delete a ${kind}`,
        examples: [`${PROGRAM} ${name} delete ${KINDS[kind].uidPrefix}0123abcd --if-match 3`],
        args: { ...uidArg, ...ifMatchArg, ...GLOBAL_ARGS },
        run: async (args) => {
          const answer = await call({ method: 'DELETE', path: item(uidOf(args)), ifMatch: ifMatch(args) })
          ctx.io.stdout(formatDeleted(kind, uidOf(args), answer, settings().output))
        },
      }),
    },
  })
}

// --- internal ---

/** `--spec` (or stdin when it is not a terminal) parsed as JSON (CLI-3). */
async function readBody(args: StrictArgs, flag: string, ctx: CliContext): Promise<unknown> {
  const given = lastFlag(args, flag)
  const text = given ?? (ctx.io.stdinIsTty ? undefined : await ctx.io.readStdin())
  if (text === undefined || (given === undefined && text.trim() === '')) {
    throw new UsageError(`missing --${flag}: pass the JSON as --${flag} '<json>' or on stdin`)
  }
  return parseJsonFlag(flag, text)
}

function parseJsonFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new UsageError(`invalid --${flag} JSON: ${(err as Error).message}`, { cause: err })
  }
}

/** RES-6: exactly one of merge (`--spec` or stdin), `--json-patch`, or the `--set`/`--unset` shorthand. */
async function patchBody(args: StrictArgs, ctx: CliContext): Promise<Pick<ApiRequest, 'body' | 'contentType'>> {
  const sets = args.flags.get('set') ?? []
  const unsets = args.flags.get('unset') ?? []
  const modes = [args.flags.has('spec'), args.flags.has('json-patch'), sets.length + unsets.length > 0].filter(Boolean)
  if (modes.length > 1) throw new UsageError('patch takes only one of --spec, --json-patch, or --set/--unset')
  if (args.flags.has('json-patch')) {
    return { body: parseJsonFlag('json-patch', lastFlag(args, 'json-patch') as string), contentType: 'application/json-patch+json' }
  }
  if (modes.length === 0 && ctx.io.stdinIsTty) {
    throw new UsageError('patch needs one of --spec, --json-patch, or --set/--unset')
  }
  if (sets.length + unsets.length === 0) {
    return { body: await readBody(args, 'spec', ctx), contentType: 'application/merge-patch+json' }
  }
  const body: Record<string, unknown> = {}
  for (const pair of sets) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`invalid --set ${JSON.stringify(pair)}: expected key=value`)
    body[pair.slice(0, eq)] = jsonOrString(pair.slice(eq + 1))
  }
  for (const key of unsets) body[key] = null
  return { body, contentType: 'application/shorthand-patch+json' }
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}
