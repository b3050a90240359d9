import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'store/index': 'src/store/index.ts',
    'examples/index': 'src/examples/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  // vitest and fast-check are optional peers used only by the contract suites and arbitraries in ./testing.
  external: ['vitest', 'fast-check'],
})
