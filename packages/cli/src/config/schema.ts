import { DEFAULT_SMD_MAX_RESPONSE_BYTES } from '@metadata-service/adapter-smd'
import { DEFAULT_MAX_CACHED_DOCUMENTS, DEFAULT_MAX_DOCUMENT_BYTES, SEED_TOKEN_MODES, isHttpUrl, isMetadataError, parseCidr, parseDurationSeconds } from '@metadata-service/core'
import { z } from 'zod'

/** How a configuration key is named outside YAML files (CFG-2), and whether it is a secret (SEC-4). */
export interface KeyInfo {
  /** One line for `serve --help`. */
  readonly description: string
  /** Bare environment names read after `METADATA_SERVICE_<KEY>` (CFG-2), in order. */
  readonly env?: readonly string[]
  /** Other accepted key names (flag, prefixed env and file key), e.g. `tokensmith_bootstrap_policy_scopes_hint`. */
  readonly aliases?: readonly string[]
  /** Single-letter flag, e.g. `p` for `port`. */
  readonly short?: string
  /** `smd_jwt` and `smd_token` have no flag (CFG-2): secrets in argv show up in `ps`. */
  readonly noFlag?: boolean
  /** Shown as `***` in every dump and log (SEC-4). */
  readonly secret?: boolean
}

/** The naming facts of each key, attached to its schema below. */
export const keyInfo = z.registry<KeyInfo>()

// --- value parsers: flags and env give strings, YAML gives typed scalars; all end up the same (CFG-4) ---

const scalarToString = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v)
const show = (v: unknown) => JSON.stringify(v) ?? String(v)

const str = () => z.preprocess(scalarToString, z.string({ error: (i) => `must be a string, got ${show(i.input)}` }))

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false, yes: true, no: false }
/** Booleans: true/false/1/0/yes/no, any case (CFG-4). */
const bool = () =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (BOOLEAN_WORDS[v.trim().toLowerCase()] ?? v) : v === 1 ? true : v === 0 ? false : v),
    z.boolean({ error: (i) => `must be a boolean (true/false/1/0/yes/no), got ${show(i.input)}` }),
  )

const toNumber = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v)
/** An integer in [min, max]. */
const int = (min: number, max: number) =>
  z.preprocess(
    toNumber,
    z
      .number({ error: (i) => `must be an integer, got ${show(i.input)}` })
      .int({ error: (i) => `must be an integer, got ${show(i.input)}` })
      .refine((n) => n >= min && n <= max, { error: (i) => `must be between ${min} and ${max}, got ${show(i.input)}` }),
  )
/**
 * A duration in seconds; fractions allowed, and Go durations as the Go service's files and flags held them (`30s`,
 * `1m30s`, `500ms`). `min` is the smallest accepted value.
 */
const seconds = (min = 0) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (parseDurationSeconds(v) ?? v) : v),
    z
      .number({ error: (i) => `must be a number of seconds or a duration such as 30s or 1m, got ${show(i.input)}` })
      .refine((n) => Number.isFinite(n) && n >= min, { error: (i) => `must be at least ${min} seconds, got ${show(i.input)}` }),
  )
/** Comma-separated in flags and env, a list or a string in YAML; items trimmed, empty ones dropped (CFG-4, TOK-10). */
const list = () =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v.split(',').map((s) => s.trim()).filter((s) => s !== '')
        : Array.isArray(v)
          ? v.map((s) => scalarToString(s)).map((s) => (typeof s === 'string' ? s.trim() : s)).filter((s) => s !== '')
          : v,
    z.array(z.string({ error: (i) => `list items must be strings, got ${show(i.input)}` }), {
      error: (i) => `must be a comma-separated list, got ${show(i.input)}`,
    }),
  )
/** A list of CIDR blocks (ID-2, SEC-6); each item must parse with core's `parseCidr`. */
const cidrList = () =>
  list().superRefine((items, ctx) => {
    for (const item of items) {
      try {
        parseCidr(item)
      } catch (err) {
        if (!isMetadataError(err)) throw err
        ctx.addIssue({ code: 'custom', message: err.message })
      }
    }
  })
/** `""` or an absolute http(s) URL, judged on the exact string (core's isHttpUrl: `public_url` lands in vendor-data). */
const url = () =>
  str().refine((s) => s === '' || isHttpUrl(s), {
    error: (i) => `must be an absolute http or https URL, got ${show(i.input)}`,
  })
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(values, { error: (i) => `must be one of ${values.join(', ')}, got ${show(i.input)}` }),
  )

const LOOPBACK = ['127.0.0.0/8', '::1/128']

/**
 * Every configuration key of SPEC CFG-4 with its default (durations in seconds). Keys are the YAML names; flags are
 * `--` + key with `_`→`-`, env names `METADATA_SERVICE_<KEY>` plus the bare names in {@link KeyInfo.env}.
 */
export const ConfigSchema = z.object({
  port: int(0, 65535).default(8080).register(keyInfo, { description: 'TCP port to listen on (0 = any free port)', short: 'p' }),
  host: str().default('0.0.0.0').register(keyInfo, { description: 'Address to listen on' }),
  // §16 CFG data_dir: /data, as the Go service (npm start and the README pass ./data).
  data_dir: str()
    .refine((s) => s.trim() !== '', { error: 'must not be empty' })
    .default('/data')
    .register(keyInfo, { description: 'Directory holding the resources and the lock file' }),
  // Several replicas share one PostgreSQL database; data_dir then only keeps the WireGuard server key.
  store: oneOf(['file', 'postgres']).default('file').register(keyInfo, { description: 'Resource store: file (data_dir) or postgres (database_url)' }),
  database_url: str()
    .default('')
    .register(keyInfo, { description: 'postgres://user:password@host:port/db; required with store postgres', secret: true }),
  public_url: url().default('').register(keyInfo, { description: 'Base URL used in vendor-data when no resource sets one (NC-14)' }),
  trusted_proxies: cidrList()
    .default(LOOPBACK)
    .register(keyInfo, { description: 'CIDRs whose forwarding headers are believed (ID-2); empty trusts nobody' }),
  request_timeout: seconds().default(10).register(keyInfo, { description: 'Seconds before an unanswered request gets 503 (OPS-2)' }),
  max_inflight: int(0, 1_000_000).default(1024).register(keyInfo, { description: 'Concurrent requests before 503 (OPS-3); 0 = off' }),
  // Bytes (UTF-8) of one rendered group document; over it, that node's /{group}.yaml answers 500 (SPEC §16).
  max_document_bytes: int(1_024, 64 * 1024 * 1024)
    .default(DEFAULT_MAX_DOCUMENT_BYTES)
    .register(keyInfo, { description: 'Largest rendered group document in bytes; larger answers 500 (default 1 MiB)' }),
  // OPS-7: four or five documents per node; each costs its bytes plus ~0.2 KB of entry in memory (issue 19).
  max_cached_documents: int(1, 100_000_000)
    .default(DEFAULT_MAX_CACHED_DOCUMENTS)
    .register(keyInfo, { description: 'Rendered documents kept in memory; above 5 per node a storm renders nothing (default 200000)' }),
  shutdown_timeout: seconds().default(30).register(keyInfo, { description: 'Seconds to drain requests on SIGINT/SIGTERM (OPS-4)' }),
  // The Go service's three http.Server timeouts, mapped onto node:http's (docs/spec-addendum.md, "Drop-in").
  read_timeout: seconds()
    .default(15)
    .register(keyInfo, { description: 'Seconds for a request\'s headers and body to arrive; 0 = no limit' }),
  write_timeout: seconds()
    .default(15)
    .register(keyInfo, { description: 'Seconds a connection with a request under way may stall before it is dropped; 0 = no limit' }),
  idle_timeout: seconds().default(60).register(keyInfo, { description: 'Seconds an idle keep-alive connection stays open' }),
  log_level: oneOf(['debug', 'info', 'warn', 'error']).default('info').register(keyInfo, { description: 'debug, info, warn or error' }),
  log_format: oneOf(['json', 'pretty']).default('json').register(keyInfo, { description: 'json (one object per line) or pretty' }),
  debug: bool().default(false).register(keyInfo, { description: 'Same as --log-level debug' }),
  mock_smd: bool().default(false).register(keyInfo, { description: 'Serve the built-in mock inventory instead of SMD (SMD-15)' }),
  smd_url: url().default('').register(keyInfo, { description: 'SMD base URL (SMD-2); required unless --mock-smd', env: ['SMD_URL'] }),
  smd_jwt: str().default('').register(keyInfo, { description: 'Static SMD bearer token', env: ['SMD_JWT'], noFlag: true, secret: true }),
  smd_token: str().default('').register(keyInfo, { description: 'Static SMD token, used when smd_jwt is empty', env: ['SMD_TOKEN'], noFlag: true, secret: true }),
  smd_timeout: seconds().default(10).register(keyInfo, { description: 'Seconds per SMD request (SMD-3)' }),
  smd_negative_cache_ttl: seconds().default(30).register(keyInfo, { description: 'Seconds an unknown IP is remembered (SMD-12)' }),
  smd_sync_enabled: bool().default(true).register(keyInfo, { description: 'Keep an SMD snapshot in memory (SMD-7, SMD-10)', env: ['SMD_SYNC_ENABLED'] }),
  // ≤0 means 60 (SMD-8), so any number is accepted here.
  smd_sync_interval: seconds(Number.NEGATIVE_INFINITY)
    .default(60)
    .register(keyInfo, { description: 'Seconds between SMD syncs (SMD-8)', env: ['SMD_SYNC_INTERVAL'] }),
  // SPEC §16: SMD bodies are capped; the default (256 MiB per response) fits 100,000 nodes with room to spare.
  smd_max_response_bytes: int(1024, Number.MAX_SAFE_INTEGER)
    .default(DEFAULT_SMD_MAX_RESPONSE_BYTES)
    .register(keyInfo, { description: 'Largest SMD response body accepted, in bytes; a larger one fails that sync or lookup' }),
  tokensmith_url: url().default('').register(keyInfo, { description: 'TokenSmith URL; enables dynamic SMD auth (TOK-1)', env: ['TOKENSMITH_URL'] }),
  tokensmith_bootstrap_token: str()
    .default('')
    .register(keyInfo, { description: 'One-time TokenSmith bootstrap token (TOK-4)', env: ['TOKENSMITH_BOOTSTRAP_TOKEN'], secret: true }),
  tokensmith_service_identity_cert: str()
    .default('')
    .register(keyInfo, { description: 'Client certificate file for TokenSmith mTLS (TOK-3)', env: ['TOKENSMITH_SERVICE_IDENTITY_CERT'] }),
  tokensmith_service_identity_key: str()
    .default('')
    .register(keyInfo, { description: 'Client key file for TokenSmith mTLS (TOK-3)', env: ['TOKENSMITH_SERVICE_IDENTITY_KEY'] }),
  tokensmith_service_identity_ca: str()
    .default('')
    .register(keyInfo, { description: 'CA file for TokenSmith mTLS; system roots when empty', env: ['TOKENSMITH_SERVICE_IDENTITY_CA'] }),
  tokensmith_target_service: str()
    .default('smd')
    .register(keyInfo, { description: 'Target service hint sent to TokenSmith (TOK-10)', env: ['TOKENSMITH_TARGET_SERVICE'] }),
  tokensmith_scopes: list()
    .default([])
    .register(keyInfo, {
      description: 'Comma-separated scope hints sent to TokenSmith (TOK-10)',
      env: ['TOKENSMITH_SCOPES', 'TOKENSMITH_BOOTSTRAP_POLICY_SCOPES_HINT'],
      aliases: ['tokensmith_bootstrap_policy_scopes_hint'],
    }),
  tokensmith_refresh_skew_sec: int(0, 86_400)
    .default(300)
    .register(keyInfo, { description: 'Seconds before expiry to refresh the SMD token (TOK-6)', env: ['TOKENSMITH_REFRESH_SKEW_SEC'] }),
  // An invalid value is logged and WireGuard stays off (WG-1), so this is not validated here.
  wireguard_server: str().default('').register(keyInfo, { description: 'Server tunnel address and client pool, e.g. 100.97.0.1/16 (WG-1)' }),
  wireguard_only: bool().default(false).register(keyInfo, { description: 'Serve NoCloud only to tunnel and loopback peers (WG-12)' }),
  wireguard_listen_port: int(1, 65535).default(51820).register(keyInfo, { description: 'WireGuard UDP port' }),
  wireguard_interface: str().default('wg0').register(keyInfo, { description: 'WireGuard interface name' }),
  wireguard_go_path: str().default('wireguard-go').register(keyInfo, { description: 'Path of the wireguard-go binary (WG-2)' }),
  wireguard_state_file: str()
    .default('/data/wireguard/state.yaml')
    .register(keyInfo, { description: 'The Go service\'s WireGuard state, imported once when WireGuard is on; "" = none' }),
  admin_cidrs: cidrList().default(LOOPBACK).register(keyInfo, { description: 'Peers allowed to write resources without a token (SEC-6)' }),
  admin_cidrs_bypass_auth: bool().default(false).register(keyInfo, { description: 'Let admin_cidrs peers skip JWT auth (SEC-6)' }),
  auth_jwks_url: url().default('').register(keyInfo, { description: 'JWKS URL; requires a bearer JWT on the resource API (SEC-6)' }),
  auth_issuer: str().default('').register(keyInfo, { description: 'Required JWT iss (SEC-6)' }),
  auth_audience: str().default('metadata-service').register(keyInfo, { description: 'Required JWT aud (SEC-6)' }),
  // SEED (issue 20): per-node seed URLs /n/<token>/; `required` refuses the address-only NoCloud routes to known nodes.
  seed_tokens: oneOf(SEED_TOKEN_MODES)
    .default('optional')
    .register(keyInfo, { description: 'Per-node seed URLs /n/<token>/: off, optional, or required (no address-only NoCloud for known nodes)' }),
  seed_tokens_bind_address: bool()
    .default(false)
    .register(keyInfo, { description: "Also require a seed URL request to come from the token's node's own address" }),
  workers: int(0, 1024).default(1).register(keyInfo, { description: 'Server processes; 0 = one per core' }),
  metrics: bool().default(true).register(keyInfo, { description: 'Serve /metrics on the main port (SVC-4)' }),
  enable_metrics: bool()
    .default(false)
    .register(keyInfo, { description: 'Also serve /metrics on a listener of its own, on metrics_port' }),
  metrics_port: int(0, 65535).default(9090).register(keyInfo, { description: 'Port of the enable_metrics listener (same host)' }),
  // BOOT (docs/spec-addendum.md "Boot status"): the per-node boot record behind /boot-status, /status and `status`.
  boot_status: bool().default(true).register(keyInfo, { description: 'Keep boot records: /boot-status, /status, metadata-service status' }),
  boot_quiet_period: seconds(1)
    .default(60)
    .register(keyInfo, { description: 'Seconds without requests before meta-data or network-config starts a new boot' }),
  boot_stuck_after: seconds(1).default(300).register(keyInfo, { description: 'Seconds a boot may take before its node counts as stuck' }),
  boot_max_unknown_addresses: int(0, 1_000_000)
    .default(1024)
    .register(keyInfo, { description: 'Unknown addresses kept; requests from more are counted as dropped' }),
}).superRefine((config, ctx) => {
  if (config.store === 'postgres' && config.database_url.trim() === '') {
    ctx.addIssue({ code: 'custom', path: ['database_url'], message: 'must be set when store is postgres' })
  }
  if (config.enable_metrics && config.metrics_port !== 0 && config.metrics_port === config.port) {
    ctx.addIssue({ code: 'custom', path: ['metrics_port'], message: `must differ from port (${config.port}) when enable_metrics is set` })
  }
})

/** The validated, frozen configuration handed to `compose` (CFG-4). */
export type Config = Readonly<z.infer<typeof ConfigSchema>>
/** A configuration key (the YAML name). */
export type ConfigKey = keyof Config

/** Every key with its naming facts, in schema order. */
export const CONFIG_KEYS: readonly (readonly [ConfigKey, KeyInfo])[] = Object.entries(ConfigSchema.shape).map(
  ([key, schema]) => [key as ConfigKey, keyInfo.get(schema) ?? { description: key }] as const,
)

/** The schema default of `key`, for help text and the README table. */
export function defaultOf(key: ConfigKey): unknown {
  const parsed = ConfigSchema.shape[key].safeParse(undefined)
  return parsed.success ? parsed.data : undefined
}
