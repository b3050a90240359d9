import { z } from 'zod'
import { BOOT_STATES, type BootChanges, type BootCounts, type BootNodeView, type BootReport } from '@metadata-service/core'

// The JSON of the boot record's API (BOOT), written once in zod so the OpenAPI document (SVC-2) is generated like
// the rest; core's view types are the source, tied below at compile time.

const time = () => z.string().meta({ description: 'RFC 3339, UTC.', example: '2026-12-01T10:00:00.000Z' })
const BootStateSchema = z.enum(BOOT_STATES)

/** Nodes per state, and in all. */
export const BootCountsSchema = z.object({
  nodes: z.number().int(),
  ...Object.fromEntries(BOOT_STATES.map((state) => [state, z.number().int()])),
} as Record<'nodes' | (typeof BOOT_STATES)[number], z.ZodNumber>)

const BootReplicaSchema = z
  .object({ hostname: z.string(), pid: z.number().int(), startedAt: time() })
  .meta({ description: 'The process whose record answered: with several replicas, each knows only the requests it answered.' })

const UnknownAddressesSchema = z.object({
  addresses: z.number().int().meta({ description: 'Addresses kept.' }),
  requests: z.number().int().meta({ description: 'Requests from the kept addresses.' }),
  dropped: z.number().int().meta({ description: 'Requests from further addresses, not kept because the list was full.' }),
  capacity: z.number().int().meta({ description: '`boot_max_unknown_addresses`.' }),
  entries: z.array(
    z.object({ address: z.string(), requests: z.number().int(), firstSeenAt: time(), lastSeenAt: time(), lastPath: z.string().meta({ example: '/meta-data' }) }),
  ),
})

/** One node's boot record. */
export const BootNodeSchema = z.object({
  xname: z.string(),
  state: BootStateSchema,
  stateSince: time().optional(),
  groups: z.array(z.string()),
  bootStartedAt: time().optional(),
  lastSeenAt: time().optional(),
  lastDocument: z.string().optional().meta({ example: 'vendor-data' }),
  lastStatus: z.number().int().optional(),
  address: z.string().optional(),
  phonedHomeAt: time().optional(),
  documents: z.array(
    z.object({
      document: z.string().meta({ description: '`meta-data`, `user-data`, `vendor-data`, `network-config`, `phone-home` or `<group>.yaml`.' }),
      firstAt: time(),
      lastAt: time(),
      status: z.number().int(),
      address: z.string(),
    }),
  ),
  missing: z.array(z.string()).meta({ description: 'Documents `configured` still needs in this boot.' }),
  wireguard: z.object({ tunnelAddress: z.string() }).optional(),
})

/** The answer of `GET /boot-status`. */
export const BootReportSchema = z.object({
  replica: BootReplicaSchema,
  generatedAt: time(),
  settings: z.object({ quietPeriodSeconds: z.number(), stuckAfterSeconds: z.number(), maxUnknownAddresses: z.number().int() }),
  summary: BootCountsSchema,
  groups: z.record(z.string(), BootCountsSchema),
  nodes: z.array(BootNodeSchema),
  matched: z.number().int().meta({ description: 'Nodes the query matched; `nodes` holds at most `limit` of them.' }),
  unknownAddresses: UnknownAddressesSchema,
})

/** The data of a `snapshot` or `changes` event of `GET /boot-status/events`. */
export const BootEventSchema = z.object({
  replica: BootReplicaSchema,
  generatedAt: time(),
  cursor: z.object({ seq: z.number(), unknown: z.number() }),
  full: z.boolean().meta({ description: 'True for a `snapshot`: `xnames` is every node (of `group`).' }),
  group: z.string().optional(),
  xnames: z.array(z.string()).meta({ description: 'In xname order: every node (snapshot) or those whose state changed.' }),
  states: z.string().meta({ description: 'One character per xname: the index of its state in idle, booting, configured, phoned-home, stuck, failing.' }),
  summary: BootCountsSchema,
  groups: z.record(z.string(), BootCountsSchema),
  attention: z.array(z.object({ xname: z.string(), state: BootStateSchema, since: time() })),
  unknownAddresses: UnknownAddressesSchema.optional().meta({ description: 'When the list changed (always in a snapshot); at most 200 entries.' }),
})

// Compile-time ties to core's views: a field added there without one here fails typecheck.
type Keys<T> = Record<keyof T, true>
const _report: Keys<BootReport> = { replica: true, generatedAt: true, settings: true, summary: true, groups: true, nodes: true, matched: true, unknownAddresses: true } satisfies Keys<z.infer<typeof BootReportSchema>>
const _node: Keys<BootNodeView> = {
  xname: true,
  state: true,
  stateSince: true,
  groups: true,
  bootStartedAt: true,
  lastSeenAt: true,
  lastDocument: true,
  lastStatus: true,
  address: true,
  phonedHomeAt: true,
  documents: true,
  missing: true,
  wireguard: true,
} satisfies Keys<z.infer<typeof BootNodeSchema>>
const _event: Keys<BootChanges> = {
  replica: true,
  generatedAt: true,
  cursor: true,
  full: true,
  group: true,
  xnames: true,
  states: true,
  summary: true,
  groups: true,
  attention: true,
  unknownAddresses: true,
} satisfies Keys<z.infer<typeof BootEventSchema>>
const _counts: Keys<BootCounts> = { nodes: true, idle: true, booting: true, configured: true, 'phoned-home': true, stuck: true, failing: true }
void [_report, _node, _event, _counts]
