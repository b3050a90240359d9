// A fake SMD for the benchmark (SPEC SMD-4, SMD-5): plain node:http serving the four bulk sync payloads for N
// generated nodes, plus the IP live lookup. It counts every call, so the benchmark can check OPS-7's "no SMD call
// per request, ≤4 calls per sync". Run as a child process: `node bench/fake-smd.js --nodes 10000` prints
// `{"port":<p>}` on stdout once listening. `GET /__bench/stats` returns the counters.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { listenOnLoopback } from './listen.js'
import { benchNodes } from './nodes.js'

const BASE = '/hsm/v2'

/**
 * The four bulk payloads, serialised once (they are large at 100k nodes). Field sets follow what SMD sends,
 * extra fields included, so payload sizes and parse costs are realistic.
 * @param {import('./nodes.js').BenchNode[]} nodes
 * @returns {Record<string, Buffer>} keyed by path under /hsm/v2
 */
export function bulkPayloads(nodes) {
  const components = {
    Components: nodes.map((n) => ({
      ID: n.xname,
      Type: 'Node',
      State: 'Ready',
      Flag: 'OK',
      Enabled: true,
      Role: 'Compute',
      NID: n.nid,
      NetType: 'Sling',
      Arch: 'X86',
      Class: 'River',
    })),
  }
  const interfaces = nodes.flatMap((n) => [iface(n, n.hmnMac, 'Node Management Network', n.hmnIp, 'HMN'), iface(n, n.hsnMac, 'High Speed Network', n.hsnIp, 'HSN')])
  const memberships = nodes.map((n) => ({ id: n.xname, groupLabels: [...n.groups], partitionName: '' }))
  const endpoints = {
    ComponentEndpoints: nodes.map((n) => ({
      ID: n.xname,
      Type: 'Node',
      Domain: '',
      FQDN: `${n.xname}`,
      RedfishType: 'ComputerSystem',
      RedfishSubtype: 'Physical',
      MACAddr: n.hmnMac,
      UUID: '',
      OdataID: '/redfish/v1/Systems/Self',
      RedfishEndpointID: n.xname.replace(/n\d+$/, ''),
      Enabled: true,
      RedfishEndpointFQDN: n.xname.replace(/n\d+$/, ''),
      RedfishURL: `${n.xname.replace(/n\d+$/, '')}/redfish/v1/Systems/Self`,
      ComponentEndpointType: 'ComponentEndpointComputerSystem',
      RedfishSystemInfo: {
        Name: 'System Embedded.1',
        Actions: {},
        EthernetNICInfo: [nic(1, n.hmnMac, 'Node Management Network'), nic(2, n.hsnMac, 'High Speed Network')],
        PowerURL: '/redfish/v1/Chassis/Self/Power',
        PowerControl: [],
      },
    })),
  }
  const json = (value) => Buffer.from(JSON.stringify(value))
  return {
    '/State/Components': json(components),
    '/Inventory/EthernetInterfaces': json(interfaces),
    '/memberships': json(memberships),
    '/Inventory/ComponentEndpoints': json(endpoints),
  }
}

function iface(n, macAddress, description, ip, network) {
  return {
    ID: macAddress.replaceAll(':', ''),
    Description: description,
    MACAddress: macAddress,
    LastUpdate: '2025-01-01T00:00:00.000000Z',
    ComponentID: n.xname,
    Type: 'Node',
    IPAddresses: [{ IPAddress: ip, Network: network }],
  }
}

function nic(id, macAddress, description) {
  return {
    RedfishId: String(id),
    '@odata.id': `/redfish/v1/Systems/Self/EthernetInterfaces/${id}`,
    Description: description,
    FQDN: '',
    Hostname: '',
    InterfaceEnabled: true,
    MACAddress: macAddress,
    PermanentMACAddress: macAddress,
  }
}

/**
 * Starts the fake on 127.0.0.1 (port 0 = any).
 * @param {{ nodes: number, port?: number }} options
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function startFakeSmd(options) {
  const nodes = benchNodes(options.nodes)
  const payloads = bulkPayloads(nodes)
  const byIp = new Map(JSON.parse(payloads['/Inventory/EthernetInterfaces'].toString()).map((i) => [i.IPAddresses[0].IPAddress, i]))
  /** @type {Record<string, number>} path (without query) → calls */
  const calls = {}
  /** @type {{ path: string, start: number, end: number, bytes: number }[]} bulk calls, epoch ms */
  const bulk = []

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    if (url.pathname === '/__bench/stats') return send(res, 200, Buffer.from(JSON.stringify({ calls, bulk, nodes: nodes.length, payloadBytes: sizes(payloads) })))
    calls[url.pathname] = (calls[url.pathname] ?? 0) + 1
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname
    const ipFilter = url.searchParams.get('IPAddress')
    if (path === '/Inventory/EthernetInterfaces' && ipFilter !== null) {
      const hit = byIp.get(ipFilter)
      return send(res, 200, Buffer.from(JSON.stringify(hit ? [hit] : [])))
    }
    const body = url.search === '' ? payloads[path] : undefined
    if (body === undefined) return send(res, 404, Buffer.from(JSON.stringify({ type: 'about:blank', title: 'Not Found', detail: `no such path in the benchmark fake: ${path}`, status: 404 })))
    const start = Date.now()
    res.once('finish', () => bulk.push({ path, start, end: Date.now(), bytes: body.length }))
    send(res, 200, body)
  })
  return listenOnLoopback(server, options.port)
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'application/problem+json', 'content-length': body.length })
  res.end(body)
}

function sizes(payloads) {
  return Object.fromEntries(Object.entries(payloads).map(([k, v]) => [k, v.length]))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { nodes: { type: 'string', default: '10000' }, port: { type: 'string', default: '0' } } })
  const fake = await startFakeSmd({ nodes: Number(values.nodes), port: Number(values.port) })
  process.stdout.write(`${JSON.stringify({ port: fake.port })}\n`)
  process.on('SIGTERM', () => fake.close().then(() => process.exit(0)))
}
