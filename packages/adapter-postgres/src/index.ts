export { redactUrl } from './_errors.js'
export { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js'
