import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createFixedClock, createMemoryStore, createSequenceRandom } from '@metadata-service/core/testing'
import {
  KIND_NAMES,
  KINDS,
  MetadataError,
  createResourceService,
  type KindName,
  type PatchFormat,
} from '@metadata-service/core'

/** The codes a client mistake may produce (all 4xx); anything else thrown is a bug. */
const CLIENT_CODES = ['VALIDATION_FAILED', 'INVALID_BODY', 'PATCH_FAILED', 'UNSUPPORTED_VERSION', 'CONFLICT']

const VALID_SPECS: Record<KindName, object> = {
  ClusterDefaults: { base_url: 'http://example.com', cluster_name: 'c' },
  Group: { template: '#cloud-config\nh: {{ hostname }}\n', metaData: { color: 'green' } },
  InstanceInfo: { instance_id: 'i-1' },
  WireGuardPeer: { public_key: 'mI0Rk6OwjM5VVRmHkvZFhJUBgNLELpJhQZOiCTvKuWs=', allowed_ip: '100.97.0.2/32' },
}

/** Strings that look like Mustache templates, so Group validation sees parse, name and YAML failures. */
const templateText = fc.string({
  unit: fc.constantFrom(
    ...['{{', '}}', '{{#', '{{/', '{{^', '{{>', '{{&', '{{{', '}}}', 'hostname', 'ds.', 'x', '.', ' ', '\n'],
    ...[':', '- ', '[', '"', '#cloud-config\n'],
  ),
  maxLength: 12,
})

/** Field names of every kind plus a stranger, so bodies hit known fields with wrong and right values. */
const fieldName = fc.constantFrom(
  ...new Set(KIND_NAMES.flatMap((k) => Object.keys(VALID_SPECS[k]))),
  'description',
  'nid_length',
  'public_keys',
  'cloud_init_base_url',
  'foo',
  '__proto__',
)
const fieldValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), templateText, fc.constantFrom('', 'http://x.example', 11, 4))
const specLike = fc.oneof(fc.dictionary(fieldName, fieldValue, { maxKeys: 5 }), fc.jsonValue({ maxDepth: 2 }))

/** A kind's valid spec with up to two members overridden, removed (null) or added. */
const nearlyValidSpec = (kind: KindName) =>
  fc
    .dictionary(fieldName, fc.oneof(fieldValue, fc.constant(null)), { maxKeys: 2 })
    .map((changes) => {
      const spec: Record<string, unknown> = { ...VALID_SPECS[kind] }
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) delete spec[key]
        else Object.defineProperty(spec, key, { value, enumerable: true, writable: true, configurable: true })
      }
      return spec
    })

const metadataLike = fc.record(
  {
    name: fc.oneof(fc.constantFrom('taken', '', 'a b'), fc.stringMatching(/^[a-z0-9]{1,8}$/)),
    labels: fc.dictionary(fc.string(), fc.string()),
  },
  { requiredKeys: ['name'] },
)

const bodyFor = (kind: KindName) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        apiVersion: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('v1', 'cloud-init.openchami.io/v1') },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
        ),
        kind: fc.oneof(
          { weight: 4, arbitrary: fc.constant(kind) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
        ),
        metadata: fc.oneof(
          { weight: 4, arbitrary: metadataLike },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        ),
        labels: fc.oneof(
          { weight: 4, arbitrary: fc.dictionary(fc.string(), fc.string()) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        ),
        spec: fc.oneof({ weight: 3, arbitrary: nearlyValidSpec(kind) }, { weight: 1, arbitrary: specLike }),
      },
      { requiredKeys: ['metadata'] },
    ),
  )

const kindArb = fc.constantFrom(...KIND_NAMES)
const kindAndBody = kindArb.chain((kind) => fc.tuple(fc.constant(kind), bodyFor(kind)))

const patchLike = fc.oneof(
  specLike,
  fc.dictionary(
    fc.constantFrom('description', 'template', 'metaData', 'region', 'hostname'),
    fc.oneof(templateText, fc.constant(null)),
  ),
  fc.array(
    fc.record(
      {
        op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'nope'),
        path: fc.constantFrom('', '/', '/template', '/metaData', '/metaData/color', '/foo', '/public_keys/-', 'x'),
        from: fc.constantFrom('/template', '/metaData', '/description', '/metaData/color'),
        value: fieldValue,
      },
      { requiredKeys: ['op'] },
    ),
    { maxLength: 4 },
  ),
  fc.dictionary(fc.constantFrom('metaData.color', 'template', 'description', 'a..b', 'template.x', 'foo'), fieldValue),
)

/** Asserts `err` is a client-class MetadataError. */
function expectClientError(err: unknown): void {
  expect(err).toBeInstanceOf(MetadataError)
  expect(CLIENT_CODES).toContain((err as MetadataError).code)
}

async function seeded(kind: KindName) {
  const store = createMemoryStore()
  const service = createResourceService({ store, clock: createFixedClock(), random: createSequenceRandom() })
  const existing = await service.create(kind, { metadata: { name: 'taken' }, spec: VALID_SPECS[kind] })
  return { store, service, uid: existing.metadata.uid }
}

describe('ResourceService with arbitrary JSON (property)', () => {
  it('create either stores a valid resource or throws a 4xx MetadataError and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(kindAndBody, async ([kind, body]) => {
        const { store, service } = await seeded(kind)
        const before = store.generation()
        try {
          const created = await service.create(kind, body)
          expect(store.generation()).toBe(before + 1)
          expect(KINDS[kind].specSchema.safeParse(created.spec).success).toBe(true)
          expect(KINDS[kind].statusSchema.safeParse(created.status).success).toBe(true)
        } catch (err) {
          expectClientError(err)
          expect(store.generation()).toBe(before)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('patch either stores a valid spec or throws a 4xx MetadataError and stores nothing', async () => {
    const formats: PatchFormat[] = ['merge', 'json-patch', 'shorthand']
    await fc.assert(
      fc.asyncProperty(kindArb, fc.constantFrom(...formats), patchLike, async (kind, format, patch) => {
        const { store, service, uid } = await seeded(kind)
        const before = store.generation()
        try {
          const patched = await service.patch(kind, uid, patch, format)
          expect(patched.metadata.resourceVersion).toBe('2')
          expect(KINDS[kind].specSchema.safeParse(patched.spec).success).toBe(true)
        } catch (err) {
          expectClientError(err)
          expect(store.generation()).toBe(before)
        }
      }),
      { numRuns: 200 },
    )
  })
})
