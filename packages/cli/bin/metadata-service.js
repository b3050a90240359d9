#!/usr/bin/env node
// Thin launcher: the bundle lives in dist/ (built by `npm ci` through the root `prepare` script).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = new URL('../dist/index.js', import.meta.url)
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('Error: metadata-service is not built; run `npm run build` in the repository root\n')
  process.exit(1)
}
await import(entry.href)
