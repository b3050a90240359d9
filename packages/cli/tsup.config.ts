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
  // Bundle the workspace packages from their sources (the same "@metadata-service/source" condition the tests
  // use), so the executable never picks up a stale dist/ of a sibling. Third-party packages stay in node_modules:
  // some of them (swagger-ui assets) locate files relative to their own install directory.
  noExternal: [/^@metadata-service\//],
  skipNodeModulesBundle: true,
  esbuildOptions(options) {
    options.conditions = ['@metadata-service/source']
  },
  define: {
    __METADATA_SERVICE_COMMIT__: JSON.stringify(commit()),
    __METADATA_SERVICE_BUILT__: JSON.stringify(new Date().toISOString()),
  },
})
