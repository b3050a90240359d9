/**
 * BOOT (SPEC §16, docs/spec-addendum.md "Boot status"): the states of a node's boot record, in the order the API,
 * the metrics and the page list them. A node's state is derived from its record, first match wins:
 *
 * - `idle`: no boot recorded since the service started (or since the node appeared in the inventory);
 * - `failing`: its last request in this boot got an error answer (status 400 or above);
 * - `phoned-home`: it called `/phone-home` successfully in this boot;
 * - `configured`: its latest `meta-data`, `user-data` and `vendor-data` and every group document its vendor-data
 *   lists were answered 200 in this boot;
 * - `stuck`: none of the above, `stuck_after` seconds or more after the boot started;
 * - `booting`: none of the above.
 */
export const BOOT_STATES = ['idle', 'booting', 'configured', 'phoned-home', 'stuck', 'failing'] as const

/** One of {@link BOOT_STATES}. */
export type BootState = (typeof BOOT_STATES)[number]

/** The requests a boot record counts: the NoCloud documents and `/phone-home`. */
export type BootDocumentKind = 'meta-data' | 'user-data' | 'vendor-data' | 'network-config' | 'group' | 'phone-home'

/**
 * One finished request, as the HTTP layer hands it to the boot record: small, plain and structured-cloneable, so
 * a worker process can batch it to its primary (`--workers`).
 */
export interface BootObservation {
  /** The xname the request resolved to; `undefined` when none was (an unknown address, `user-data`, `/phone-home`). */
  readonly node: string | undefined
  /** The ID-1..ID-3 client address. */
  readonly client: string
  readonly document: BootDocumentKind
  /** The group of a `group` document (`compute` for `/compute.yaml`); ignored for the others. */
  readonly group: string | undefined
  /** The HTTP status answered. */
  readonly status: number
  /** When it was answered, Unix milliseconds. */
  readonly at: number
}

/** Where observations go: the record itself, or a worker's batching reporter to its primary's record. */
export interface BootStatusSink {
  /** Records one finished request. Called on the hot path: O(1), no I/O, never throws. */
  record(observation: BootObservation): void
}

/** The limits and timings of a boot record (BOOT). */
export interface BootStatusSettings {
  /**
   * A `meta-data` or `network-config` request starts a new boot when the node sent nothing for at least this long,
   * milliseconds. Default 60,000 (cloud-init's requests within one boot come seconds apart; a reboot of real
   * hardware takes minutes).
   */
  readonly quietPeriodMs: number
  /** A boot not configured (nor failing, nor phoned home) this long after it started is `stuck`, ms. Default 300,000. */
  readonly stuckAfterMs: number
  /** Unknown addresses kept; requests from further ones are only counted as dropped. Default 1,024. */
  readonly maxUnknownAddresses: number
}

/** The defaults of {@link BootStatusSettings}. */
export const DEFAULT_BOOT_STATUS_SETTINGS: BootStatusSettings = Object.freeze({
  quietPeriodMs: 60_000,
  stuckAfterMs: 300_000,
  maxUnknownAddresses: 1024,
})
