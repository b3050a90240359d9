import type { ArgsDef, CommandDef } from 'citty'
import { createApiClient } from '../client/api-client.js'
import { GLOBAL_ARGS, resolveClientOptions } from '../config/client.js'
import { EXIT_FAILURE } from '../errors.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/** `health` (CLI-5): prints the `/health` body; exit 0 only on 200. */
export function healthCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} health`,
    description: "Print the service's /health answer; exit 0 only when it is 200",
    examples: [`${PROGRAM} health`, `${PROGRAM} --server http://localhost:8888 health`],
    args: { ...GLOBAL_ARGS },
    run: async () => {
      const res = await createApiClient(resolveClientOptions(ctx.globals, ctx.io.env)).send({ method: 'GET', path: '/health' })
      ctx.io.stdout(res.body.endsWith('\n') ? res.body : `${res.body}\n`)
      if (res.status !== 200) ctx.exitCode = EXIT_FAILURE
    },
  })
}
