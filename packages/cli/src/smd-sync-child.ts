// The entry of the SMD sync child process (issue 19), built as dist/smd-sync-child.js beside the CLI bundle;
// `openInventory` starts it for each bulk sync. The module does its work when started as that child.
import '@metadata-service/adapter-smd/sync-child'
