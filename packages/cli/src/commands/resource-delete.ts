import type { ArgsDef, CommandDef } from 'citty'
import { KINDS, type KindName } from '@metadata-service/core'
import { lastFlag } from '../argv.js'
import { GLOBAL_ARGS } from '../config/client-flags.js'
import { CliError, EXIT_FAILURE, UsageError } from '../errors.js'
import { formatData } from '../output/format.js'
import { apiClient, clientSettings } from './client-context.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `<name> delete <name|uid>...` (CLI-3, CLI-4): deletes each named resource in turn, as the Go client does, and
 * carries on past a failure. A table prints `<Kind> <uid> deleted` per resource; JSON/YAML print the server's
 * answer, or the list of answers when several were named. Each failure goes to stderr as
 * `Error: <Kind> <name>: <message>` and the exit code is 1; with one resource, the error is the plain CLI-6 line.
 */
export function deleteCommand(spec: {
  readonly name: string
  readonly kind: KindName
  readonly ctx: CliContext
  readonly path: string
  readonly ifMatchArg: ArgsDef
  readonly resolve: (target: string) => Promise<string>
}): CommandDef<ArgsDef> {
  const { name, kind, ctx } = spec
  return leafCommand({
    path: spec.path,
    description: `Delete one or more ${kind} resources`,
    usage: '<name|uid>...',
    variadic: true,
    examples: [
      `${PROGRAM} ${name} delete ${KINDS[kind].uidPrefix}0123abcd --if-match 3`,
      `${PROGRAM} ${name} delete ${name === 'group' ? 'compute green' : `${KINDS[kind].uidPrefix}0123abcd ${KINDS[kind].uidPrefix}4567cdef`}`,
    ],
    args: {
      targets: { type: 'positional', required: false, description: `The ${kind}s' names, or their uids` },
      ...spec.ifMatchArg,
      ...GLOBAL_ARGS,
    },
    run: async (args) => {
      const targets = args.positionals
      if (targets.length === 0) {
        throw new UsageError(`${name} delete needs the ${kind}'s name or uid (several may follow each other)`)
      }
      const ifMatch = lastFlag(args, 'if-match')
      if (ifMatch !== undefined && targets.length > 1) {
        throw new UsageError('--if-match names one resourceVersion: delete one resource at a time with it')
      }
      const { output } = clientSettings(ctx)
      const answers: unknown[] = []
      for (const target of targets) {
        try {
          const uid = await spec.resolve(target)
          const path = `/${KINDS[kind].collection}/${encodeURIComponent(uid)}`
          answers.push(await apiClient(ctx).call({ method: 'DELETE', path, ifMatch }))
          if (output === 'table') ctx.io.stdout(`${kind} ${uid} deleted\n`)
        } catch (err) {
          if (targets.length === 1 || !(err instanceof CliError)) throw err
          ctx.io.stderr(`Error: ${kind} ${target}: ${err.message}\n`)
          ctx.exitCode = EXIT_FAILURE
        }
      }
      if (output !== 'table' && answers.length > 0) {
        ctx.io.stdout(formatData(targets.length === 1 ? answers[0] : answers, output, () => ''))
      }
    },
  })
}
