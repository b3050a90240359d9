// Examples of the OpenAPI document (SVC-2): the SPEC §14 quick start (F-CD, F-COMPUTE, F-GREEN) and the documents
// the mock node n0 then gets (NC-12, NC-13, AT-11, AT-15), taken from core's one copy of them, plus examples of
// the kinds and exchanges the quick start does not show. The tests send the request examples to the real app.
import { CLOUD_CONFIG_HEADER } from '@metadata-service/core'
import {
  GOLDEN_COMPUTE_YAML,
  GOLDEN_META_DATA,
  GOLDEN_NETWORK_CONFIG,
  GOLDEN_VENDOR_DATA,
  K1,
  QUICKSTART_CLUSTER_DEFAULTS,
  QUICKSTART_GROUP_COMPUTE,
  QUICKSTART_GROUP_GREEN,
} from '@metadata-service/core/examples'

export const EXAMPLE_CLUSTER_DEFAULTS = QUICKSTART_CLUSTER_DEFAULTS
export const EXAMPLE_GROUP_COMPUTE = QUICKSTART_GROUP_COMPUTE
export const EXAMPLE_GROUP_GREEN = QUICKSTART_GROUP_GREEN
export const EXAMPLE_META_DATA = GOLDEN_META_DATA
export const EXAMPLE_USER_DATA = CLOUD_CONFIG_HEADER
export const EXAMPLE_VENDOR_DATA = GOLDEN_VENDOR_DATA
export const EXAMPLE_COMPUTE_YAML = GOLDEN_COMPUTE_YAML
export const EXAMPLE_NETWORK_CONFIG = GOLDEN_NETWORK_CONFIG

/** An InstanceInfo create body for n0 (AT-3 shape). */
export const EXAMPLE_INSTANCE_INFO = {
  metadata: { name: 'x1000c0s0b0n0' },
  spec: { instance_id: 'x1000c0s0b0n0', hostname: 'custom', public_keys: [K1] },
}

/** A WireGuardPeer create body (AT-36's key). */
export const EXAMPLE_WIREGUARD_PEER = {
  metadata: { name: 'x1000c0s0b0n0' },
  spec: { public_key: '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ=', allowed_ip: '100.97.0.2/32' },
}

/** WG-4 / AT-36: a `/wg-init` exchange. */
export const EXAMPLE_WG_INIT_REQUEST = { public_key: '8du8A89mlo7m1r8q4ScfGn6Af8Vx8gfX3E2qhW2C5VQ=' }
export const EXAMPLE_WG_INIT_RESPONSE = {
  message: 'WireGuard peer allocation accepted',
  'peer-uid': 'wireguardpeer-4b5440ddc0cfb912',
  'client-vpn-ip': '100.97.0.2',
  'server-public-key': 'GzY59HlXkCkfXl9uSkEFTHzOtBsxQFKu3KWGFH5P9Qc=',
  'server-ip': '100.97.0.1',
  'server-port': '51820',
}
