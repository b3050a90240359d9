import type { ArgsDef, CommandDef } from 'citty'
import { GLOBAL_ARGS } from '../config/client-flags.js'
import { CliError, EXIT_FAILURE } from '../errors.js'
import { formatData, formatTable } from '../output/format.js'
import { apiClient, clientSettings } from './client-context.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `health` (CLI-5, issue 17): asks `/health` and prints the answer (JSON, YAML, or a SERVICE STATUS REASON table).
 * Exit 0 only for a 200 whose body is the service's JSON saying `healthy`. An answer that is not the service's JSON
 * (an HTML page from a proxy, another service on that port) prints nothing and fails with a message naming it.
 */
export function healthCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} health`,
    description: "Ask the service whether it is healthy; exit 0 only when it says so",
    examples: [`${PROGRAM} health`, `${PROGRAM} --server http://localhost:8888 health -o yaml`],
    args: { ...GLOBAL_ARGS },
    run: async () => {
      const client = apiClient(ctx)
      const res = await client.send({ method: 'GET', path: '/health' })
      const body = healthBody(res.body)
      if (body === undefined) {
        const type = res.headers['content-type'] ?? 'no content type'
        const start = res.body.trim().replace(/\s+/g, ' ').slice(0, 80)
        throw new CliError(
          `${client.server}/health did not answer as metadata-service: HTTP ${res.status}, ${type}${start === '' ? '' : `: ${start}`}`,
        )
      }
      ctx.io.stdout(formatData(body, clientSettings(ctx).output, () => healthTable(body)))
      if (res.status !== 200 || body.status !== 'healthy') ctx.exitCode = EXIT_FAILURE
    },
  })
}

// --- internal ---

interface HealthBody {
  readonly status: string
  readonly service?: unknown
  readonly reason?: unknown
  readonly [key: string]: unknown
}

/** The SVC-1 body: a JSON object with a string `status`; `undefined` for anything else. */
function healthBody(text: string): HealthBody | undefined {
  try {
    const body = JSON.parse(text) as unknown
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
    return typeof (body as { status?: unknown }).status === 'string' ? (body as HealthBody) : undefined
  } catch {
    return undefined
  }
}

function healthTable(body: HealthBody): string {
  const cell = (value: unknown) => (typeof value === 'string' ? value : '')
  const reason = cell(body.reason)
  return reason === ''
    ? formatTable(['SERVICE', 'STATUS'], [[cell(body.service), body.status]])
    : formatTable(['SERVICE', 'STATUS', 'REASON'], [[cell(body.service), body.status, reason]])
}
