export { createMockInventory, createMockSmdClient, type MockInventoryOptions } from './mock-inventory.js'
export type { MockAddress, MockInterface, MockNode } from './_mock-payloads.js'
export {
  createSmdClient,
  DEFAULT_SMD_MAX_RESPONSE_BYTES,
  normalizeSmdBaseUrl,
  type SmdClient,
  type SmdClientOptions,
  type SnapshotSource,
} from './smd-client.js'
export { nodeOptionFlags, setsSemiSpace } from './node-flags.js'
export { createSyncProcess, type SyncProcessOptions } from './sync-process.js'
export {
  createSmdInventory,
  type SmdInventory,
  type SmdInventoryOptions,
  type SmdMetricEvent,
} from './smd-inventory.js'
export {
  createStaticTokenSource,
  parseTokenSmithScopes,
  selectTokenMode,
  SMD_URL_REQUIRED_MESSAGE,
  TOKENSMITH_AUTH_REQUIRED_MESSAGE,
  type StaticTokenOptions,
  type TokenModeConfig,
  type TokenModeSelection,
} from './token-source.js'
export {
  createTokenSmithSource,
  type TokenSmithSource,
  type TokenSmithSourceOptions,
} from './tokensmith-source.js'
export { buildSnapshot, EMPTY_SNAPSHOT, type SmdSnapshot } from './snapshot.js'
export {
  componentNid,
  endpointNics,
  membershipLabels,
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
