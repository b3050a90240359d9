export { openFileStore, type FileStoreOptions } from './file-store.js'
export { openFileSeedTokenStore, readFileSeedTokenState, seedTokenDir, type FileSeedTokenStoreOptions } from './seed-token-store.js'
