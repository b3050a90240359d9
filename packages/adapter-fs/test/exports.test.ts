import { expect, it } from 'vitest'

// A new public name is a visible diff in review (STYLE 2).
it('exports exactly these names', async () => {
  expect(Object.keys(await import('@metadata-service/adapter-fs')).sort()).toMatchInlineSnapshot(`
    [
      "inspectDataDir",
      "openFileSeedTokenStore",
      "openFileStore",
      "readFileSeedTokenState",
      "seedTokenDir",
    ]
  `)
})
