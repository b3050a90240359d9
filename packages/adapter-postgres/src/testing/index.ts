export { POSTGRES_BIN_DIR, startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js'
