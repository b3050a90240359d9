import { z } from 'zod'
import { KIND_LIST, MetadataSchema, type KindInfo } from '@metadata-service/core'
import { BootEventSchema, BootNodeSchema, BootReportSchema } from './boot-status-schemas.js'
import {
  DeleteResponseSchema,
  ErrorResponseSchema,
  HealthResponseSchema,
  JsonPatchOperationSchema,
  RenderRequestSchema,
  RenderResponseSchema,
  UnsupportedVersionResponseSchema,
  WgInitRequestSchema,
  WgInitResponseSchema,
  WriteMetadataSchema,
} from './wire-schemas.js'
import { SeedRotateRequestSchema, SeedUrlSchema } from './seed-schemas.js'

/** An OpenAPI 3.0 Schema Object (as zod writes it for the `openapi-3.0` target). */
export type SchemaObject = Record<string, unknown>

/** `{ $ref: '#/components/schemas/<name>' }` */
export function ref(name: string): SchemaObject {
  return { $ref: `#/components/schemas/${name}` }
}

/**
 * The zod schema as an OpenAPI 3.0 Schema Object. `io: 'input'` describes what a request may send (defaults make
 * fields optional); `'output'` what the server stores and answers (defaulted fields always present).
 */
export function toSchema(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'throw' }) as SchemaObject
}

/** Names of a kind's schemas in `components.schemas`. */
export function kindSchemaNames(info: KindInfo) {
  return {
    resource: info.kind,
    spec: `${info.kind}Spec`,
    status: `${info.kind}Status`,
    statusWrite: `${info.kind}StatusWrite`,
    create: `${info.kind}CreateRequest`,
    replace: `${info.kind}ReplaceRequest`,
  }
}

/**
 * `components.schemas` of the SVC-2 document, all generated from zod: each kind's Spec and Status (the same
 * schemas RES-9 validates with, from core's KINDS), its envelope and request bodies, and the shared shapes.
 */
export function componentSchemas(): Record<string, SchemaObject> {
  const schemas: Record<string, SchemaObject> = {
    Metadata: toSchema(MetadataSchema, 'output'),
    CreateMetadata: withRequired(toSchema(WriteMetadataSchema, 'input'), ['name']),
    ReplaceMetadata: withRequired(toSchema(WriteMetadataSchema.partial(), 'input'), []),
    ErrorResponse: toSchema(ErrorResponseSchema, 'output'),
    UnsupportedVersionResponse: toSchema(UnsupportedVersionResponseSchema, 'output'),
    DeleteResponse: toSchema(DeleteResponseSchema, 'output'),
    WgInitRequest: toSchema(WgInitRequestSchema, 'input'),
    WgInitResponse: toSchema(WgInitResponseSchema, 'output'),
    HealthResponse: toSchema(HealthResponseSchema, 'output'),
    JsonPatchOperation: toSchema(JsonPatchOperationSchema, 'input'),
    RenderRequest: toSchema(RenderRequestSchema, 'input'),
    RenderResponse: toSchema(RenderResponseSchema, 'output'),
    BootReport: toSchema(BootReportSchema, 'output'),
    BootNode: toSchema(BootNodeSchema, 'output'),
    BootEvent: toSchema(BootEventSchema, 'output'),
    SeedUrl: toSchema(SeedUrlSchema, 'output'),
    SeedRotateRequest: toSchema(SeedRotateRequestSchema, 'input'),
  }
  for (const info of KIND_LIST) Object.assign(schemas, kindSchemas(info))
  return schemas
}

// --- internal ---

function kindSchemas(info: KindInfo): Record<string, SchemaObject> {
  const names = kindSchemaNames(info)
  // RES-3: apiVersion and kind are optional in bodies; top-level labels/annotations merge into metadata.
  const requestEnvelope = (metadata: string, required: string[]): SchemaObject => ({
    type: 'object',
    properties: {
      apiVersion: { type: 'string', enum: ['v1', 'cloud-init.openchami.io/v1'] },
      kind: { type: 'string', enum: [info.kind] },
      metadata: ref(metadata),
      spec: ref(names.spec),
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
    },
    // OpenAPI 3.0 forbids an empty `required` list.
    ...(required.length === 0 ? {} : { required }),
  })
  return {
    [names.spec]: toSchema(info.specSchema, 'input'),
    [names.status]: toSchema(info.statusSchema, 'output'),
    [names.statusWrite]: toSchema(info.statusSchema, 'input'),
    // RES-2: the envelope on the wire; apiVersion is always v1.
    [names.resource]: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string', enum: ['v1'] },
        kind: { type: 'string', enum: [info.kind] },
        metadata: ref('Metadata'),
        spec: ref(names.spec),
        status: ref(names.status),
      },
      required: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    },
    [names.create]: requestEnvelope('CreateMetadata', ['metadata', 'spec']),
    // RES-4: a missing spec becomes {}, and a missing name keeps the current one.
    [names.replace]: requestEnvelope('ReplaceMetadata', []),
  }
}

function withRequired(schema: SchemaObject, required: string[]): SchemaObject {
  const { required: _ignored, ...rest } = schema
  return required.length === 0 ? rest : { ...rest, required }
}
