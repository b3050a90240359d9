import type { Dispatcher } from 'undici'
import { MetadataError, isMetadataError, silentLogger, type Logger, type TokenSource } from '@metadata-service/core'
import { send, smdJson, smdStatusError, smdTransportError, type HttpReply } from './_request.js'
import { ipKey } from './snapshot.js'
import {
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type WireBulk,
  type WireMembership,
} from './wire.js'

/**
 * The SMD calls the inventory makes (SMD-4). Implemented over HTTP by {@link createSmdClient} and in memory by
 * the mock (SMD-15), so both run the same pipeline.
 */
export interface SmdClient {
  /** The normalised base URL (SMD-2), for logs. */
  readonly baseUrl: string
  /** The four bulk calls, concurrently (SMD-7). Rejects with INVENTORY_UNAVAILABLE or TOKEN_UNAVAILABLE. */
  bulk(): Promise<WireBulk>
  /**
   * The xname of the component owning exactly `ip` (SMD-4 live lookup). Rejects with
   * `MetadataError('NODE_NOT_FOUND', 'no component found for IP <ip>')` when none does (SMD-6), else as `bulk`.
   */
  componentIdForIp(ip: string): Promise<string>
  /**
   * The four per-node calls for `xname`, or `undefined` when SMD does not know the component (404). Unreadable
   * memberships give `memberships: undefined` instead of a rejection (NC-17).
   */
  nodeRecords(xname: string): Promise<WireBulk | undefined>
}

/** Options of {@link createSmdClient}. */
export interface SmdClientOptions {
  /** `smd_url`; normalised by {@link normalizeSmdBaseUrl}. */
  readonly baseUrl: string
  /** Supplies the bearer token (TOK-2, TOK-6); consulted before every request. */
  readonly tokenSource: TokenSource
  /** undici dispatcher (tests, custom TLS); default the global one. */
  readonly dispatcher?: Dispatcher
  /** Per-request deadline in milliseconds (`smd_timeout`); default 10,000. */
  readonly timeoutMs?: number
  /** Sent as `User-Agent: metadata-service/<version>`. */
  readonly userAgentVersion: string
  readonly logger?: Logger
}

/**
 * SMD-2: trims trailing `/` and appends `/hsm/v2` unless the URL already contains it.
 * `http://smd:27779` → `http://smd:27779/hsm/v2`; `https://gw/apis/smd/hsm/v2/` → `https://gw/apis/smd/hsm/v2`.
 */
export function normalizeSmdBaseUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '')
  return trimmed.includes('/hsm/v2') ? trimmed : `${trimmed}/hsm/v2`
}

/** The SMD client on the real wire contract (SMD-3..SMD-6, SMD-13). */
export function createSmdClient(options: SmdClientOptions): SmdClient {
  const baseUrl = normalizeSmdBaseUrl(options.baseUrl)
  const logger = options.logger ?? silentLogger
  const { tokenSource, dispatcher } = options
  const timeoutMs = options.timeoutMs ?? 10_000
  const userAgent = `metadata-service/${options.userAgentVersion}`

  const attempt = async (path: string, token: string | undefined): Promise<HttpReply> => {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    try {
      return await send({ method: 'GET', url: baseUrl + path, headers, timeoutMs, dispatcher })
    } catch (err) {
      throw smdTransportError(err, path)
    }
  }

  /** GET with the SMD-13 rule; resolves `undefined` for a 404 when `absentOn404`. */
  const get = async (path: string, absentOn404 = false): Promise<unknown> => {
    let token = await tokenSource.token()
    let reply = await attempt(path, token)
    if (reply.status === 401) {
      if (tokenSource.mode === 'static') {
        logger.warn('SMD rejected the static token (401)', { path })
      } else {
        // One single-flight refresh and one retry; a second 401 fails the request (SMD-13).
        token = await tokenSource.refreshAfterRejection(token)
        reply = await attempt(path, token)
      }
    }
    if (reply.status === 404 && absentOn404) return undefined
    if (reply.status < 200 || reply.status > 299) throw smdStatusError(reply, path)
    return reply.status === 204 ? null : smdJson(reply, path)
  }

  const enc = encodeURIComponent
  return {
    baseUrl,
    async bulk() {
      const [components, interfaces, memberships, endpoints] = await Promise.all([
        get('/State/Components').then(parseComponents),
        get('/Inventory/EthernetInterfaces').then(parseInterfaces),
        get('/memberships').then(parseMemberships),
        get('/Inventory/ComponentEndpoints').then(parseEndpoints),
      ])
      return { components, interfaces, memberships, endpoints }
    },

    async componentIdForIp(ip) {
      // `IPAddress` is the name real SMD filters on; it may still be ignored (older or fake servers return every
      // interface), so only an entry holding exactly this IP counts (SMD-6).
      const interfaces = parseInterfaces(await get(`/Inventory/EthernetInterfaces?IPAddress=${enc(ip)}`))
      const key = ipKey(ip)
      const owner = interfaces.find((i) => !!i.ComponentID && !!i.IPAddresses?.some((a) => !!a.IPAddress && ipKey(a.IPAddress) === key))
      if (owner === undefined) throw new MetadataError('NODE_NOT_FOUND', `no component found for IP ${ip}`)
      return owner.ComponentID as string
    },

    async nodeRecords(xname) {
      const x = enc(xname)
      const [component, interfaces, memberships, endpoints] = await Promise.all([
        get(`/State/Components/${x}`, true),
        get(`/Inventory/EthernetInterfaces?ComponentID=${x}`).then(parseInterfaces),
        get(`/memberships/${x}`, true).then(
          (m) => (m === undefined ? [] : parseMemberships(m)),
          (err: unknown): WireMembership[] | undefined => {
            if (isMetadataError(err, 'TOKEN_UNAVAILABLE')) throw err
            logger.warn('SMD memberships unreadable; serving the node without groups', { xname, error: (err as Error).message })
            return undefined
          },
        ),
        get(`/Inventory/ComponentEndpoints/${x}`, true).then((e) => (e === undefined ? [] : parseEndpoints(e))),
      ])
      if (component === undefined) return undefined
      const components = parseComponents(component).filter((c) => c.ID === xname)
      if (components.length === 0) return undefined
      return {
        components,
        interfaces: interfaces.filter((i) => i.ComponentID === xname),
        memberships: memberships?.filter((m) => m.id === xname),
        endpoints: endpoints.filter((e) => e.ID === xname),
      }
    },
  }
}
