import { createMemorySeedTokenStore } from '../../src/testing/memory-seed-token-store.js'
import { describeSeedTokenStore } from '../../src/testing/seed-token-store.contract.js'

describeSeedTokenStore('memory', async () => ({ store: createMemorySeedTokenStore() }))
