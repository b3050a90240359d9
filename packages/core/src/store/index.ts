export * from './resource-table.js'
