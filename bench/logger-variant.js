// Copies of the server built with another logger, for `--loggers`: the CLI's own tsup build
// (packages/cli/tsup.config.ts, same bundle, same flags) with one module swapped, written to bench/.build/
// (gitignored). Run as a script it does one build; tsup reads its config from the working directory, so the
// harness runs it with packages/cli as cwd.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))

/**
 * Per variant: which import, in which source file, is replaced by which bench module.
 * - `handwritten`: the whole logger pino replaced (handwritten-logger.js, imported by serve.ts).
 * - `pino-async`: pino with its asynchronous sonic-boom destination (pino-async-destination.js, imported by adapter-log's pino-log.ts).
 */
export const LOGGER_VARIANTS = {
  handwritten: { specifier: '@metadata-service/adapter-log', importer: join('cli', 'src', 'commands', 'serve.ts'), module: join(BENCH_DIR, 'handwritten-logger.js') },
  'pino-async': { specifier: './log-destination.js', importer: join('adapter-log', 'src', 'pino-log.ts'), module: join(BENCH_DIR, 'pino-async-destination.js') },
}

/**
 * Builds a variant and returns its entry (run it as `node <entry> serve …`, like bin/metadata-service.js).
 * @param {string} repoRoot
 * @param {keyof typeof LOGGER_VARIANTS} name
 * @returns {Promise<string>}
 */
export async function buildLoggerVariant(repoRoot, name) {
  const outDir = join(BENCH_DIR, '.build', name)
  await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), name, outDir], { cwd: join(repoRoot, 'packages/cli'), timeout: 300_000 })
  return join(outDir, 'index.js')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name, outDir] = process.argv.slice(2)
  const variant = LOGGER_VARIANTS[name]
  if (variant === undefined) throw new Error(`unknown logger variant ${name}`)
  const { build } = await import('tsup')
  const escaped = variant.specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  /** @type {import('esbuild').Plugin} */
  const swap = {
    name: `logger-${name}`,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${escaped}$`) }, (args) => (args.importer.endsWith(variant.importer) ? { path: variant.module } : undefined))
    },
  }
  // onSuccess (copying Swagger UI into dist/) is left out: the copy finds swagger-ui-dist in node_modules.
  await build({ outDir, esbuildPlugins: [swap], onSuccess: undefined, silent: true })
}
