// Shared wiring for the inventory tests: a fake SMD, the real client and the real inventory.
import { afterEach } from 'vitest'
import type { Clock, TokenSource } from '@metadata-service/core'
import { createRecordingLogger, type RecordingLogger } from '@metadata-service/core/testing'
import {
  createSmdClient,
  createSmdInventory,
  createStaticTokenSource,
  createSyncThread,
  type SmdInventory,
  type SmdInventoryOptions,
  type SmdMetricEvent,
} from '../src/index.js'
import { startFakeSmd, type FakeSmd, type FakeSmdOptions } from '../src/testing/index.js'
import { syncWorkerUrl } from './_sync-worker-build.js'

/** Where a rig's bulk syncs run: on the test's thread, or in a worker thread as `serve` runs them (issue 19). */
export const SYNC_THREADS = ['this thread', 'a worker thread'] as const
export type SyncThread = (typeof SYNC_THREADS)[number]

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
    thread?: SyncThread
    maxResponseBytes?: number
  } = {},
): Promise<Rig> {
  const smd = closeAfterTest(await startFakeSmd(smdOptions))
  const logger = createRecordingLogger()
  const events: SmdMetricEvent[] = []
  const { thread, maxResponseBytes, ...rest } = options
  const clientOptions = {
    baseUrl: smd.url,
    tokenSource: options.tokenSource ?? createStaticTokenSource(),
    userAgentVersion: 'test',
    timeoutMs: 5_000,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  }
  const client = createSmdClient({ ...clientOptions, logger })
  const syncSource = thread === 'a worker thread' ? createSyncThread({ ...clientOptions, workerUrl: await syncWorkerUrl() }) : undefined
  const inventory = closeAfterTest(
    createSmdInventory({ client, logger, onMetrics: (e) => events.push(e), ...(syncSource ? { syncSource } : {}), ...rest }),
  )
  return { smd, inventory, logger, events }
}
