export { openFileStore, type FileStoreOptions } from './file-store.js'
