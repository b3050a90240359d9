export * from './resource-table.js'
export * from './store-gate.js'
export * from './table-reads.js'
export * from './served-index.js'
