import type { ArgsDef, CommandDef } from 'citty'
import { BOOT_STATES, parseDurationMs, type BootReport, type BootState } from '@metadata-service/core'
import { lastFlag, type StrictArgs } from '../argv.js'
import { createApiClient, type ApiClient } from '../client/api-client.js'
import { GLOBAL_ARGS, resolveClientOptions, type ClientOptions } from '../config/client.js'
import { CliError, EXIT_FAILURE, UsageError } from '../errors.js'
import { formatResources } from '../output/format.js'
import { formatStatusReport, nodesTable } from '../output/status-format.js'
import { clientSettings } from './client-context.js'
import { watchStatus } from './status-watch.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/** What `--wait` accepts, and the states that satisfy each (a node that phoned home was configured first). */
const WAIT_TARGETS: Readonly<Record<string, readonly BootState[]>> = {
  configured: ['configured', 'phoned-home'],
  'phoned-home': ['phoned-home'],
}
const DEFAULT_LISTED = 'stuck,failing'
const DEFAULT_WAIT_MS = 15 * 60_000
const WAIT_POLL_MS = 2_000

/**
 * `status` (BOOT): the boot record's summary and the nodes that need attention (`GET /boot-status`); `--watch`, a
 * live view from `/boot-status/events`; `--wait <state>`, block until every node (of `--group`) is in that state,
 * exit 1 listing the others when `--timeout` passes first.
 */
export function statusCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} status`,
    description: 'Boot status: which nodes booted, which are stuck or failing, unknown addresses',
    examples: [
      `${PROGRAM} status`,
      `${PROGRAM} status --group compute --state all -o json`,
      `${PROGRAM} status --watch`,
      `${PROGRAM} status --wait configured --group compute --timeout 15m`,
    ],
    args: {
      group: { type: 'string', description: 'Only nodes with this group label', valueHint: 'name' },
      state: { type: 'string', description: `States to list, comma-separated, or all (default ${DEFAULT_LISTED})`, valueHint: 'states' },
      since: { type: 'string', description: 'Only nodes in their state since this time (RFC 3339, or ago: 15m)', valueHint: 'time' },
      watch: { type: 'boolean', description: 'Redraw a live view (counts, progress, stuck nodes) until Ctrl-C' },
      wait: {
        type: 'string',
        description: 'Wait until all nodes are configured or phoned-home (--timeout: how long, 15m)',
        valueHint: 'state',
      },
      ...GLOBAL_ARGS,
    },
    run: async (args) => {
      const wait = lastFlag(args, 'wait')
      const watch = lastFlag(args, 'watch') === 'true'
      if (wait !== undefined && watch) throw new UsageError('--wait and --watch cannot be combined')
      if (wait !== undefined) return waitFor(ctx, args, wait)
      const settings = clientSettings(ctx)
      if (watch) return watchStatus(ctx, settings, lastFlag(args, 'group'))
      const listed = lastFlag(args, 'state') ?? DEFAULT_LISTED
      const query = queryString({ state: listed === 'all' ? undefined : listed, group: lastFlag(args, 'group'), since: lastFlag(args, 'since') })
      const report = await readReport(createApiClient(settings), `/boot-status${query}`, settings.server)
      ctx.io.stdout(formatStatusReport(report, settings.output, listed === 'all' ? 'nodes' : `nodes ${listed.split(',').join(', ')}`))
    },
  })
}

// --- internal ---

async function waitFor(ctx: CliContext, args: StrictArgs, target: string): Promise<void> {
  const satisfying = WAIT_TARGETS[target]
  if (satisfying === undefined) throw new UsageError(`invalid value for --wait: ${JSON.stringify(target)} (expected configured or phoned-home)`)
  if (lastFlag(args, 'state') !== undefined) throw new UsageError('--wait and --state cannot be combined')
  const waitMs = waitTimeout(ctx.globals.timeout)
  // With --wait, --timeout is the wait; each request keeps the default deadline.
  const settings = resolveClientOptions({ ...ctx.globals, timeout: undefined }, ctx.io)
  const group = lastFlag(args, 'group')
  const pending = BOOT_STATES.filter((state) => !satisfying.includes(state)).join(',')
  const path = `/boot-status${queryString({ state: pending, group, limit: '100000' })}`
  const client = createApiClient(settings)
  const deadline = Date.now() + waitMs
  for (;;) {
    let report: BootReport | undefined
    try {
      report = await readReport(client, path, settings.server)
    } catch (err) {
      // A server restarting under the wait is not the end of it; an error answer (a bad group) is.
      if (!(err instanceof CliError && err.message.startsWith('cannot reach')) || Date.now() >= deadline) throw err
    }
    if (report !== undefined && (report.matched === 0 || Date.now() >= deadline)) return printWait(ctx, settings, report, { target, group, waitMs })
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(WAIT_POLL_MS, deadline - Date.now()))))
  }
}

function printWait(ctx: CliContext, settings: ClientOptions, report: BootReport, wait: { target: string; group: string | undefined; waitMs: number }): void {
  const total = wait.group === undefined ? report.summary.nodes : (report.groups[wait.group]?.nodes ?? 0)
  const satisfied = report.matched === 0
  const scope = wait.group === undefined ? 'nodes' : `nodes of group ${wait.group}`
  if (!satisfied) ctx.exitCode = EXIT_FAILURE
  if (settings.output !== 'table') {
    const result = { wait: wait.target, ...(wait.group === undefined ? {} : { group: wait.group }), satisfied, nodes: total, pending: report.nodes }
    ctx.io.stdout(formatResources(result, settings.output))
    return
  }
  const state = wait.target === 'configured' ? 'configured (or phoned home)' : 'phoned home'
  if (satisfied) return ctx.io.stdout(`All ${total} ${scope} are ${state}.\n`)
  ctx.io.stdout(`Timed out after ${wait.waitMs / 1000} s: ${report.matched} of ${total} ${scope} are not ${state}:\n${nodesTable(report.nodes)}\n`)
}

/** A `/boot-status` answer; a server without the route says why in words (CLI-6). */
async function readReport(client: ApiClient, path: string, server: string): Promise<BootReport> {
  try {
    return (await client.call({ method: 'GET', path })) as BootReport
  } catch (err) {
    if (err instanceof CliError && err.message === 'HTTP error 404: not found') {
      throw new CliError(`${server} keeps no boot status: it runs with boot_status off (--no-boot-status), or predates it`, undefined, { cause: err })
    }
    throw err
  }
}

/** `--timeout` under `--wait`: a duration (`15m`, `90s`, `1h`) or seconds; default 15 minutes. */
function waitTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WAIT_MS
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : parseDurationMs(value)
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`invalid value for --timeout: ${JSON.stringify(value)} (with --wait: a duration such as 15m or 90s, or seconds)`)
  }
  return ms
}

function queryString(params: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value)
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}
