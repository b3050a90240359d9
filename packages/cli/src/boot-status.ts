import { hostname } from 'node:os'
import {
  createBootRecorder,
  createBootStatusService,
  type BootStatusService,
  type Clock,
  type Inventory,
  type ResourceStore,
  type WireGuardService,
} from '@metadata-service/core'
import type { Config } from './config/schema.js'

/** What {@link openBootStatus} keeps the record from. */
export interface BootStatusParts {
  readonly inventory: Inventory
  readonly store: ResourceStore
  readonly clock: Clock
  /** WireGuard, where it runs in this process: the record shows each node's tunnel address. */
  readonly wireguard?: WireGuardService
}

/** A started boot record. */
export interface OpenedBootStatus {
  readonly status: BootStatusService
  /** Stops keeping its node list current. */
  stop(): void
}

/**
 * BOOT: the boot record of the process that holds the inventory and the store (the single server, or the primary
 * of `--workers`), with the `boot_*` settings, named after this host and process (with several replicas each
 * keeps its own record, and says whose it is). Resolves once the node list is loaded; undefined with
 * `boot_status: false`.
 */
export async function openBootStatus(config: Config, parts: BootStatusParts): Promise<OpenedBootStatus | undefined> {
  if (!config.boot_status) return undefined
  const recorder = createBootRecorder({
    clock: parts.clock,
    settings: {
      quietPeriodMs: config.boot_quiet_period * 1000,
      stuckAfterMs: config.boot_stuck_after * 1000,
      maxUnknownAddresses: config.boot_max_unknown_addresses,
    },
    replica: { hostname: hostname(), pid: process.pid },
  })
  const { wireguard } = parts
  const status = createBootStatusService({
    recorder,
    inventory: parts.inventory,
    store: parts.store,
    ...(wireguard === undefined ? {} : { tunnelAddresses: () => tunnelAddressesByNode(wireguard) }),
  })
  const stop = await status.start()
  return { status, stop }
}

/** WG-9's map (tunnel host → peer name, the node's xname) turned around: xname → tunnel address. */
function tunnelAddressesByNode(wireguard: WireGuardService): ReadonlyMap<string, string> {
  const byNode = new Map<string, string>()
  for (const [address, name] of wireguard.tunnelMap()) byNode.set(name, address)
  return byNode
}
