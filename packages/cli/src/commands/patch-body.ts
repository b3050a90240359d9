import { lastFlag, type StrictArgs } from '../argv.js'
import type { ApiRequest } from '../client/api-client.js'
import { editsToJsonPatch, jsonOrString } from '../client/patch-edits.js'
import { readDocumentFlag } from '../client/spec-input.js'
import { UsageError } from '../errors.js'
import type { CliIo } from '../io.js'

/**
 * The body of `patch` (RES-6, CLI-3): exactly one of a merge patch (`--spec`, or stdin), `--json-patch`, or the
 * shorthand flags. `--set`/`--unset` alone are sent as the shorthand patch; with `--add`/`--remove` the resource is
 * read first (`read`) and all of them become one JSON Patch (see `editsToJsonPatch`).
 */
export async function patchBody(
  args: StrictArgs,
  io: CliIo,
  read: () => Promise<unknown>,
): Promise<Pick<ApiRequest, 'body' | 'contentType'>> {
  const edits = {
    set: args.flags.get('set') ?? [],
    unset: args.flags.get('unset') ?? [],
    add: args.flags.get('add') ?? [],
    remove: args.flags.get('remove') ?? [],
  }
  const shorthand = Object.values(edits).some((list) => list.length > 0)
  const modes = [args.flags.has('spec'), args.flags.has('json-patch'), shorthand].filter(Boolean)
  if (modes.length > 1) throw new UsageError(`patch takes only one of --spec, --json-patch, or ${SHORTHAND}`)
  if (args.flags.has('json-patch')) {
    return { body: await readDocumentFlag('json-patch', lastFlag(args, 'json-patch'), io), contentType: 'application/json-patch+json' }
  }
  if (!shorthand) {
    const body = await readDocumentFlag('spec', lastFlag(args, 'spec'), io)
    if (body === undefined) throw new UsageError(`patch needs one of --spec, --json-patch, or ${SHORTHAND}`)
    return { body, contentType: 'application/merge-patch+json' }
  }
  if (edits.add.length + edits.remove.length > 0) {
    const current = (await read()) as { spec?: unknown } | undefined
    return { body: editsToJsonPatch(current?.spec, edits), contentType: 'application/json-patch+json' }
  }
  const body: Record<string, unknown> = {}
  for (const pair of edits.set) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`invalid --set ${JSON.stringify(pair)}: expected key=value`)
    body[pair.slice(0, eq)] = jsonOrString(pair.slice(eq + 1))
  }
  for (const key of edits.unset) body[key] = null
  return { body, contentType: 'application/shorthand-patch+json' }
}

/** The `patch` flags of the shorthand, for help and messages. */
const SHORTHAND = '--set/--unset/--add/--remove'

