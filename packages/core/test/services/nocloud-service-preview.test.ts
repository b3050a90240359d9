import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { MOCK_N0, MOCK_N1, MOCK_NODE_FIXTURES } from '../../src/testing/fixtures.js'
import { GOLDEN_COMPUTE_YAML, GOLDEN_GREEN_YAML, GOLDEN_META_DATA, GOLDEN_NETWORK_CONFIG, GOLDEN_VENDOR_DATA } from '../../src/testing/goldens.js'
import { REQUEST, rejection, setup } from './_nocloud-service.test-setup.js'

// Render preview (SEC-6 admin `POST /render`): what a node would receive, built by the routes' own builders.

const COMPUTE_V2 = '#cloud-config\nhostname: {{ hostname }}\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE={{ role }}\n      SCHED={{ scheduler }}\n'

describe('NoCloud render preview', () => {
  it('shows every document of n0 with the exact bytes the routes answer (NC-12, AT-7, AT-11, AT-15)', async () => {
    const { service, node } = setup()
    const preview = await service.preview({ node: MOCK_N0, request: REQUEST })
    expect(preview.node).toBe(MOCK_N0)
    // NC-12 is compared parsed elsewhere; here the bytes must be the route's own.
    const routeMetaData = (await service.metaData(await node(), REQUEST)).body
    expect(parse(routeMetaData)).toEqual(parse(GOLDEN_META_DATA))
    expect(preview.documents.map((d) => [d.path, d.document?.body, d.document?.contentType])).toEqual([
      ['/meta-data', routeMetaData, 'application/x-yaml'],
      ['/user-data', '#cloud-config\n', 'text/cloud-config'],
      ['/vendor-data', GOLDEN_VENDOR_DATA, 'text/plain'],
      ['/network-config', GOLDEN_NETWORK_CONFIG, 'text/cloud-config'],
      ['/compute.yaml', GOLDEN_COMPUTE_YAML, 'text/cloud-config'],
      ['/green.yaml', GOLDEN_GREEN_YAML, 'text/cloud-config'],
    ])
    expect(preview.proposed).toBeUndefined()
  })

  it('with a group shows only that document; a member group without a stored Group is #cloud-config (AT-13)', async () => {
    const { service } = setup()
    expect((await service.preview({ node: MOCK_N0, group: 'compute', request: REQUEST })).documents).toEqual([
      { path: '/compute.yaml', document: { body: GOLDEN_COMPUTE_YAML, contentType: 'text/cloud-config' } },
    ])
    expect((await service.preview({ node: MOCK_N1, group: 'blue', request: REQUEST })).documents[0]?.document?.body).toBe('#cloud-config\n')
  })

  it('reports NC-16 failures per document, as the node would get them (AT-12)', async () => {
    const { service } = setup()
    const preview = await service.preview({ node: MOCK_N0, group: 'storage', request: REQUEST })
    expect(preview.documents).toEqual([
      { path: '/storage.yaml', error: { code: 'NOT_A_MEMBER', message: `node ${MOCK_N0} is not a member of group storage` } },
    ])
  })

  it('with a template: the proposed render and a unified diff from today, storing nothing', async () => {
    const { service, store } = setup()
    const generation = store.generation()
    const preview = await service.preview({ node: MOCK_N0, group: 'compute', template: COMPUTE_V2, request: REQUEST })
    expect(preview.documents[0]?.document?.body).toBe(GOLDEN_COMPUTE_YAML)
    expect(preview.proposed?.document?.body).toBe(
      '#cloud-config\nhostname: tc1000\nwrite_files:\n  - path: /etc/node-role\n    content: |\n      ROLE=compute\n      SCHED=slurm\n',
    )
    expect(preview.proposed?.diff).toBe(
      [
        '--- compute.yaml (stored template)',
        '+++ compute.yaml (proposed template)',
        '@@ -4,5 +4,4 @@',
        '   - path: /etc/node-role',
        '     content: |',
        '       ROLE=compute',
        '-      NID=1000',
        '-      IP=10.252.0.26',
        '+      SCHED=slurm',
        '',
      ].join('\n'),
    )
    expect(store.generation()).toBe(generation)
    // The unchanged template diffs to nothing.
    const same = await service.preview({ node: MOCK_N0, group: 'compute', template: (await store.list('Group'))[0]!.spec.template as string, request: REQUEST })
    expect(same.proposed?.diff).toBe('')
  })

  it('validates the template first with the TPL-4 texts, against the stored metaData (TPL-5)', async () => {
    const { service } = setup()
    const missing = await rejection(service.preview({ node: 'x9999c0s0b0n0', group: 'compute', template: '{{ missing_value }}\n', request: REQUEST }))
    expect([missing.code, missing.message]).toEqual(['VALIDATION_FAILED', 'validation failed: missing required variables: [missing_value]'])
    const partial = await rejection(service.preview({ node: MOCK_N0, group: 'compute', template: '{{> p}}', request: REQUEST }))
    expect(partial.message).toBe('validation failed: template uses unsupported partial: p')
    const noGroup = await rejection(service.preview({ node: MOCK_N0, template: 'x: 1\n', request: REQUEST }))
    expect(noGroup.message).toBe('validation failed: template requires group')
  })

  it('an unknown node is NODE_NOT_FOUND naming it', async () => {
    const { service } = setup()
    const err = await rejection(service.preview({ node: 'x9999c0s0b0n0', request: REQUEST }))
    expect([err.code, err.message]).toEqual(['NODE_NOT_FOUND', 'node x9999c0s0b0n0 not found'])
  })

  it('shows the NC-17 minimal bodies without counting them as degraded answers', async () => {
    const { service } = setup({ nodes: [{ ...MOCK_NODE_FIXTURES[0]!, groups: undefined }] })
    const preview = await service.preview({ node: MOCK_N0, request: REQUEST })
    expect(preview.documents.find((d) => d.path === '/vendor-data')?.document?.body).toBe('#include\n')
    expect(preview.documents.map((d) => d.path)).toEqual(['/meta-data', '/user-data', '/vendor-data', '/network-config'])
    expect(service.stats().degraded).toEqual({ 'vendor-data': 0, 'network-config': 0 })
    expect(service.stats().builds).toEqual({ metaData: 0, vendorData: 0, networkConfig: 0, group: 0 })
  })
})

describe('NoCloud stats: cache hits (SVC-4 render cache)', () => {
  it('counts a build on the first answer and a hit on the repeat, per document', async () => {
    const { service, node } = setup()
    const n0 = await node()
    for (let i = 0; i < 2; i++) {
      await service.metaData(n0, REQUEST)
      await service.vendorData(n0, REQUEST)
      await service.networkConfig(n0)
      await service.groupDocument(n0, 'compute', REQUEST)
    }
    expect(service.stats().builds).toEqual({ metaData: 1, vendorData: 1, networkConfig: 1, group: 1 })
    expect(service.stats().hits).toEqual({ metaData: 1, vendorData: 1, networkConfig: 1, group: 1 })
  })
})
