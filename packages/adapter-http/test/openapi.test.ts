import SwaggerParser from '@apidevtools/swagger-parser'
import { z } from 'zod'
import { KIND_LIST, KINDS, MetadataSchema, wireGuardPeerUid } from '@metadata-service/core'
import {
  GOLDEN_COMPUTE_YAML,
  GOLDEN_META_DATA,
  GOLDEN_NETWORK_CONFIG,
  GOLDEN_VENDOR_DATA,
  QUICKSTART_CLUSTER_DEFAULTS,
  QUICKSTART_GROUP_COMPUTE,
  QUICKSTART_GROUP_GREEN,
} from '@metadata-service/core/testing'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument } from '../src/openapi/document.js'
import * as examples from '../src/openapi/examples.js'
import { CREATE_EXAMPLES } from '../src/openapi/resource-paths.js'
import { documentedRoutes, servedRoutes } from './_routes.js'
import { postJson, startHarness } from './_harness.js'

// SVC-2 and the /openapi.json half of AT-50.

const doc = buildOpenApiDocument()

type Operation = { operationId?: string; tags?: string[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }
const operations = (): Array<{ method: string; path: string; op: Operation }> =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method, path, op: op as Operation })))

const SERVICE_IDS = ['getHealth', 'getOpenAPISpec', 'getSwaggerUI', 'getSwaggerUIAsset', 'getMetrics']
const CLOUD_INIT_IDS = ['getMetaData', 'getUserData', 'getVendorData', 'getNetworkConfig', 'getGroupConfig', 'renderPreview',
  'getSeedMetaData', 'getSeedUserData', 'getSeedVendorData', 'getSeedNetworkConfig', 'getSeedGroupConfig']
const WIREGUARD_IDS = ['wgInit', 'phoneHome']
const SEED_IDS = ['listSeedUrls', 'rotateSeedTokens']
const BOOT_STATUS_IDS = ['getBootStatus', 'getBootStatusNode', 'getBootStatusEvents', 'getStatusPage', 'getStatusPageAsset']
const kindIds = (kind: string, plural: string) => [
  `list${plural}`,
  `create${kind}`,
  `get${kind}`,
  `update${kind}`,
  `patch${kind}`,
  `delete${kind}`,
  `update${kind}Status`,
  `patch${kind}Status`,
]

describe('GET /openapi.json (SVC-2, AT-50)', () => {
  it('answers the document as JSON: OpenAPI 3.0.3, title metadata-service API, the SVC-2 names', async () => {
    const h = await startHarness()
    const res = await h.fetch('/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = (await res.json()) as typeof doc
    expect(body).toEqual(JSON.parse(JSON.stringify(doc)))
    expect(body.openapi).toBe('3.0.3')
    expect(body.info.title).toBe('metadata-service API')
    const ids = operations().map((o) => o.op.operationId)
    for (const id of ['getOpenAPISpec', 'getSwaggerUI', 'listGroups']) expect(ids).toContain(id)
    expect(body.tags.map((t) => t.name)).toContain('Service')
  })

  it('answers the same bytes every time (built once)', async () => {
    const h = await startHarness()
    const a = await (await h.fetch('/openapi.json')).text()
    const b = await (await h.fetch('/openapi.json')).text()
    expect(b).toBe(a)
  })
})

describe('the OpenAPI document (SVC-2)', () => {
  it('is a valid OpenAPI 3.0.3 document for @apidevtools/swagger-parser', async () => {
    const api = await SwaggerParser.validate(structuredClone(doc) as never)
    expect((api as { openapi: string }).openapi).toBe('3.0.3')
  })

  it('documents exactly the routes the app serves with every optional part wired, and no other', () => {
    const served = servedRoutes()
    expect(documentedRoutes(doc)).toEqual(served)
    expect(served).toEqual(expect.arrayContaining(['GET /metrics', 'POST /wg-init', 'POST /phone-home/{id}', 'POST /render']))
  })

  it('has exactly the SVC-2 operationIds (plus the /docs asset and admin /render routes), each once', () => {
    const ids = operations().map((o) => o.op.operationId)
    const expected = [
      ...SERVICE_IDS,
      ...CLOUD_INIT_IDS,
      ...WIREGUARD_IDS,
      ...SEED_IDS,
      ...BOOT_STATUS_IDS,
      ...KIND_LIST.flatMap((info) => kindIds(info.kind, info.plural)),
    ]
    expect([...ids].sort()).toEqual([...expected].sort())
    // The plurals SVC-2 spells out.
    expect(ids).toEqual(expect.arrayContaining(['listClusterDefaultss', 'listGroups', 'listInstanceInfos', 'listWireGuardPeers']))
  })

  it('tags Service, CloudInit, WireGuard, SeedTokens, BootStatus and one per kind; every operation has one tag of that list', () => {
    expect(doc.tags.map((t) => t.name)).toEqual(['Service', 'CloudInit', 'WireGuard', 'SeedTokens', 'BootStatus', 'ClusterDefaults', 'Group', 'InstanceInfo', 'WireGuardPeer'])
    const tagOf = (id: string) => operations().find((o) => o.op.operationId === id)?.op.tags
    for (const id of SERVICE_IDS) expect(tagOf(id)).toEqual(['Service'])
    for (const id of CLOUD_INIT_IDS) expect(tagOf(id)).toEqual(['CloudInit'])
    for (const id of WIREGUARD_IDS) expect(tagOf(id)).toEqual(['WireGuard'])
    for (const id of SEED_IDS) expect(tagOf(id)).toEqual(['SeedTokens'])
    for (const id of BOOT_STATUS_IDS) expect(tagOf(id)).toEqual(['BootStatus'])
    for (const info of KIND_LIST) for (const id of kindIds(info.kind, info.plural)) expect(tagOf(id)).toEqual([info.kind])
    expect(doc.paths['/health']?.get?.tags).toEqual(['Service'])
    expect(doc.paths['/metrics']?.get?.tags).toEqual(['Service'])
  })

  it('generates each kind Spec and Status from the same zod schemas RES-9 validates with', () => {
    const schemas = doc.components.schemas as Record<string, unknown>
    for (const info of KIND_LIST) {
      expect(schemas[`${info.kind}Spec`]).toEqual(z.toJSONSchema(info.specSchema, { target: 'openapi-3.0', io: 'input' }))
      expect(schemas[`${info.kind}Status`]).toEqual(z.toJSONSchema(info.statusSchema, { target: 'openapi-3.0', io: 'output' }))
    }
    expect(schemas.Metadata).toEqual(z.toJSONSchema(MetadataSchema, { target: 'openapi-3.0', io: 'output' }))
    for (const name of ['Metadata', 'ErrorResponse', 'DeleteResponse', 'WgInitRequest', 'WgInitResponse']) expect(schemas).toHaveProperty(name)
    expect(schemas.ErrorResponse).toMatchObject({ properties: { error: { type: 'string' }, code: { type: 'integer' } }, required: ['error', 'code'] })
    expect(schemas.DeleteResponse).toMatchObject({ required: ['message', 'uid'] })
    // RES-9 detail visible to clients: the field rules, and no type arrays (OpenAPI 3.0 has none).
    expect(schemas.ClusterDefaultsSpec).toMatchObject({
      required: ['base_url', 'cluster_name'],
      additionalProperties: false,
      properties: { nid_length: { type: 'integer', minimum: 0, maximum: 10 }, description: { maxLength: 200 } },
    })
    expect(JSON.stringify(doc)).not.toMatch(/"type":\[/)
  })

  it('documents the Group template fields and the status engine and warnings (SPEC §16)', () => {
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, Record<string, unknown>> }>
    const spec = schemas.GroupSpec!.properties
    expect(spec.templateEncoding).toMatchObject({ type: 'string', enum: ['plain', 'base64'], description: expect.stringMatching(/decoded on write/) })
    expect(spec.metaData).toMatchObject({ type: 'object', description: expect.stringMatching(/any JSON by key; at most 64 KiB as JSON and 16 levels deep/) })
    expect(spec.template).toMatchObject({ description: expect.stringMatching(/at most 256 KiB/) })
    const status = schemas.GroupStatus!.properties
    expect(status.engine).toMatchObject({ enum: ['none', 'jinja', 'mustache', 'pongo2'] })
    expect(status.warnings).toMatchObject({ type: 'array', items: { properties: { code: { type: 'string' }, message: { type: 'string' } } } })
  })

  it('documents PATCH with the three RES-6 content types, and the status sub-resource', () => {
    for (const info of KIND_LIST) {
      const item = doc.paths[`/${info.collection}/{uid}`]!
      expect(Object.keys((item.patch as Operation).requestBody!.content).sort()).toEqual([
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/shorthand-patch+json',
      ])
      expect(Object.keys(doc.paths[`/${info.collection}/{uid}/status`]!).sort()).toEqual(['patch', 'put'])
      expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'patch', 'put'])
    }
  })

  it('gives every operation a success response and every NoCloud document its content type', () => {
    for (const { op } of operations()) expect(Object.keys(op.responses).some((s) => s.startsWith('2'))).toBe(true)
    const okTypes = (path: string) => Object.keys((doc.paths[path]!.get!.responses as Record<string, { content: object }>)['200']!.content)
    expect(okTypes('/meta-data')).toEqual(['application/x-yaml'])
    expect(okTypes('/user-data')).toEqual(['text/cloud-config'])
    expect(okTypes('/vendor-data')).toEqual(['text/plain'])
    expect(okTypes('/network-config')).toEqual(['text/cloud-config'])
    expect(okTypes('/{group}.yaml')).toEqual(['text/cloud-config'])
  })
})

describe('OpenAPI examples (SPEC §14 quick start)', () => {
  it('are the F-CD, F-COMPUTE and F-GREEN fixtures and the NC-12, NC-13, AT-11, AT-15 goldens', () => {
    expect(examples.EXAMPLE_CLUSTER_DEFAULTS).toEqual(QUICKSTART_CLUSTER_DEFAULTS)
    expect(examples.EXAMPLE_GROUP_COMPUTE).toEqual(QUICKSTART_GROUP_COMPUTE)
    expect(examples.EXAMPLE_GROUP_GREEN).toEqual(QUICKSTART_GROUP_GREEN)
    expect(examples.EXAMPLE_META_DATA).toBe(GOLDEN_META_DATA)
    expect(examples.EXAMPLE_VENDOR_DATA).toBe(GOLDEN_VENDOR_DATA)
    expect(examples.EXAMPLE_COMPUTE_YAML).toBe(GOLDEN_COMPUTE_YAML)
    expect(examples.EXAMPLE_NETWORK_CONFIG).toBe(GOLDEN_NETWORK_CONFIG)
    expect(examples.EXAMPLE_USER_DATA).toBe('#cloud-config\n')
    expect(wireGuardPeerUid(examples.EXAMPLE_WG_INIT_REQUEST.public_key)).toBe(examples.EXAMPLE_WG_INIT_RESPONSE['peer-uid'])
  })

  it('every create example is accepted by the real resource API (201)', async () => {
    const h = await startHarness()
    for (const info of KIND_LIST) {
      const create = doc.paths[`/${info.collection}`]!.post as { requestBody: { content: { 'application/json': { examples: object } } } }
      const named = create.requestBody.content['application/json'].examples
      expect(named).toEqual(CREATE_EXAMPLES[info.kind])
      for (const { value } of Object.values(named) as { value: unknown }[]) {
        const res = await postJson(h, `/${info.collection}`, value)
        expect({ kind: info.kind, status: res.status, body: res.status === 201 ? '' : await res.text() }).toEqual({ kind: info.kind, status: 201, body: '' })
      }
    }
    expect(KINDS.Group.plural).toBe('Groups')
  })

  it('the /render example is accepted by the real route (200)', async () => {
    const h = await startHarness({ preview: true })
    expect((await postJson(h, '/groups', QUICKSTART_GROUP_COMPUTE)).status).toBe(201)
    const render = doc.paths['/render']!.post as { requestBody: { content: { 'application/json': { example: unknown } } } }
    const res = await postJson(h, '/render', render.requestBody.content['application/json'].example)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { proposed: { status: number } }).proposed.status).toBe(200)
  })
})
