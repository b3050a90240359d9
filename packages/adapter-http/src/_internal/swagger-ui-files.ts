import { packageFiles, type StaticFile } from './static-files.js'

export { readStaticFile, type StaticFile } from './static-files.js'

// SVC-3: only the files the page loads (and their source maps, for a browser's devtools). Everything comes from
// the installed swagger-ui-dist package, so /docs works offline; its own index.html and swagger-initializer.js
// (which point at a public petstore URL) are never served.
const SERVED = [
  'swagger-ui.css',
  'swagger-ui.css.map',
  'swagger-ui-bundle.js',
  'swagger-ui-bundle.js.map',
  'favicon-16x16.png',
  'favicon-32x32.png',
]

/**
 * The served files of `swagger-ui-dist`, by file name: from a `swagger-ui-dist/` folder beside this module when
 * there is one (the self-contained CLI bundle copies the files there, so an offline install needs no
 * node_modules), else from the installed package. Throws when one of the files is missing.
 */
export function swaggerUiFiles(): ReadonlyMap<string, StaticFile> {
  return packageFiles({ beside: 'swagger-ui-dist', packageName: 'swagger-ui-dist', files: SERVED })
}
