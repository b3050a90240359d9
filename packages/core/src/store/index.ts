export * from './resource-table.js'
export * from './store-gate.js'
