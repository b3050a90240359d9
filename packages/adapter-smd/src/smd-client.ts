import type { Dispatcher } from 'undici'
import { addressKey, MetadataError, isMetadataError, silentLogger, type Logger, type TokenSource } from '@metadata-service/core'
import { COMPONENTS, ENDPOINTS, INTERFACES, MEMBERSHIPS, readBulkPayload, type BulkPayload, type PayloadSink } from './_bulk-read.js'
import { BodyTooLargeError, open, smdJson, smdStatusError, smdTransportError, type HttpResponse } from './_request.js'
import { createSnapshotBuilder, type SmdSnapshot, type SnapshotBuilder } from './snapshot.js'
import {
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type WireBulk,
  type WireComponent,
  type WireEndpoint,
  type WireInterface,
  type WireMembership,
} from './wire.js'

/** What runs a bulk sync: an {@link SmdClient}, or a child process running one (`createSyncProcess`). */
export interface SnapshotSource {
  /**
   * The four bulk calls, concurrently, each payload indexed into the snapshot while it arrives (SMD-7, SMD-9,
   * OPS-7): what `buildSnapshot(await bulk(), logger)` gives, without holding the payloads. Rejects with
   * INVENTORY_UNAVAILABLE or TOKEN_UNAVAILABLE. `served` is the snapshot the inventory serves: a source may resolve
   * with that very object when SMD's data builds a table equal to it byte for byte (issue 19: the sync process then
   * sends a digest instead of the table); others ignore it.
   */
  bulkSnapshot(logger: Logger, served?: SmdSnapshot): Promise<SmdSnapshot>
  /** Stops what the source runs (a child process); optional. */
  close?(): Promise<void>
}

/**
 * The SMD calls the inventory makes (SMD-4). Implemented over HTTP by {@link createSmdClient} and in memory by
 * the mock (SMD-15), so both run the same pipeline.
 */
export interface SmdClient extends SnapshotSource {
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
  /**
   * Largest response body read, in bytes (`smd_max_response_bytes`, SPEC §16): a larger one fails that call (and so
   * that sync, which keeps the last snapshot, SMD-7) with an error naming the limit and the setting. Applies to the
   * streamed bulk payloads and to every single lookup. Default {@link DEFAULT_SMD_MAX_RESPONSE_BYTES}.
   */
  readonly maxResponseBytes?: number
  /** Sent as `User-Agent: metadata-service/<version>`. */
  readonly userAgentVersion: string
  readonly logger?: Logger
}

/**
 * The default of `smd_max_response_bytes`: 256 MiB per response. Measured with the fake SMD's generator at 100,000
 * nodes (two interfaces each): the largest payload, ComponentEndpoints, is 68.5 MB and all four are 140.5 MB
 * together, so this leaves about 4× room for richer Redfish data, while a runaway body (400 MB in issue 16) fails.
 */
export const DEFAULT_SMD_MAX_RESPONSE_BYTES = 256 * 1024 * 1024

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
  const maxBodyBytes = options.maxResponseBytes ?? DEFAULT_SMD_MAX_RESPONSE_BYTES
  const userAgent = `metadata-service/${options.userAgentVersion}`

  /** A failure of the exchange as a MetadataError: the cap's own text, else a transport error (SMD-6). */
  const failure = (err: unknown, path: string) =>
    isMetadataError(err) ? err : err instanceof BodyTooLargeError ? smdTooLarge(path, err) : smdTransportError(err, path)

  const attempt = async (path: string, token: string | undefined): Promise<HttpResponse> => {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    try {
      return await open({ method: 'GET', url: baseUrl + path, headers, timeoutMs, dispatcher, maxBodyBytes })
    } catch (err) {
      throw failure(err, path)
    }
  }

  /** Reads a body with `read`; a failure while reading is a transport error (SMD-6) or the cap's. */
  const reading = async <T>(path: string, read: () => Promise<T>): Promise<T> => {
    try {
      return await read()
    } catch (err) {
      throw failure(err, path)
    }
  }

  /**
   * GET with the SMD-13 rule. Resolves the 2xx response still unread, or `undefined` for a 404 when
   * `absentOn404`; rejects with the SMD-6 error for any other status.
   */
  const respond = async (path: string, absentOn404: boolean): Promise<HttpResponse | undefined> => {
    let token = await tokenSource.token()
    let res = await attempt(path, token)
    if (res.status === 401) {
      if (tokenSource.mode === 'static') {
        logger.warn('SMD rejected the static token (401)', { path })
      } else {
        // One single-flight refresh and one retry; a second 401 fails the request (SMD-13).
        await reading(path, () => res.dump())
        token = await tokenSource.refreshAfterRejection(token)
        res = await attempt(path, token)
      }
    }
    const { status, contentType } = res
    if (status === 404 && absentOn404) {
      await reading(path, () => res.dump())
      return undefined
    }
    if (status < 200 || status > 299) {
      const text = await reading(path, () => res.text())
      throw smdStatusError({ status, contentType, text }, path)
    }
    return res
  }

  /** GET of a small payload, read whole; resolves `undefined` for a 404 when `absentOn404`. */
  const get = async (path: string, absentOn404 = false): Promise<unknown> => {
    const res = await respond(path, absentOn404)
    if (res === undefined) return undefined
    const text = await reading(path, () => res.text())
    return res.status === 204 ? null : smdJson(text, path)
  }

  /** GET of a bulk payload into `sink`, read in cuts as it arrives (OPS-7). */
  const stream = async <T>(payload: BulkPayload<T>, sink: PayloadSink<T>): Promise<void> => {
    const res = await respond(payload.path, false)
    if (res === undefined) return
    if (res.status === 204) {
      await reading(payload.path, () => res.dump())
      for (const record of payload.parse(null)) sink.add(record)
      return
    }
    await reading(payload.path, () => readBulkPayload(res.chunks(), payload, sink))
  }

  /** A sink into `list`. */
  const collect = <T>(list: T[]): PayloadSink<T> => ({ add: (r) => void list.push(r), reset: () => void list.splice(0) })
  /** A sink into one part of `builder`. */
  const feed = <T>(builder: SnapshotBuilder, payload: BulkPayload<T>, add: (r: T) => void): PayloadSink<T> => ({
    add,
    reset: () => builder.reset(payload.part),
  })

  const enc = encodeURIComponent
  return {
    baseUrl,
    async bulk() {
      const components: WireComponent[] = []
      const interfaces: WireInterface[] = []
      const memberships: WireMembership[] = []
      const endpoints: WireEndpoint[] = []
      await Promise.all([
        stream(COMPONENTS, collect(components)),
        stream(INTERFACES, collect(interfaces)),
        stream(MEMBERSHIPS, collect(memberships)),
        stream(ENDPOINTS, collect(endpoints)),
      ])
      return { components, interfaces, memberships, endpoints }
    },

    async bulkSnapshot(snapshotLogger) {
      const builder = createSnapshotBuilder(snapshotLogger)
      await Promise.all([
        stream(COMPONENTS, feed(builder, COMPONENTS, (c) => builder.component(c))),
        stream(INTERFACES, feed(builder, INTERFACES, (i) => builder.iface(i))),
        stream(MEMBERSHIPS, feed(builder, MEMBERSHIPS, (m) => builder.membership(m))),
        stream(ENDPOINTS, feed(builder, ENDPOINTS, (e) => builder.endpoint(e))),
      ])
      return builder.finishAsync()
    },

    async componentIdForIp(ip) {
      // `IPAddress` is the name real SMD filters on; it may still be ignored (older or fake servers return every
      // interface), so only an entry holding exactly this IP counts (SMD-6).
      const interfaces = parseInterfaces(await get(`/Inventory/EthernetInterfaces?IPAddress=${enc(ip)}`))
      const key = addressKey(ip)
      const owner = interfaces.find((i) => !!i.ComponentID && !!i.IPAddresses?.some((a) => !!a.IPAddress && addressKey(a.IPAddress) === key))
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

// --- internal ---

/** SPEC §16: an SMD body over `smd_max_response_bytes`, in words an operator can act on. */
function smdTooLarge(path: string, err: BodyTooLargeError): MetadataError {
  return new MetadataError(
    'INVENTORY_UNAVAILABLE',
    `smd request failed: response from ${path} exceeds smd_max_response_bytes (${err.limit} bytes); ` +
      'raise it (--smd-max-response-bytes, METADATA_SERVICE_SMD_MAX_RESPONSE_BYTES) if the inventory really is this large',
    { cause: err, details: { path } },
  )
}
