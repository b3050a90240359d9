import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SeedTokenState, SeedTokenStore } from '../ports/seed-token-store.js'
import { SEED_SECRET_BYTES } from '../seed-tokens/seed-token.js'

/** What a seed store contract factory returns: a fresh store (new secret, epochs at 0) and its relatives. */
export interface SeedTokenStoreFixture {
  store: SeedTokenStore
  /** Opens the same backing store again once `store` is closed; required when the suite runs with `durable`. */
  reopen?: () => Promise<SeedTokenStore>
  /** Opens another store on the same backing while `store` is open; required when the suite runs with `replicas`. */
  twin?: () => Promise<SeedTokenStore>
  /** Runs after each test, after the suite closed the stores. */
  cleanup?: () => Promise<void>
}

/**
 * The {@link SeedTokenStore} contract (SEED), run against every implementation (STYLE 6): the memory fake in core,
 * adapter-fs on a temp directory, adapter-postgres on a throwaway database, a worker's replica over IPC.
 * `can.durable`: the store keeps its state across a reopen (files, a database); `can.replicas`: several stores on
 * one backing share it (PostgreSQL replicas). Both default to `false`, which leaves those tests out.
 */
export function describeSeedTokenStore(
  name: string,
  factory: () => Promise<SeedTokenStoreFixture>,
  can: { readonly durable?: boolean; readonly replicas?: boolean } = {},
): void {
  describe(`SeedTokenStore contract: ${name}`, () => {
    let fixture: SeedTokenStoreFixture
    let store: SeedTokenStore
    const opened: SeedTokenStore[] = []
    beforeEach(async () => {
      fixture = await factory()
      store = fixture.store
      opened.push(store)
    })
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close()
      await fixture.cleanup?.()
    })

    it('starts with a secret of 32 bytes and every epoch at 0', () => {
      const state = store.current()
      expect(state.secret).toBeInstanceOf(Uint8Array)
      expect(state.secret.length).toBe(SEED_SECRET_BYTES)
      expect(new Set(state.secret).size).toBeGreaterThan(1)
      expect(state.globalEpoch).toBe(0)
      expect(state.nodeEpochs.size).toBe(0)
    })

    it('rotates the listed nodes by one each (a duplicate once), leaving the others and the secret alone', async () => {
      const before = store.current()
      const after = await store.rotateNodes(['x1000c0s0b0n0', 'x1000c0s0b0n1', 'x1000c0s0b0n0'])
      expect(after).not.toBe(before)
      expect(store.current()).toEqual(after)
      expect(Object.fromEntries(after.nodeEpochs)).toEqual({ x1000c0s0b0n0: 1, x1000c0s0b0n1: 1 })
      expect(after.globalEpoch).toBe(0)
      expect(Buffer.from(after.secret).equals(Buffer.from(before.secret))).toBe(true)
      await store.rotateNodes(['x1000c0s0b0n0'])
      expect(Object.fromEntries(store.current().nodeEpochs)).toEqual({ x1000c0s0b0n0: 2, x1000c0s0b0n1: 1 })
    })

    it('rotates all by one global epoch, keeping the node epochs', async () => {
      await store.rotateNodes(['x1000c0s0b0n0'])
      const after = await store.rotateAll()
      expect(after.globalEpoch).toBe(1)
      expect(Object.fromEntries(after.nodeEpochs)).toEqual({ x1000c0s0b0n0: 1 })
      expect((await store.rotateAll()).globalEpoch).toBe(2)
    })

    it('tells subscribers of each change until they unsubscribe', async () => {
      const seen: SeedTokenState[] = []
      const unsubscribe = store.subscribe((state) => seen.push(state))
      await store.rotateNodes(['x1000c0s0b0n0'])
      await store.rotateAll()
      await eventually(() => seen.length >= 2)
      expect(seen.at(-1)).toEqual(store.current())
      unsubscribe()
      await store.rotateAll()
      expect(seen).toHaveLength(2)
    })

    it('changes nothing for an empty list', async () => {
      const before = store.current()
      expect(await store.rotateNodes([])).toEqual(before)
      expect(store.current()).toEqual(before)
    })

    if (can.durable === true) {
      it('keeps the secret and the epochs across a reopen', async () => {
        const reopen = required(fixture.reopen, 'reopen')
        await store.rotateNodes(['x1000c0s0b0n0'])
        await store.rotateAll()
        const before = store.current()
        await store.close()
        const again = await reopen()
        opened.push(again)
        expect(again.current()).toEqual(before)
      })
    }

    if (can.replicas === true) {
      it('shares the secret and every rotation with a second store on the same backing', async () => {
        const twin = await required(fixture.twin, 'twin')()
        opened.push(twin)
        expect(Buffer.from(twin.current().secret).equals(Buffer.from(store.current().secret))).toBe(true)
        await Promise.all([store.rotateNodes(['x1000c0s0b0n0']), twin.rotateNodes(['x1000c0s0b0n0'])])
        await store.rotateAll()
        await eventually(() => twin.current().globalEpoch === 1 && store.current().nodeEpochs.get('x1000c0s0b0n0') === 2)
        expect(twin.current().nodeEpochs.get('x1000c0s0b0n0')).toBe(2)
      })
    }

    it('refuses rotations once closed', async () => {
      await store.close()
      await expect(store.rotateAll()).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
      await expect(store.rotateNodes(['x1000c0s0b0n0'])).rejects.toMatchObject({ code: 'STORAGE_FAILED' })
    })
  })
}

// --- internal ---

/** Polls `done` every 20 ms for up to 10 s (a replica hears of another's change within moments). */
async function eventually(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(done()).toBe(true)
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Error(`the fixture must provide ${field} for this capability`)
  return value
}
