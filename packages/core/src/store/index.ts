// `@metadata-service/core/store` (issue 18): the kit a ResourceStore implementation is built from (adapter-fs,
// adapter-postgres, adapter-cluster's replica): the in-memory table with its served index (§16 RES-3), the
// open/closed gate, the reads every store answers alike, the RES errors a store raises and the storage error text.
export { clusterDefaultsConflict, nameConflict, preconditionFailed, resourceNotFound } from '../resources/resource-errors.js'
export { ioErrorReason } from './io-error-reason.js'
export { createResourceTable, sameNameAndSpec, storedForm, type ResourceTable, type ResourceTableOptions } from './resource-table.js'
export { latestCreated, type SupersededGroup } from './served-index.js'
export { createStoreGate, type StoreGate } from './store-gate.js'
export { tableReads } from './table-reads.js'
