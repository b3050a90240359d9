import { z } from 'zod'
import type { SeedUrlEntry } from '@metadata-service/core'

// The wire shapes of the seed token admin API (SEED), in zod so the OpenAPI document stays generated (SVC-2).

/** One entry of `GET /seed-tokens` and `POST /seed-tokens/rotate`. */
export const SeedUrlSchema = z.object({
  node: z.string().meta({ description: "The node's xname." }),
  url: z.string().meta({ description: "The node's NoCloud seed URL, `<base>/n/<token>/`; a credential: handle it like a password." }),
  kernelArgument: z.string().meta({ description: 'The kernel command line argument for it: `ds=nocloud;s=<url>`.' }),
  fingerprint: z.string().meta({ description: "The first 8 hex of the token's SHA-256, as the request log names it (the token itself is never logged)." }),
  baseFrom: z.enum(['override', 'configured', 'request']).meta({
    description:
      'Where the base came from: the `base` asked for, the NC-14 settings (InstanceInfo `cloud_init_base_url`, ClusterDefaults ' +
      '`base_url`, `public_url`), or this request\'s own host (right only if nodes reach the service by that name).',
  }),
}) satisfies z.ZodType<SeedUrlEntry>

/** The body of `POST /seed-tokens/rotate`: exactly one of `node`, `group`, `all`. */
export const SeedRotateRequestSchema = z.strictObject({
  node: z.string().optional().meta({ description: "Rotate this node's token (an xname)." }),
  group: z.string().optional().meta({ description: "Rotate every member's token." }),
  all: z.literal(true).optional().meta({ description: 'Rotate every token (the global epoch).' }),
  base: z.string().optional().meta({ description: 'Base URL of the answered seed URLs instead of NC-14’s.' }),
})
