import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** A static file of the Swagger UI page: where it is and how it is served. */
export interface StaticFile {
  readonly path: string
  readonly contentType: string
}

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

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
}

/**
 * The served files of the installed `swagger-ui-dist`, by file name. Resolved from this module's location, so it
 * also works from the CLI bundle (swagger-ui-dist stays an external dependency). Throws when the package is not
 * installed or lacks one of the files: a broken install fails at startup, not on the first `/docs` visit.
 */
export function swaggerUiFiles(): ReadonlyMap<string, StaticFile> {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const files = new Map<string, StaticFile>()
  for (const name of SERVED) {
    const path = join(dir, name)
    if (!existsSync(path)) throw new Error(`swagger-ui-dist is missing ${name} (looked in ${dir})`)
    files.set(name, { path, contentType: TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' })
  }
  return files
}

/** The bytes of a static file (read per request: /docs is rare, and the bundle stays out of memory). */
export function readStaticFile(file: StaticFile): Promise<Buffer> {
  return readFile(file.path)
}
