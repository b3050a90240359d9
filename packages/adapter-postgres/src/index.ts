export { redactUrl } from './_errors.js'
export { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js'
export { openPostgresSeedTokenStore, type PostgresSeedTokenStoreOptions } from './seed-token-store.js'
