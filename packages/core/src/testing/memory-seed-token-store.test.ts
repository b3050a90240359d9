import { createMemorySeedTokenStore } from './memory-seed-token-store.js'
import { describeSeedTokenStore } from './seed-token-store.contract.js'

describeSeedTokenStore('memory', async () => ({ store: createMemorySeedTokenStore() }))
