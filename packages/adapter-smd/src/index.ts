export { createMockInventory, type MockInventoryOptions } from './mock-inventory.js'
export { buildSnapshot, EMPTY_SNAPSHOT, type SmdSnapshot } from './snapshot.js'
export {
  parseComponents,
  parseEndpoints,
  parseInterfaces,
  parseMemberships,
  type WireBulk,
  type WireComponent,
  type WireEndpoint,
  type WireInterface,
  type WireMembership,
  type WireNic,
} from './wire.js'
