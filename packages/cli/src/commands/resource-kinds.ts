import type { KindName } from '@metadata-service/core'

/** The resource subcommands and the kind each one manages (CLI-1). */
export const RESOURCE_COMMANDS: Readonly<Record<string, KindName>> = {
  clusterdefaults: 'ClusterDefaults',
  group: 'Group',
  instanceinfo: 'InstanceInfo',
  wireguardpeer: 'WireGuardPeer',
}
