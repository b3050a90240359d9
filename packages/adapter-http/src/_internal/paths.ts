import { KIND_LIST } from '@metadata-service/core'
import type { AppContext, ErrorStyle } from './state.js'

// RES-1 collections: the only paths whose errors are JSON (SPEC §0, RES-8).
const RESOURCE_ROOTS: ReadonlySet<string> = new Set(KIND_LIST.map((info) => info.collection))

// SVC routes, exempt from OPS-3 (SPEC §8) so probes and scrapes still answer while the service sheds load.
// `/openapi.json`, `/docs` and `/metrics` are registered by later issues (SVC-2..SVC-4).
// BOOT: the boot status API and page too, since a storm is when an operator needs them.
const SERVICE_ROOTS: ReadonlySet<string> = new Set(['health', 'openapi.json', 'docs', 'metrics', 'boot-status', 'status'])

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1)
  return end === -1 ? path.slice(1) : path.slice(1, end)
}

/** The error style of a request: the route's choice, else JSON under a resource collection, else plain text. */
export function errorStyleOf(ctx: AppContext): ErrorStyle {
  return ctx.state.errorStyle ?? (RESOURCE_ROOTS.has(firstSegment(ctx.path)) ? 'json' : 'plain')
}

/** True for the SVC paths (`/health`, `/openapi.json`, `/docs…`, `/metrics`) and BOOT's, which skip the OPS-3 limit. */
export function isServicePath(path: string): boolean {
  return SERVICE_ROOTS.has(firstSegment(path))
}
