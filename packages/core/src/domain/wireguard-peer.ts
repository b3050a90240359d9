import { z } from 'zod'
import { SupersededBySchema, type Resource } from './metadata.js'

/** WireGuardPeer spec (RES-9, WG-6, WG-11). `public_key` is base64 of 32 bytes; `allowed_ip` a CIDR. */
export const WireGuardPeerSpecSchema = z
  .object({
    description: z.string().optional(),
    public_key: z.string(),
    allowed_ip: z.string(),
  })
  .strict()
export type WireGuardPeerSpec = z.infer<typeof WireGuardPeerSpecSchema>

/** WireGuardPeer status (WG-8). */
export const WireGuardPeerStatusSchema = z
  .object({
    phase: z.enum(['Ready', 'Degraded', 'Error']).optional(),
    message: z.string().optional(),
    ready: z.boolean().default(false),
    version: z.string().optional(),
    supersededBy: SupersededBySchema,
  })
  .strict()
export type WireGuardPeerStatus = z.infer<typeof WireGuardPeerStatusSchema>

export type WireGuardPeer = Resource<'WireGuardPeer', WireGuardPeerSpec, WireGuardPeerStatus>
