// The entry of the SMD sync worker thread (issue 19), built as dist/smd-sync-worker.js beside the CLI bundle;
// `openInventory` starts it for each bulk sync. The module does its work when loaded as that worker.
import '@metadata-service/adapter-smd/sync-worker'
