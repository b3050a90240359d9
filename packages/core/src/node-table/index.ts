export {
  NODE_TABLE_FORMAT,
  nodeTableTransferList,
  openNodeTable,
  sameNodeTableData,
  type NodeTable,
  type NodeTableData,
} from './node-table.js'
export {
  buildNodeTable,
  createNodeTableBuilder,
  type AddressConflict,
  type AddressConflicts,
  type BuiltNodeTable,
  type NodeTableBuilder,
} from './node-table-builder.js'
export { nodeStamp } from './node-identity.js'
