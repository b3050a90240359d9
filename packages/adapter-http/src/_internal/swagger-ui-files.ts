import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

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
 * The served files of `swagger-ui-dist`, by file name: from a `swagger-ui-dist/` folder beside this module when
 * there is one (the self-contained CLI bundle copies the files there, so an offline install needs no
 * node_modules), else from the installed package, resolved from this module's location. Throws when neither has
 * one of the files: a broken install fails at startup, not on the first `/docs` visit.
 */
export function swaggerUiFiles(): ReadonlyMap<string, StaticFile> {
  const beside = fileURLToPath(new URL('./swagger-ui-dist/', import.meta.url))
  const dir = existsSync(join(beside, SERVED[0] as string))
    ? beside
    : dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
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
