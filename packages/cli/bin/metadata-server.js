#!/usr/bin/env node
// `metadata-server`, the Go service's name for it (§16 CLI): the same program, which reads its name from this path.
await import('./metadata-service.js')
