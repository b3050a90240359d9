import { z } from 'zod'
import { SupersededBySchema, type Resource } from './metadata.js'
import { NetworksSchema } from './network-definitions.js'

/** ClusterDefaults spec (RES-9). Field-level messages are produced by `validateSpec`, not by these schemas. */
export const ClusterDefaultsSpecSchema = z
  .object({
    description: z.string().max(200).optional(),
    base_url: z.string(),
    cloud_provider: z.string().optional(),
    region: z.string().optional(),
    availability_zone: z.string().optional(),
    cluster_name: z.string(),
    short_name: z.string().optional(),
    /** Hostname NID width; 0 means 4 (NC-6). */
    nid_length: z.number().int().min(0).max(10).optional(),
    public_keys: z.array(z.string()).optional(),
    /** NC-15 second wave: the cluster's network definitions (issue 14). */
    networks: NetworksSchema.optional(),
  })
  .strict()
export type ClusterDefaultsSpec = z.infer<typeof ClusterDefaultsSpecSchema>

/** Status shared by ClusterDefaults and InstanceInfo. `ready` is always present (default false). */
export const ReadyStatusSchema = z
  .object({
    phase: z.string().optional(),
    message: z.string().optional(),
    ready: z.boolean().default(false),
    supersededBy: SupersededBySchema,
  })
  .strict()
export type ReadyStatus = z.infer<typeof ReadyStatusSchema>

export type ClusterDefaults = Resource<'ClusterDefaults', ClusterDefaultsSpec, ReadyStatus>
