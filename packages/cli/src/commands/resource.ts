import type { ArgsDef, CommandDef } from 'citty'
import { KINDS, type KindName } from '@metadata-service/core'
import { lastFlag, type StrictArgs } from '../argv.js'
import type { ApiRequest } from '../client/api-client.js'
import { resolveTarget } from '../client/resolve-target.js'
import { readDocumentFlag } from '../client/spec-input.js'
import { GLOBAL_ARGS } from '../config/client-flags.js'
import { UsageError } from '../errors.js'
import { formatResources } from '../output/format.js'
import { reportStatusWarnings } from '../output/status-warnings.js'
import { apiClient, clientSettings } from './client-context.js'
import { groupCommand, leafCommand, PROGRAM, type CliContext } from './command.js'
import { deleteCommand } from './resource-delete.js'
import { patchBody } from './patch-body.js'

export { RESOURCE_COMMANDS } from './resource-kinds.js'

/**
 * `<name> list|get|create|update|patch|delete` for one kind (CLI-3), talking to the resource API (RES-1). One
 * factory serves all four kinds. Every command that names a resource takes its name or its uid (SPEC §16 CLI).
 */
export function resourceCommand(name: string, kind: KindName, ctx: CliContext): CommandDef<ArgsDef> {
  const path = `${PROGRAM} ${name}`
  const collection = `/${KINDS[kind].collection}`
  const item = (uid: string) => `${collection}/${encodeURIComponent(uid)}`
  const call = (req: ApiRequest) => apiClient(ctx).call(req)
  const print = (value: unknown) => ctx.io.stdout(formatResources(value, clientSettings(ctx).output))
  const target = (args: StrictArgs, action: string) => uidOf(ctx, kind, args, `${name} ${action}`)
  /** After a write: the resource, then its status warnings on stderr (the table leaves them to stderr). */
  const printWritten = (value: unknown) => {
    const { output, log } = clientSettings(ctx)
    ctx.io.stdout(formatResources(value, output, { warnings: false }))
    reportStatusWarnings(value, log)
  }

  const targetArg = {
    target: { type: 'positional', required: false, description: `The ${kind}'s name, or its uid (${KINDS[kind].uidPrefix}…)` },
  } as const
  const specArg = {
    spec: {
      type: 'string',
      description: 'The request {"metadata":{"name":…},"spec":{…}} as JSON or YAML, @file, or - for stdin (default: stdin)',
      valueHint: 'json|@file|-',
    },
  } as const
  const ifMatchArg = {
    'if-match': { type: 'string', description: 'Only write if the resourceVersion is still <rv>', valueHint: 'rv' },
  } as const
  const one = '<name|uid>'

  return groupCommand({
    path,
    description: `Manage ${kind} resources (${collection})`,
    examples: [`${PROGRAM} --server http://localhost:8888 ${name} list`, `${PROGRAM} ${name} get ${exampleName(kind)}`],
    subCommands: {
      list: leafCommand({
        path: `${path} list`,
        description: `List ${kind} resources, oldest first`,
        examples: [`${PROGRAM} ${name} list`, `${PROGRAM} ${name} list --name ${exampleName(kind)} -o yaml`],
        args: { name: { type: 'string', description: 'Only the resource with this exact name', valueHint: 'name' }, ...GLOBAL_ARGS },
        run: async (args) => {
          const filter = lastFlag(args, 'name')
          print(await call({ method: 'GET', path: filter === undefined ? collection : `${collection}?name=${encodeURIComponent(filter)}` }))
        },
      }),
      get: leafCommand({
        path: `${path} get`,
        description: `Show one ${kind}`,
        usage: one,
        examples: [`${PROGRAM} ${name} get ${exampleName(kind)} -o yaml`, `${PROGRAM} ${name} get ${KINDS[kind].uidPrefix}0123abcd`],
        args: { ...targetArg, ...GLOBAL_ARGS },
        run: async (args) => print(await call({ method: 'GET', path: item(await target(args, 'get')) })),
      }),
      create: leafCommand({
        path: `${path} create`,
        description: `Create a ${kind} from a full request object`,
        examples: [
          `${PROGRAM} ${name} create --spec @${name}.json`,
          `${PROGRAM} ${name} create --spec "$(cat ${name}.json)"`,
          `${PROGRAM} ${name} create < ${name}.yaml`,
        ],
        args: { ...specArg, ...GLOBAL_ARGS },
        run: async (args) => printWritten(await call({ method: 'POST', path: collection, body: await requestBody(args, ctx) })),
      }),
      update: leafCommand({
        path: `${path} update`,
        description: `Replace a ${kind}'s spec with the one given`,
        usage: one,
        examples: [`${PROGRAM} ${name} update ${exampleName(kind)} --if-match 3 --spec @${name}.json`],
        args: { ...targetArg, ...specArg, ...ifMatchArg, ...GLOBAL_ARGS },
        run: async (args) => {
          const uid = await target(args, 'update')
          const body = await requestBody(args, ctx)
          printWritten(await call({ method: 'PUT', path: item(uid), body, ifMatch: lastFlag(args, 'if-match') }))
        },
      }),
      patch: leafCommand({
        path: `${path} patch`,
        description: `Change part of a ${kind}'s spec: merge (--spec), JSON Patch, or --set/--add/--remove`,
        usage: one,
        examples: [
          `${PROGRAM} ${name} patch ${exampleName(kind)} --spec '{"description":"new"}'`,
          `${PROGRAM} ${name} patch ${exampleName(kind)} --set description=new --unset region`,
          ...(kind === 'ClusterDefaults' || kind === 'InstanceInfo'
            ? [`${PROGRAM} ${name} patch ${exampleName(kind)} --add public_keys="ssh-ed25519 AAAA… me@host"`]
            : []),
          `${PROGRAM} ${name} patch ${exampleName(kind)} --json-patch @ops.json`,
        ],
        args: {
          ...targetArg,
          spec: { type: 'string', description: 'Merge patch of the spec (RFC 7386): JSON or YAML, @file, or -', valueHint: 'json' },
          'json-patch': { type: 'string', description: 'RFC 6902 operations, paths relative to the spec; @file or -', valueHint: 'json' },
          set: { type: 'string', description: 'Set key (a.b.c) to value (JSON when valid, else text); repeatable', valueHint: 'key=value' },
          unset: { type: 'string', description: 'Remove key (a.b.c); repeatable', valueHint: 'key' },
          add: { type: 'string', description: 'Append value to the list at key (also key.-=value); repeatable', valueHint: 'key=value' },
          remove: { type: 'string', description: 'Remove every element equal to value from the list at key; repeatable', valueHint: 'key=value' },
          ...ifMatchArg,
          ...GLOBAL_ARGS,
        },
        run: async (args) => {
          const at = item(await target(args, 'patch'))
          const body = await patchBody(args, ctx.io, () => call({ method: 'GET', path: at }))
          printWritten(await call({ method: 'PATCH', path: at, ...body, ifMatch: lastFlag(args, 'if-match') }))
        },
      }),
      delete: deleteCommand({ name, kind, ctx, path: `${path} delete`, ifMatchArg, resolve: (t) => resolve(ctx, kind, t) }),
    },
  })
}

/** Resolves a name or uid to the uid (see `resolveTarget`). */
function resolve(ctx: CliContext, kind: KindName, targetName: string): Promise<string> {
  return resolveTarget(apiClient(ctx), kind, targetName, clientSettings(ctx).log)
}

// --- internal ---

async function uidOf(ctx: CliContext, kind: KindName, args: StrictArgs, command: string): Promise<string> {
  const given = args.positionals[0]
  if (given === undefined || given === '') {
    throw new UsageError(`${command} needs the ${kind}'s name or uid, e.g. ${PROGRAM} ${command} ${exampleName(kind)}`)
  }
  return resolve(ctx, kind, given)
}

/** `--spec` (JSON, YAML, @file, -) or stdin when it is not a terminal: the full request object (CLI-3). */
async function requestBody(args: StrictArgs, ctx: CliContext): Promise<unknown> {
  const body = await readDocumentFlag('spec', lastFlag(args, 'spec'), ctx.io)
  if (body === undefined) throw new UsageError("missing --spec: pass the request as --spec '<json>', --spec @file, or on stdin")
  return body
}

/** A plausible name for examples. */
function exampleName(kind: KindName): string {
  return { ClusterDefaults: 'demo-cluster', Group: 'compute', InstanceInfo: 'x1000c0s0b0n0', WireGuardPeer: 'x1000c0s0b0n0' }[kind]
}
