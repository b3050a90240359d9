// A copy of the server built with the hand-written logger (handwritten-logger.js) in place of pino, for
// `--loggers pino,handwritten`: the CLI's own tsup build (packages/cli/tsup.config.ts, same bundle, same flags) with
// one module swapped, written to bench/.build/ (gitignored). Run as a script it does the build; tsup reads its config
// from the working directory, so the harness runs it with packages/cli as cwd.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
const HANDWRITTEN = join(BENCH_DIR, 'handwritten-logger.js')

/**
 * Builds the variant and returns its entry (run it as `node <entry> serve …`, like bin/metadata-service.js).
 * @param {string} repoRoot
 * @returns {Promise<string>}
 */
export async function buildHandwrittenLoggerServer(repoRoot) {
  const outDir = join(BENCH_DIR, '.build', 'handwritten-logger')
  await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), outDir], { cwd: join(repoRoot, 'packages/cli'), timeout: 300_000 })
  return join(outDir, 'index.js')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { build } = await import('tsup')
  /** @type {import('esbuild').Plugin} */
  const swap = {
    name: 'handwritten-logger',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/logger\.js$/ }, (args) => (args.importer.endsWith(join('src', 'commands', 'serve.ts')) ? { path: HANDWRITTEN } : undefined))
    },
  }
  // onSuccess (copying Swagger UI into dist/) is left out: the copy finds swagger-ui-dist in node_modules.
  await build({ outDir: process.argv[2], esbuildPlugins: [swap], onSuccess: undefined, silent: true })
}
