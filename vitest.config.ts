import { defineConfig } from 'vitest/config'

const conditions = ['@metadata-service/source']

export default defineConfig({
  // Tests run against package sources through the "@metadata-service/source" export condition (STYLE 16).
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    restoreMocks: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
