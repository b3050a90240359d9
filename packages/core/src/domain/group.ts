import { z } from 'zod'
import { StringMapSchema, SupersededBySchema, type Resource } from './metadata.js'

/** Group names as they may appear in `/{group}.yaml` and SMD labels (RES-3). */
export const GROUP_NAME_PATTERN = /^[-A-Za-z0-9:._]+$/

/** Group spec (RES-9). `template` defaults to "" (the group contributes meta-data only). */
export const GroupSpecSchema = z
  .object({
    description: z.string().optional(),
    template: z.string().default(''),
    metaData: StringMapSchema.optional(),
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

/** Group status (TPL-8). The server never sets lastApplied, errorDetails, templateVersion or version. */
export const GroupStatusSchema = z
  .object({
    valid: z.boolean().default(false),
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
