import type { BootDocumentKind, BootStatusSink } from '@metadata-service/core'
import type { RequestRecord } from '../middleware/request-context.js'
import { NOCLOUD_ROUTE_DOCUMENTS } from './nocloud-route.js'

/** The `/phone-home/{id}` route pattern, as the router reports it. */
export const PHONE_HOME_ROUTE = '/phone-home/:id'

// The routes a boot record counts (BOOT), by pattern: the NoCloud documents (address-only and, SEED, under a seed
// URL, where the record's node is the token's) and /phone-home.
const BOOT_ROUTES: ReadonlyMap<string, BootDocumentKind> = new Map<string, BootDocumentKind>([
  ...NOCLOUD_ROUTE_DOCUMENTS,
  [PHONE_HOME_ROUTE, 'phone-home'],
])
const YAML_SUFFIX = '.yaml'.length

/**
 * BOOT: feeds `sink` from the one record every finished request leaves (OPS-5), from the NoCloud handler and the
 * Koa stack alike: one Map lookup for other routes, one small object for a boot route. HEAD
 * requests (probes) are not boots. `now` stamps the answer (Unix ms).
 */
export function bootObserver(sink: BootStatusSink, now: () => number = Date.now): (record: RequestRecord) => void {
  return (record) => {
    const document = BOOT_ROUTES.get(record.route)
    if (document === undefined || record.method === 'HEAD') return
    sink.record({
      node: record.node,
      client: record.client,
      document,
      // The record names the file (`compute.yaml`); the boot record wants the group.
      group: document === 'group' ? record.document?.slice(0, -YAML_SUFFIX) : undefined,
      status: record.status,
      at: now(),
    })
  }
}
