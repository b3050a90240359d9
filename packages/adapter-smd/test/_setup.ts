// Shared wiring for the inventory tests: a fake SMD, the real client and the real inventory.
import { afterEach } from 'vitest'
import type { Clock, TokenSource } from '@metadata-service/core'
import { createRecordingLogger, type RecordingLogger } from '@metadata-service/core/testing'
import {
  createSmdClient,
  createSmdInventory,
  createStaticTokenSource,
  createSyncProcess,
  type SmdInventory,
  type SmdInventoryOptions,
  type SmdMetricEvent,
} from '../src/index.js'
import { startFakeSmd, type FakeSmd, type FakeSmdOptions } from '../src/testing/index.js'
import { syncChildUrl } from './_sync-child-build.js'

/** Where a rig's bulk syncs run: on the test's thread, or in a child process as `serve` runs them (issue 19). */
export const SYNC_PLACES = ['this thread', 'a child process'] as const
export type SyncPlace = (typeof SYNC_PLACES)[number]

const open: Array<{ close(): Promise<void> }> = []

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()))
})

/** Closes `thing` after the current test. */
export function closeAfterTest<T extends { close(): Promise<void> }>(thing: T): T {
  open.push(thing)
  return thing
}

export interface Rig {
  readonly smd: FakeSmd
  readonly inventory: SmdInventory
  readonly logger: RecordingLogger
  readonly events: SmdMetricEvent[]
}

/** A fake SMD and an inventory on it; closed after the test. */
export async function rig(
  smdOptions: FakeSmdOptions,
  options: Partial<Omit<SmdInventoryOptions, 'client'>> & {
    tokenSource?: TokenSource
    clock?: Clock
    syncIn?: SyncPlace
    maxResponseBytes?: number
  } = {},
): Promise<Rig> {
  const smd = closeAfterTest(await startFakeSmd(smdOptions))
  const logger = createRecordingLogger()
  const events: SmdMetricEvent[] = []
  const { syncIn, maxResponseBytes, ...rest } = options
  const clientOptions = {
    baseUrl: smd.url,
    tokenSource: options.tokenSource ?? createStaticTokenSource(),
    userAgentVersion: 'test',
    timeoutMs: 5_000,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  }
  const client = createSmdClient({ ...clientOptions, logger })
  const syncSource = syncIn === 'a child process' ? createSyncProcess({ ...clientOptions, entryUrl: await syncChildUrl() }) : undefined
  const inventory = closeAfterTest(
    createSmdInventory({ client, logger, onMetrics: (e) => events.push(e), ...(syncSource ? { syncSource } : {}), ...rest }),
  )
  return { smd, inventory, logger, events }
}
