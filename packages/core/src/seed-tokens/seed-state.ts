import type { SeedTokenState } from '../ports/seed-token-store.js'

/** The epochs of a {@link SeedTokenState} as stored in a file: `{"globalEpoch": 0, "nodes": {"<xname>": 1}}`. */
export interface SeedEpochsFile {
  readonly globalEpoch: number
  /** Rotated nodes only, by xname. */
  readonly nodes: Readonly<Record<string, number>>
}

/** The state with each of `xnames` (duplicates once) one epoch further; the same object when the list is empty. */
export function rotateNodesIn(state: SeedTokenState, xnames: readonly string[]): SeedTokenState {
  if (xnames.length === 0) return state
  const nodeEpochs = new Map(state.nodeEpochs)
  for (const xname of new Set(xnames)) nodeEpochs.set(xname, (nodeEpochs.get(xname) ?? 0) + 1)
  return { ...state, nodeEpochs }
}

/** The state one global epoch further (every token changes). */
export function rotateAllIn(state: SeedTokenState): SeedTokenState {
  return { ...state, globalEpoch: state.globalEpoch + 1 }
}

/** A fresh state around `secret`: every epoch at 0. */
export function initialSeedState(secret: Uint8Array): SeedTokenState {
  return { secret, globalEpoch: 0, nodeEpochs: new Map() }
}

/** The epochs of `state` in the file shape, nodes sorted by xname (stable diffs for whoever reads the file). */
export function seedEpochsFile(state: SeedTokenState): SeedEpochsFile {
  const nodes: Record<string, number> = {}
  for (const xname of [...state.nodeEpochs.keys()].sort()) nodes[xname] = state.nodeEpochs.get(xname) as number
  return { globalEpoch: state.globalEpoch, nodes }
}

/**
 * The epochs of a stored {@link SeedEpochsFile} text. Throws an `Error` naming what is wrong (without quoting the
 * text): a reset epoch would bring rotated tokens back, so nothing is guessed or defaulted.
 */
export function parseSeedEpochs(text: string): { readonly globalEpoch: number; readonly nodeEpochs: ReadonlyMap<string, number> } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('the epochs file is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the epochs file must hold a JSON object')
  const { globalEpoch, nodes } = value as { globalEpoch?: unknown; nodes?: unknown }
  if (!isEpoch(globalEpoch)) throw new Error('globalEpoch must be a whole number of 0 or more')
  if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes)) throw new Error('nodes must be an object of xname to epoch')
  const nodeEpochs = new Map<string, number>()
  for (const [xname, epoch] of Object.entries(nodes)) {
    if (!isEpoch(epoch)) throw new Error(`the epoch of ${JSON.stringify(xname.slice(0, 64))} must be a whole number of 0 or more`)
    nodeEpochs.set(xname, epoch)
  }
  return { globalEpoch, nodeEpochs }
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
