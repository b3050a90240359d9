import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A static file of a page: where it is and how it is served. */
export interface StaticFile {
  readonly path: string
  readonly contentType: string
}

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
}

/** Where {@link packageFiles} looks for a package's files. */
export interface PackageFilesOptions {
  /** A folder beside this module (the self-contained CLI bundle copies the files there), e.g. `swagger-ui-dist`. */
  readonly beside: string
  /** The installed package to fall back to, e.g. `swagger-ui-dist`. */
  readonly packageName: string
  /** The folder of the package that holds the files (`dist` for a built workspace package); default its root. */
  readonly packageFolder?: string
  /** The files served; every one must exist. */
  readonly files: readonly string[]
}

/**
 * The served files of a page's package, by file name: from the folder beside this module when it has the first
 * one (the packed CLI needs no node_modules: SVC-3, BOOT air-gapped), else from the installed package, resolved
 * from this module's location. Throws when a file is missing, so a broken install fails at startup, not on the
 * first visit.
 */
export function packageFiles(options: PackageFilesOptions): ReadonlyMap<string, StaticFile> {
  const beside = fileURLToPath(new URL(`./${options.beside}/`, import.meta.url))
  const dir = existsSync(join(beside, options.files[0] as string))
    ? beside
    : join(dirname(createRequire(import.meta.url).resolve(`${options.packageName}/package.json`)), options.packageFolder ?? '')
  const files = new Map<string, StaticFile>()
  for (const name of options.files) {
    const path = join(dir, name)
    if (!existsSync(path)) throw new Error(`${options.packageName} is missing ${name} (looked in ${dir})`)
    files.set(name, { path, contentType: TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' })
  }
  return files
}

/** The bytes of a static file (read per request: these pages are rare, and bundles stay out of memory). */
export function readStaticFile(file: StaticFile): Promise<Buffer> {
  return readFile(file.path)
}
