import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Bundle the workspace packages so the executable starts from one file and `npm pack` ships it whole.
  noExternal: [/^@metadata-service\//],
})
