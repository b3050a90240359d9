import { z } from 'zod'
import { MetadataSchema, NetworksSchema, type WgInitAccepted } from '@metadata-service/core'
import type { RenderPreviewResponse } from '../routes/render.js'

// Response and request shapes that have no domain schema in core, written once here so the OpenAPI document
// (SVC-2) is still generated from zod. The resource specs and statuses come from core's KINDS registry.

/** SPEC §0 / RES-8: every JSON error of the resource API. */
export const ErrorResponseSchema = z.object({
  error: z.string().meta({ description: 'The exact SPEC message.' }),
  code: z.number().int().meta({ description: 'The HTTP status, repeated.' }),
})

/** RES-8: the 406 answer, which also names the requested and supported versions. */
export const UnsupportedVersionResponseSchema = ErrorResponseSchema.extend({
  requested: z.string(),
  supported: z.array(z.string()),
})

/** RES-1: the 200 body of a DELETE. */
export const DeleteResponseSchema = z.object({
  message: z.string().meta({ description: '`<Kind> deleted successfully`' }),
  uid: z.string(),
})

/** WG-4: the `/wg-init` body (parsed as JSON whatever the Content-Type). */
export const WgInitRequestSchema = z.object({
  public_key: z.string().meta({ description: 'Base64 of a 32-byte X25519 public key.' }),
})

/** WG-4: the 202 body of `/wg-init` (hyphenated keys, the port as a string). */
export const WgInitResponseSchema = z.object({
  message: z.literal('WireGuard peer allocation accepted'),
  'peer-uid': z.string(),
  'client-vpn-ip': z.string(),
  'server-public-key': z.string(),
  'server-ip': z.string(),
  'server-port': z.string(),
})

// Compile-time tie to core's WG-4 payload: a field added there without one here fails typecheck.
const _sameWgInitFields: Record<keyof WgInitAccepted, true> = {
  message: true,
  'peer-uid': true,
  'client-vpn-ip': true,
  'server-public-key': true,
  'server-ip': true,
  'server-port': true,
} satisfies Record<keyof z.infer<typeof WgInitResponseSchema>, true>
void _sameWgInitFields

/** SVC-1: the `/health` body, healthy (200) or not (503, with `reason`). */
export const HealthResponseSchema = z.object({
  reason: z.string().optional().meta({ description: 'Only when unhealthy: the TOK-9 text, else `smd initial refresh pending`.' }),
  service: z.literal('metadata-service'),
  status: z.enum(['healthy', 'unhealthy']),
})

/** RES-3/RES-4: the `metadata` a create (name required) or replace (name optional) body may carry. */
export const WriteMetadataSchema = MetadataSchema.pick({ name: true, labels: true, annotations: true })

/** RFC 6902 operation (RES-6 `application/json-patch+json`); paths are relative to the spec. */
export const JsonPatchOperationSchema = z.object({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string().meta({ description: 'JSON Pointer into the spec, e.g. `/metaData/color`.' }),
  from: z.string().optional(),
  value: z.unknown().optional(),
})

/** Admin `POST /render`: the node to preview, and optionally one group and a template to try for it. */
export const RenderRequestSchema = z.strictObject({
  node: z.string().optional().meta({ description: "The node's xname (or give `seed`)." }),
  seed: z.string().optional().meta({
    description: "SEED: a node's seed token or seed URL instead of `node`: the preview of the node it names, as its seed URL serves it.",
  }),
  group: z.string().optional().meta({ description: "Only this group's document." }),
  template: z.string().optional().meta({ description: 'A template to try for `group` instead of the stored one (needs `group`).' }),
  networks: NetworksSchema.optional().meta({
    description:
      'ClusterDefaults `networks` to try instead of the stored ones (not with `group` or `template`): the answer is ' +
      "the node's /network-config today and with them, and the diff.",
  }),
})

/** One document of a `/render` answer, as the node's own request would get it. */
export const RenderedDocumentSchema = z.object({
  path: z.string(),
  status: z.number().int(),
  contentType: z.string(),
  body: z.string(),
  notes: z
    .array(z.string())
    .optional()
    .meta({ description: '`/network-config` only: addresses whose prefix is guessed or that are left out, and definitions not used.' }),
})

/** The 200 body of `POST /render`. */
export const RenderResponseSchema = z.object({
  node: z.string(),
  documents: z.array(RenderedDocumentSchema),
  proposed: RenderedDocumentSchema.extend({ diff: z.string().optional() }).optional(),
})

// Compile-time tie to the route's answer: a field added there without one here fails typecheck.
const _sameRenderFields: Record<keyof RenderPreviewResponse, true> = { node: true, documents: true, proposed: true } satisfies Record<
  keyof z.infer<typeof RenderResponseSchema>,
  true
>
void _sameRenderFields
