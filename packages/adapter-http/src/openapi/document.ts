import { KIND_LIST } from '@metadata-service/core'
import { bootStatusPaths } from './boot-status-paths.js'
import { componentSchemas } from './components.js'
import { resourcePaths } from './resource-paths.js'
import { cloudInitPaths, renderPaths, servicePaths, wireGuardPaths } from './service-paths.js'
import { seedNoCloudPaths, seedTokenPaths } from './seed-paths.js'

/** The parts of the SVC-2 document tests and callers look at; everything else is plain OpenAPI 3.0.3. */
export interface OpenApiDocument {
  readonly openapi: '3.0.3'
  readonly info: { readonly title: string; readonly version: string; readonly description: string }
  readonly tags: readonly { readonly name: string; readonly description: string }[]
  readonly paths: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>
  readonly components: Readonly<Record<string, unknown>>
}

/**
 * SVC-2: the OpenAPI 3.0.3 document of every route the app serves, its schemas generated from the same zod schemas
 * that validate requests (core's KINDS and MetadataSchema). Pure and deterministic; see {@link openApiJson} for the
 * cached bytes.
 */
export function buildOpenApiDocument(): OpenApiDocument {
  return {
    openapi: '3.0.3',
    info: {
      title: 'metadata-service API',
      version: 'v1',
      description:
        'NoCloud cloud-init metadata service for HPC nodes (OpenCHAMI-compatible): the NoCloud datasource, the ' +
        'resource API of the four kinds, the WireGuard bootstrap and the service endpoints. NoCloud and WireGuard ' +
        'errors are plain text; resource API errors are `{"error","code"}` JSON.',
    },
    tags: [
      { name: 'Service', description: 'Health, this document, its UI and metrics (SVC-1..SVC-4).' },
      { name: 'CloudInit', description: 'The NoCloud datasource a node reads at boot (SPEC §2).' },
      { name: 'WireGuard', description: 'WireGuard tunnel bootstrap for nodes (SPEC §7).' },
      { name: 'SeedTokens', description: 'Per-node seed URLs `/n/<token>/` and their rotation (SEED, admin).' },
      { name: 'BootStatus', description: 'Which nodes booted, which are stuck, who knocked without being known (BOOT).' },
      ...KIND_LIST.map((info) => ({ name: info.kind, description: `The \`/${info.collection}\` collection (SPEC §4).` })),
    ],
    paths: {
      ...servicePaths(),
      ...cloudInitPaths(),
      ...renderPaths(),
      ...wireGuardPaths(),
      ...seedNoCloudPaths(),
      ...seedTokenPaths(),
      ...bootStatusPaths(),
      ...resourcePaths(),
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'SEC-6: required on resource routes when `auth_jwks_url` is set (scopes metadata:read / metadata:write).',
        },
      },
    },
  }
}

let cached: Buffer | undefined

/** The document as compact JSON bytes, built on the first call (app start) and reused for every request. */
export function openApiJson(): Buffer {
  cached ??= Buffer.from(JSON.stringify(buildOpenApiDocument()))
  return cached
}
