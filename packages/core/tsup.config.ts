import { libraryBuild } from '../../tsup.library.js'

export default libraryBuild(
  {
    index: 'src/index.ts',
    'store/index': 'src/store/index.ts',
    'examples/index': 'src/examples/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  // vitest and fast-check are optional peers used only by the contract suites and arbitraries in ./testing.
  { external: ['vitest', 'fast-check'] },
)
