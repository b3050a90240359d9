import type { MetadataError } from '../errors.js'
import type { InventoryNode } from '../ports/inventory.js'
import type { Logger } from '../ports/logger.js'
import type { RequestContext } from './nocloud-api.js'

/**
 * Counts group documents answered with a template bound, by group and limit, and logs the first such answer of
 * each group per cache generation (a storm of one group's nodes gives one warning, not one per node; the request
 * log has each answer).
 */
export function templateLimitCounter(logger: Logger) {
  const counts = new Map<string, { bytes: number; steps: number }>()
  let loggedIn: object | undefined
  let logged = new Set<string>()
  return {
    answered(epoch: object, err: MetadataError, group: string, node: InventoryNode, request: RequestContext): MetadataError {
      const limit = err.details?.limit === 'steps' ? 'steps' : 'bytes'
      const count = counts.get(group) ?? { bytes: 0, steps: 0 }
      count[limit] += 1
      counts.set(group, count)
      if (loggedIn !== epoch) {
        loggedIn = epoch
        logged = new Set()
      }
      if (!logged.has(group)) {
        logged.add(group)
        const reqId = request.reqId
        logger.warn('group document over a template limit', {
          ...(reqId === undefined ? {} : { reqId }),
          group,
          node: node.xname,
          limit,
          error: err.message,
        })
      }
      return err
    },
    counts: () => Object.fromEntries([...counts].map(([group, count]) => [group, { ...count }])),
  }
}
