import { defineConfig, type Options } from 'tsup'

/**
 * The build of a workspace library package (every `packages/adapter-*` and `core`): ESM with declarations and
 * source maps for the supported runtimes (Node.js 22 and later, `engines`), from `entry` (default
 * `src/index.ts`); `extra` adds or overrides options (e.g. `external`).
 */
export function libraryBuild(entry: Options['entry'] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({ entry, format: ['esm'], dts: true, clean: true, sourcemap: true, target: 'node22', ...extra })
}
