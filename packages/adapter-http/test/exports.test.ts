import { expect, it } from 'vitest'

it('exports exactly these names (STYLE 2: a new public name is a visible diff)', async () => {
  expect(Object.keys(await import('../src/index.js')).sort()).toMatchInlineSnapshot(`
    [
      "READ_SCOPE",
      "STATUS",
      "WRITE_SCOPE",
      "createApp",
      "createBearerAuthorizer",
      "createCidrAuthorizer",
      "createRuntimeMetrics",
      "createServiceMetrics",
      "listen",
      "listenMetrics",
      "runtimeHasReusePort",
    ]
  `)
})
