import { stringify as toYaml } from 'yaml'
import type { BootChanges } from '@metadata-service/core'
import { readEventStream } from '../client/event-stream.js'
import type { ClientOptions } from '../config/client.js'
import { CLEAR_SCREEN, renderWatchFrame, watchRecord, type WatchState } from '../output/status-watch.js'
import type { CliContext } from './command.js'

const RECONNECT_MS = 2_000

/**
 * `status --watch` (BOOT): follows `/boot-status/events` (of `group`) until SIGINT or SIGTERM, drawing a frame per
 * event with `-o table` (the terminal is cleared first), or writing one JSON line (or YAML document) per event for
 * scripts. A stream the server ends (a restart) is opened again; a server that cannot be reached is an error.
 */
export async function watchStatus(ctx: CliContext, settings: ClientOptions, group: string | undefined): Promise<void> {
  const controller = new AbortController()
  const removeHandler = ctx.io.onShutdownSignal(() => controller.abort())
  const path = `/boot-status/events${group === undefined ? '' : `?group=${encodeURIComponent(group)}`}`
  let unknown: WatchState['unknown']
  const show = (_name: string, data: unknown) => {
    const event = data as BootChanges
    unknown = event.unknownAddresses ?? unknown
    const state: WatchState = { event, unknown }
    if (settings.output === 'table') ctx.io.stdout(CLEAR_SCREEN + renderWatchFrame(state))
    else if (settings.output === 'json') ctx.io.stdout(`${JSON.stringify(watchRecord(state))}\n`)
    else ctx.io.stdout(`---\n${toYaml(watchRecord(state))}`)
  }
  try {
    while (!controller.signal.aborted) {
      await readEventStream(settings, path, controller.signal, show)
      if (!controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS))
    }
  } finally {
    removeHandler()
  }
}
