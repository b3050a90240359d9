import { expect, it } from 'vitest'

// A new public name is a visible diff in review (STYLE 2).
it('exports exactly these names', async () => {
  expect(Object.keys(await import('@metadata-service/adapter-log')).sort()).toMatchInlineSnapshot(`
    [
      "LOG_LEVELS",
      "PIPE_ATOMIC_BYTES",
      "createServeLog",
    ]
  `)
})
