import { MetadataError, isMetadataError } from '../errors.js'
import type { Inventory, InventoryNode } from '../ports/inventory.js'
import type { Logger } from '../ports/logger.js'
import type { SeedTokenStore } from '../ports/seed-token-store.js'
import { defaultWarmScheduler, type WarmScheduler } from '../services/nocloud-prerender.js'
import { SEED_TOKEN_REQUIRED_MESSAGE, unknownSeedToken, type SeedTokenPolicy } from './seed-policy.js'
import { deriveSeedToken, isSeedTokenShape, seedTokenDigest, seedTokenFingerprint, seedTokensEqual } from './seed-token.js'
import { createSeedTokenIndex, type SeedTokenIndexOptions } from './token-index.js'
import { groupMembers, knownNode, nodeNamed, xnamesOf } from './_nodes.js'

/** Which tokens to rotate: one node's, every member's of a group, or all (the global epoch). */
export type SeedRotation = { readonly node: string } | { readonly group: string } | { readonly all: true }

/** Counters of the seed path since start (SEED metrics). */
export interface SeedTokenStats {
  /** Seed requests by outcome: a node identified, or refused as not a token, unknown, or from another address. */
  readonly requests: { readonly accepted: number; readonly malformed: number; readonly unknown: number; readonly wrongAddress: number }
  /** Address-only requests of known nodes refused by `required`. */
  readonly addressOnlyRefused: number
  /** Nodes in the token index. */
  readonly indexed: number
  /** Rotations done through this process: nodes rotated one by one (or by group), and "rotate all" calls. */
  readonly rotations: { readonly nodes: number; readonly all: number }
}

/** Dependencies of {@link createSeedTokens}. */
export interface SeedTokensDeps {
  readonly store: SeedTokenStore
  readonly inventory: Inventory
  readonly logger: Logger
  readonly policy: SeedTokenPolicy
  /** ID-4 resolution of a client address (tunnel map first), for `bindAddress`; rejects as `resolveNode` does. */
  readonly resolveAddress: (address: string) => Promise<InventoryNode>
  /** Token index slicing (tests pass a fake scheduler and clock). */
  readonly index?: SeedTokenIndexOptions
  /** How often the index is checked against the inventory and the store, in milliseconds. Default 500. */
  readonly pollMs?: number
  readonly scheduler?: WarmScheduler
}

/** The seed tokens of a cluster: identifying a request's node by token, the policy, tokens and rotation. */
export interface SeedTokens {
  readonly policy: SeedTokenPolicy
  /**
   * SEED: the node `token` names, for a request from `client` (the ID-1..ID-3 address). A token that is not of the
   * token shape, names no node of the current inventory, was rotated, or (with `bindAddress`) comes from an address
   * that is not its node's, rejects with NODE_NOT_FOUND `unknown seed token`, the same for every case and naming no
   * node; each case is counted. Costs a hash and a map lookup, one HMAC and a constant-time compare on a hit; no
   * per-node scan (a lookup that misses while the index lags the inventory or store waits for it to catch up).
   * Rejects with INVENTORY_UNAVAILABLE (`node lookup unavailable`) when the inventory cannot answer.
   */
  identify(token: string, client: string): Promise<InventoryNode>
  /**
   * The node `token` names now, or `undefined` (malformed, unknown or rotated): the same lookup as `identify`, for an
   * admin (the render preview), so neither counted nor bound to an address.
   */
  nodeOf(token: string): Promise<InventoryNode | undefined>
  /** SEED `required`: rejects an address-only request of a known node with FORBIDDEN naming the setting; else nothing. */
  admitAddressOnly(node: InventoryNode): void
  /** The node's current token. Never log it (SEC-4); log {@link seedTokenFingerprint} instead. */
  tokenOf(xname: string): string
  /**
   * Rotates tokens durably (shared by every replica); resolves with the xnames rotated (every node for `all`).
   * Rejects with NODE_NOT_FOUND `node <xname> not found`, NOT_FOUND `no node is a member of group <g>`, or the
   * store's STORAGE_FAILED.
   */
  rotate(target: SeedRotation): Promise<readonly string[]>
  stats(): SeedTokenStats
  /** Keeps the token index current in the background (now, after every rotation, and as the inventory changes). */
  start(): { stop(): void }
}

/** Creates the {@link SeedTokens} over a seed store and an inventory. */
export function createSeedTokens(deps: SeedTokensDeps): SeedTokens {
  const { store, inventory, logger, policy } = deps
  const index = createSeedTokenIndex(
    { state: () => store.current(), xnames: () => xnamesOf(inventory), generation: () => inventory.generation() },
    deps.index,
  )
  const requests = { accepted: 0, malformed: 0, unknown: 0, wrongAddress: 0 }
  const rotations = { nodes: 0, all: 0 }
  let addressOnlyRefused = 0
  const refresh = (): void => {
    if (index.isCurrent()) return
    index.update().catch((err: unknown) => logger.warn('seed token index update failed', { error: String(err) }))
  }

  /** The xname whose current token `token` is, or undefined; the compare is constant-time. */
  const verified = (digest: string, token: string): string | undefined => {
    const xname = index.find(digest)
    return xname !== undefined && seedTokensEqual(token, deriveSeedToken(store.current(), xname)) ? xname : undefined
  }

  /** The node of a token of the right shape: one digest, one map lookup, one derivation and a constant-time compare. */
  const lookup = async (token: string): Promise<InventoryNode | undefined> => {
    const digest = seedTokenDigest(token)
    let xname = verified(digest, token)
    if (xname === undefined && !index.isCurrent()) {
      await index.update()
      xname = verified(digest, token)
    }
    return xname === undefined ? undefined : nodeNamed(inventory, xname)
  }

  const checkAddress = async (node: InventoryNode, client: string, token: string): Promise<void> => {
    let owner: InventoryNode | undefined
    try {
      owner = await deps.resolveAddress(client)
    } catch (err) {
      if (!isMetadataError(err, 'NODE_NOT_FOUND')) throw err
    }
    if (owner?.xname === node.xname) return
    requests.wrongAddress += 1
    logger.warn('seed token used from an address of another node', { node: node.xname, client, seed: seedTokenFingerprint(token) })
    throw unknownSeedToken()
  }

  return {
    policy,
    async identify(token, client) {
      if (!isSeedTokenShape(token)) {
        requests.malformed += 1
        throw unknownSeedToken()
      }
      const node = await lookup(token)
      if (node === undefined) {
        requests.unknown += 1
        throw unknownSeedToken()
      }
      if (policy.bindAddress) await checkAddress(node, client, token)
      requests.accepted += 1
      return node
    },
    nodeOf: (token) => (isSeedTokenShape(token) ? lookup(token) : Promise.resolve(undefined)),
    admitAddressOnly() {
      if (policy.mode !== 'required') return
      addressOnlyRefused += 1
      throw new MetadataError('FORBIDDEN', SEED_TOKEN_REQUIRED_MESSAGE)
    },
    tokenOf: (xname) => deriveSeedToken(store.current(), xname),
    async rotate(target) {
      let rotated: readonly string[]
      if ('all' in target) {
        await store.rotateAll()
        rotations.all += 1
        rotated = [...xnamesOf(inventory)]
        logger.info('seed tokens rotated', { scope: 'all', nodes: rotated.length })
      } else {
        rotated = 'node' in target ? [(await knownNode(inventory, target.node)).xname] : groupMembers(inventory, target.group).map((n) => n.xname)
        await store.rotateNodes(rotated)
        rotations.nodes += rotated.length
        const scope = 'node' in target ? { node: target.node } : { group: target.group }
        logger.info('seed tokens rotated', { ...scope, nodes: rotated.length })
      }
      refresh()
      return rotated
    },
    stats: () => ({ requests: { ...requests }, addressOnlyRefused, indexed: index.size(), rotations: { ...rotations } }),
    start() {
      const scheduler = deps.scheduler ?? defaultWarmScheduler
      const unsubscribe = store.subscribe(() => refresh())
      const stopPolling = scheduler.every(refresh, deps.pollMs ?? 500)
      refresh()
      return {
        stop() {
          unsubscribe()
          stopPolling()
        },
      }
    },
  }
}
