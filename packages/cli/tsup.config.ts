import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { defineConfig } from 'tsup'

/**
 * The commit `version` reports (CLI-5): `METADATA_SERVICE_COMMIT` when set (the container build passes it as a build
 * argument, since its context has no .git), else the checkout's short commit, else none.
 */
function commit(): string {
  const given = process.env.METADATA_SERVICE_COMMIT?.trim()
  if (given) return given
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return ''
  }
}

/**
 * SVC-3 offline: the Swagger UI files `/docs` serves (the bundle, the stylesheet, their maps and licences, the
 * favicons) copied to `dist/swagger-ui-dist/`, where adapter-http looks first, so the packed CLI needs no
 * node_modules at all. adapter-http checks at startup that every file it serves is there.
 */
function copySwaggerUi(): void {
  const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const to = join('dist', 'swagger-ui-dist')
  mkdirSync(to, { recursive: true })
  for (const name of readdirSync(from)) {
    if (/^(swagger-ui-bundle\.js|swagger-ui\.css|favicon-|LICENSE)/.test(name)) copyFileSync(join(from, name), join(to, name))
  }
}

/**
 * BOOT /status offline: the built status page (script, map, stylesheet, HTML) copied to `dist/status-page/`, where
 * adapter-http looks first. `@metadata-service/status-page` builds before the CLI (a workspace dependency).
 */
function copyStatusPage(): void {
  const from = join(dirname(createRequire(import.meta.url).resolve('@metadata-service/status-page/package.json')), 'dist')
  const to = join('dist', 'status-page')
  mkdirSync(to, { recursive: true })
  for (const name of readdirSync(from)) if (name.startsWith('status-page.')) copyFileSync(join(from, name), join(to, name))
}

export default defineConfig({
  // smd-sync-child: the SMD sync's child process (issue 19), started from beside the bundle (inventory.ts).
  entry: ['src/index.ts', 'src/smd-sync-child.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node22',
  // One self-contained bundle, so the packed tarball installs offline with no dependencies (deploy/README.md): the
  // workspace packages from their sources (the "@metadata-service/source" condition the tests use, so a stale
  // dist/ of a sibling is never picked up) and every third-party package. Swagger UI's and the status page's static
  // files are copied beside it (copySwaggerUi, copyStatusPage).
  noExternal: [/.*/],
  // CommonJS dependencies (koa, prom-client, …) call require() for Node built-ins; an ESM bundle needs one.
  banner: { js: "import { createRequire as __mdsCreateRequire } from 'node:module'\nconst require = __mdsCreateRequire(import.meta.url)" },
  esbuildOptions(options) {
    options.conditions = ['@metadata-service/source']
  },
  onSuccess: async () => {
    copySwaggerUi()
    copyStatusPage()
  },
  define: {
    __METADATA_SERVICE_COMMIT__: JSON.stringify(commit()),
    __METADATA_SERVICE_BUILT__: JSON.stringify(new Date().toISOString()),
  },
})
