import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'tsup'

// BOOT /status: one browser script (an IIFE, no imports, no dependencies), its page and stylesheet, which
// adapter-http serves from this package's dist/ (or from a copy beside the CLI bundle), so the page works
// air-gapped; and the event-stream parser as a module for Node users of /boot-status/events (`status --watch`).
// No `clean`: the two builds share dist/ and run side by side.
export default defineConfig([
  {
    entry: { 'status-page': 'src/main.ts' },
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    minify: true,
    sourcemap: true,
    // tsup names IIFE output `*.global.js`; the page loads `status-page.js`.
    outExtension: () => ({ js: '.js' }),
    // The page and its stylesheet go beside the script: adapter-http serves the three as they are.
    onSuccess: async () => {
      for (const file of ['status-page.html', 'status-page.css']) copyFileSync(join('src', file), join('dist', file))
    },
  },
  // No declarations: TypeScript users read src/ through the "@metadata-service/source" condition, like the tests.
  { entry: { events: 'src/events.ts' }, format: ['esm'], platform: 'neutral', target: 'node20', sourcemap: true },
])
