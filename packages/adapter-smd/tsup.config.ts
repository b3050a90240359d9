import { libraryBuild } from '../../tsup.library.js'

export default libraryBuild({ index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'sync-child': 'src/sync-child.ts' })
