/**
 * `@metadata-service/adapter-cluster`: the worker processes of `serve --workers N` (ARCHITECTURE "processes").
 *
 * One primary holds the real ports (the data-directory lock and the `ResourceStore`, the SMD `Inventory` and its
 * one sync, the TokenSmith `TokenSource`); N workers serve HTTP from copies of them, kept current over
 * node:cluster's IPC channel:
 *
 * - {@link superviseWorkers} is the primary's side: it keeps N workers running and serves their calls.
 * - {@link connectToPrimary} is a worker's side: a replica store ({@link openReplicaStore}: reads from memory,
 *   writes to the primary), a replica inventory ({@link openReplicaInventory}: the primary's snapshot, misses asked
 *   of the primary), the primary's token state ({@link mirroredTokenSource}) and its seed token store
 *   ({@link openReplicaSeedTokenStore}).
 * - {@link serveBootStatus} and {@link remoteBootStatus}: the one boot record (BOOT) in the primary, fed by the
 *   workers' batched reports and read through calls.
 * - {@link connectRpc} is the request/response and event layer both sides use, on any {@link IpcChannel}.
 *
 * Forking the processes and wiring the HTTP side stay in the CLI.
 *
 * @module
 */
export { connectRpc, type IpcChannel, type RpcHandlers, type RpcPeer } from './rpc.js'
export { openReplicaStore, serveReplicaStore } from './replica-store.js'
export { openReplicaInventory, serveReplicaInventory, type PrimaryStatus, type ReplicaInventory, type TokenStatus } from './replica-inventory.js'
export { mirroredTokenSource } from './mirrored-token-source.js'
export { openReplicaSeedTokenStore, serveReplicaSeedTokens } from './replica-seed-tokens.js'
export { remoteBootStatus, serveBootStatus, type RemoteBootStatus, type RemoteBootStatusOptions } from './boot-status.js'
export { superviseWorkers, type SupervisorDeps, type WorkerForker, type WorkerSupervisor } from './worker-supervisor.js'
export { connectToPrimary, type PrimaryChannel, type PrimaryConnection, type PrimaryConnectionOptions } from './worker-connection.js'
