// `@metadata-service/core/examples` (issue 18): the SPEC §14 quick-start resources and the documents the mock node
// gets from them. Production code uses them as the OpenAPI examples (adapter-http) and the bench as its data;
// tests get them, with the other goldens, from `@metadata-service/core/testing`.
export {
  GOLDEN_COMPUTE_YAML,
  GOLDEN_GREEN_YAML,
  GOLDEN_META_DATA,
  GOLDEN_NETWORK_CONFIG,
  GOLDEN_VENDOR_DATA,
} from './documents.js'
export { K1, QUICKSTART_CLUSTER_DEFAULTS, QUICKSTART_GROUP_COMPUTE, QUICKSTART_GROUP_GREEN, type FixtureRequest } from './quickstart.js'
