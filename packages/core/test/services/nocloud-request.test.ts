import { describe, expect, it } from 'vitest'
import { MOCK_N0 } from '../../src/testing/fixtures.js'
import { answerNoCloudRequest, type NoCloudRequest } from '../../src/services/nocloud-request.js'
import type { NoCloudService } from '../../src/services/nocloud-api.js'
import { DEFAULT_SETUP, rejection, setup } from './_nocloud-service.test-setup.js'

function request(fields: Partial<NoCloudRequest> & Pick<NoCloudRequest, 'document'>): NoCloudRequest {
  return { group: '', client: '10.252.0.26', peerTrusted: false, headers: { host: 'localhost:8888' }, reqId: 'req-1', ...fields }
}

describe('answerNoCloudRequest (SPEC §2, issue 18)', () => {
  it('answers user-data without resolving a node, even for an unknown client (NC-2, AT-6)', async () => {
    const { service } = setup()
    const resolved: string[] = []
    const counting: NoCloudService = { ...service, resolveNode: (address) => (resolved.push(address), service.resolveNode(address)) }
    const r = request({ document: 'user-data', client: '192.168.99.99' })
    expect(await answerNoCloudRequest(counting, r)).toEqual({ body: '#cloud-config\n', contentType: 'text/cloud-config' })
    expect(resolved).toEqual([])
    expect(r.node).toBeUndefined()
  })

  it('resolves the client and names its node on the request, also when the answer is an error (OPS-5)', async () => {
    const { service } = setup()
    const ok = request({ document: 'meta-data' })
    expect((await answerNoCloudRequest(service, ok)).contentType).toBe('application/x-yaml')
    expect(ok.node).toBe(MOCK_N0)
    const notMember = request({ document: 'group', group: 'rack 1' })
    const err = await rejection(answerNoCloudRequest(service, notMember))
    expect([err.code, err.message]).toEqual(['NOT_A_MEMBER', `node ${MOCK_N0} is not a member of group rack 1`])
    expect(notMember.node).toBe(MOCK_N0)
  })

  it('rejects an unknown client with NODE_NOT_FOUND and an outage with INVENTORY_UNAVAILABLE (ID-4)', async () => {
    const { service, inventory } = setup()
    const unknown = request({ document: 'network-config', client: '192.168.99.99' })
    expect((await rejection(answerNoCloudRequest(service, unknown))).code).toBe('NODE_NOT_FOUND')
    expect(unknown.node).toBeUndefined()
    inventory.failNext('INVENTORY_UNAVAILABLE')
    expect((await rejection(answerNoCloudRequest(service, request({ document: 'vendor-data' })))).code).toBe('INVENTORY_UNAVAILABLE')
  })

  it('builds the NC-14 base from X-Forwarded-Host/Proto of a trusted peer only, else from Host', async () => {
    // Without ClusterDefaults and public_url, vendor-data's base comes from the request (NC-14 step 4).
    const { service } = setup({ resources: DEFAULT_SETUP.filter((r) => r.kind !== 'ClusterDefaults') })
    const headers = { host: 'internal:8080', 'x-forwarded-host': 'ci.example:8443', 'x-forwarded-proto': 'https' }
    const trusted = await answerNoCloudRequest(service, request({ document: 'vendor-data', peerTrusted: true, headers }))
    expect(trusted.body).toBe('#include\nhttps://ci.example:8443/compute.yaml\nhttps://ci.example:8443/green.yaml\n')
    const untrusted = await answerNoCloudRequest(service, request({ document: 'vendor-data', peerTrusted: false, headers }))
    expect(untrusted.body).toBe('#include\nhttp://internal:8080/compute.yaml\nhttp://internal:8080/green.yaml\n')
  })

  it('puts the request id on the NC-17 degraded line it causes', async () => {
    const { service, logger, inventory } = setup()
    const node = await service.resolveNode('10.252.0.26')
    inventory.setNodes([{ ...node, groups: undefined }])
    expect((await answerNoCloudRequest(service, request({ document: 'vendor-data', reqId: 'deg-1' }))).body).toBe('#include\n')
    expect(logger.entries.find((e) => e.message === 'degraded response')?.fields).toMatchObject({ reqId: 'deg-1', route: 'vendor-data', node: MOCK_N0 })
  })
})
