// The sync child built from this checkout's sources for the tests (issue 19): a child process runs JavaScript,
// so the tests bundle src/sync-child.ts the way the CLI build does (workspace packages from their sources, the
// "@metadata-service/source" condition), once per test process, into node_modules/.cache where its third-party
// imports resolve.
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
let built: Promise<URL> | undefined
/** The third-party packages adapter-smd and core import. */
const THIRD_PARTY = ['undici', 'zod', 'yaml', 'mustache', 'liquidjs', 'diff', 'lru-cache']

/** The URL of a child entry built from `src/sync-child.ts`. */
export function syncChildUrl(): Promise<URL> {
  built ??= (async () => {
    const dir = join(ROOT, 'node_modules/.cache/mds-test')
    mkdirSync(dir, { recursive: true })
    const outfile = join(dir, `smd-sync-child-${process.pid}.mjs`)
    await build({
      entryPoints: [join(ROOT, 'packages/adapter-smd/src/sync-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@metadata-service/source'],
      // Workspace packages from their sources; third-party ones stay imports, resolved from node_modules.
      external: THIRD_PARTY.flatMap((name) => [name, `${name}/*`]),
      outfile,
      logLevel: 'warning',
    })
    return pathToFileURL(outfile)
  })()
  return built
}
