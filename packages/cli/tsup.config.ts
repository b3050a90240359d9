import { execFileSync } from 'node:child_process'
import { defineConfig } from 'tsup'

/** The short commit of the checkout, when git knows it (CLI-5 `version`). */
function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return ''
  }
}

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Bundle the workspace packages so the executable starts from one file and `npm pack` ships it whole.
  noExternal: [/^@metadata-service\//],
  define: {
    __METADATA_SERVICE_COMMIT__: JSON.stringify(commit()),
    __METADATA_SERVICE_BUILT__: JSON.stringify(new Date().toISOString()),
  },
})
