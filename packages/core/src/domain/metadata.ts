import { z } from 'zod'

/** String-to-string map used by labels and annotations. */
export const StringMapSchema = z.record(z.string(), z.string())

/** RES-2 metadata block as stored and sent on the wire. Timestamps are RFC 3339 strings (ms, or ns from older files). */
export const MetadataSchema = z.object({
  name: z.string(),
  uid: z.string(),
  labels: StringMapSchema.optional(),
  annotations: StringMapSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Decimal string; files written without it count as "1" (RES-5). */
  resourceVersion: z.string(),
})
export type Metadata = z.infer<typeof MetadataSchema>

/**
 * `status.supersededBy` of every kind (§16 RES-3): the uid of the resource that serves this one's name (for
 * ClusterDefaults, the cluster's). Worked out by the store on every read and never stored; absent on served ones.
 */
export const SupersededBySchema = z.string().optional()

/** The four resource kinds (RES-1). */
export const KIND_NAMES = ['ClusterDefaults', 'Group', 'InstanceInfo', 'WireGuardPeer'] as const
export type KindName = (typeof KIND_NAMES)[number]

/** The common envelope of every resource (RES-2). `apiVersion` is always `v1` on the wire. */
export interface Resource<K extends KindName, S, T> {
  apiVersion: 'v1'
  kind: K
  metadata: Metadata
  spec: S
  status: T
}
