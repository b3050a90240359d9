export { openFileStore, type FileStoreOptions } from './file-store.js'
export { inspectDataDir, type DataDirInspection } from './inspect-data-dir.js'
export { openFileSeedTokenStore, readFileSeedTokenState, seedTokenDir, type FileSeedTokenStoreOptions } from './seed-token-store.js'
