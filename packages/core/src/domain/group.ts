import { z } from 'zod'
import { SupersededBySchema, type Resource } from './metadata.js'

/** Group names as they may appear in `/{group}.yaml` and SMD labels (RES-3). */
export const GROUP_NAME_PATTERN = /^[-A-Za-z0-9:._]+$/

/**
 * Group `metaData` (SPEC §16 TPL-3): any JSON value by key (objects, arrays, numbers, booleans, null, strings),
 * at most 64 KiB as JSON and 16 levels deep (checked on write, `templates/spec-checks.ts`).
 */
export const GroupMetaDataSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'Values for the template, any JSON by key; at most 64 KiB as JSON and 16 levels deep.' })

/** How `template` is sent (SPEC §16): `plain` (the default) or `base64`, decoded on write and stored decoded. */
export const TemplateEncodingSchema = z.enum(['plain', 'base64'])
export type TemplateEncoding = z.infer<typeof TemplateEncodingSchema>

/** Group spec (RES-9). `template` defaults to "" (the group contributes meta-data only). */
export const GroupSpecSchema = z
  .object({
    description: z.string().optional(),
    template: z
      .string()
      .default('')
      .meta({ description: 'Mustache or Pongo2 (Django) template, or `## template: jinja` for cloud-init; at most 256 KiB.' }),
    metaData: GroupMetaDataSchema.optional(),
    templateEncoding: TemplateEncodingSchema.optional().meta({
      description: 'plain (default) or base64: the template is decoded on write; the stored and served template is the decoded text.',
    }),
    /** Accepted and stored, unused. */
    osVersion: z.string().optional(),
  })
  .strict()
export type GroupSpec = z.infer<typeof GroupSpecSchema>

/** One entry of `status.templateHistory` (TPL-8); at most 10 are kept. */
export const TemplateHistoryEntrySchema = z
  .object({ version: z.string(), timestamp: z.string(), valid: z.boolean() })
  .strict()
export type TemplateHistoryEntry = z.infer<typeof TemplateHistoryEntrySchema>

/** A status warning: something that did not stop the write but deserves attention (issue 17). */
export const GroupWarningSchema = z
  .object({
    code: z.string().meta({ description: 'Stable identifier, e.g. CLOUD_INIT_IGNORED.' }),
    message: z.string(),
  })
  .strict()
export type GroupWarning = z.infer<typeof GroupWarningSchema>

/** Group status (TPL-8). The server never sets lastApplied, errorDetails, templateVersion or version. */
export const GroupStatusSchema = z
  .object({
    valid: z.boolean().default(false),
    engine: z
      .enum(['none', 'jinja', 'mustache', 'pongo2'])
      .optional()
      .meta({ description: 'How the template is rendered: mustache or pongo2 by the server, jinja by cloud-init, none when empty.' }),
    warnings: z
      .array(GroupWarningSchema)
      .optional()
      .meta({ description: 'Set on every accepted write; e.g. CLOUD_INIT_IGNORED when cloud-init would ignore the rendered document.' }),
    errorMessage: z.string().optional(),
    requiredVariables: z.array(z.string()).optional(),
    templateHash: z.string().optional(),
    currentTemplateVersion: z.string().optional(),
    templateHistory: z.array(TemplateHistoryEntrySchema).optional(),
    lastApplied: z.string().optional(),
    errorDetails: z.string().optional(),
    templateVersion: z.string().optional(),
    version: z.string().optional(),
    supersededBy: SupersededBySchema,
  })
  .strict()
export type GroupStatus = z.infer<typeof GroupStatusSchema>

export type Group = Resource<'Group', GroupSpec, GroupStatus>
