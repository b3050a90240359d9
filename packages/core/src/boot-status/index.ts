export { BOOT_STATES, DEFAULT_BOOT_STATUS_SETTINGS, type BootDocumentKind, type BootObservation, type BootState, type BootStatusSettings, type BootStatusSink } from './boot-states.js'
export {
  BOOT_QUERY_PARAMETERS,
  DEFAULT_BOOT_QUERY_LIMIT,
  MAX_BOOT_QUERY_LIMIT,
  parseBootQuery,
  parseTime,
  type BootQuery,
  type BootQueryParameter,
  type RawQuery,
} from './boot-query.js'
export { createBootRecorder, type BootReadOptions, type BootRecorder, type BootRecorderOptions, type RosterNode } from './boot-recorder.js'
export { createBootStatusService, type BootStatus, type BootStatusReader, type BootStatusService, type BootStatusServiceDeps } from './boot-status-service.js'
export { createUnknownAddresses, type UnknownAddress, type UnknownAddresses } from './unknown-addresses.js'
export { compareXnames, xnameOrder, xnameSortKey } from './xname-order.js'
export type * from './boot-views.js'
