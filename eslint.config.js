import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import unicorn from 'eslint-plugin-unicorn'
import globals from 'globals'

const ioModules = ['node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:http2', 'node:child_process', 'node:net', 'node:dgram', 'fs', 'http', 'child_process', 'net']
const frameworks = ['koa', '@koa/*', 'undici', 'citty', 'pino', 'pg']
const adapters = ['@metadata-service/adapter-*']
const coreInternals = ['@metadata-service/core/src/*', '@metadata-service/core/src/**']

const testing = ['@metadata-service/core/testing']
const productionOnly = ['**/*.test.ts', '**/testing/**', '**/*.contract.ts']

/** Forbid imports by module name pattern (ARCHITECTURE: dependency direction). Test files are exempt. */
const forbid = (files, groups) => ({
  files,
  ignores: productionOnly,
  rules: {
    'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
  },
})
const noFakes = [testing, 'production code never imports test fakes']

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', 'coverage/**', 'data/**', 'bench/.build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { unicorn },
    rules: {
      'unicorn/filename-case': ['error', { case: 'kebabCase' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  forbid(['packages/core/src/**/*.ts'], [
    [[...ioModules, ...frameworks], 'core is framework-free and does no I/O: add a port'],
    [adapters, 'core never imports an adapter'],
    noFakes,
  ]),
  forbid(['packages/adapter-*/src/**/*.ts'], [
    [adapters, 'adapters never import each other; only packages/cli wires several'],
    [coreInternals, 'import @metadata-service/core by its public entry points'],
    noFakes,
  ]),
  // BOOT /status: browser code, bundled on its own; it may use no Node module and no other package.
  { files: ['packages/status-page/src/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  // Types of the API it reads may come from core (erased by the build); code may not.
  {
    files: ['packages/status-page/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', ...frameworks], message: 'the status page runs in the browser' },
            { group: ['@metadata-service/*'], message: 'the status page bundles nothing but its own files', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  forbid(['packages/cli/src/**/*.ts'], [
    [coreInternals, 'import @metadata-service/core by its public entry points'],
    noFakes,
  ]),
)
