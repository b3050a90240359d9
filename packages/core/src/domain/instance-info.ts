import { z } from 'zod'
import { ReadyStatusSchema, type ReadyStatus } from './cluster-defaults.js'
import type { Resource } from './metadata.js'
import { NetworksSchema } from './network-definitions.js'

/** InstanceInfo spec: per-node overrides (RES-9, NC-5, NC-7). */
export const InstanceInfoSpecSchema = z
  .object({
    description: z.string().max(200).optional(),
    instance_id: z.string(),
    local_hostname: z.string().optional(),
    hostname: z.string().optional(),
    cloud_init_base_url: z.string().optional(),
    public_keys: z.array(z.string()).optional(),
    /** Accepted and stored, unused. */
    default_profile: z.string().optional(),
    /** NC-15 second wave: this node's network definitions, merged over the ClusterDefaults ones (issue 14). */
    networks: NetworksSchema.optional(),
  })
  .strict()
export type InstanceInfoSpec = z.infer<typeof InstanceInfoSpecSchema>

export const InstanceInfoStatusSchema = ReadyStatusSchema
export type InstanceInfoStatus = ReadyStatus

export type InstanceInfo = Resource<'InstanceInfo', InstanceInfoSpec, InstanceInfoStatus>
