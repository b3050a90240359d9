// Resource API helpers that other packages may use (RES-8, RES-9); patches and envelope parsing stay internal.
export { validateSpec, type SpecOf } from './validate-spec.js'
export { validateStatus, type StatusOf } from './validate-status.js'
export { SUPPORTED_API_VERSIONS } from './request-body.js'
export { MAX_JSON_DEPTH, TOO_DEEP_MESSAGE, jsonTextTooDeep, parseJsonBody } from './json-depth.js'
