export { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js'
export { importSeedTokenState, openPostgresSeedTokenStore, type PostgresSeedTokenStoreOptions, type SeedTokenImport } from './seed-token-store.js'
