import { expect, it } from 'vitest'

// A new public name must show up as a diff here (STYLE 2).
it('exports exactly these names', async () => {
  expect(Object.keys(await import('../src/index.js')).sort()).toMatchInlineSnapshot(`
    [
      "DEFAULT_SMD_MAX_RESPONSE_BYTES",
      "EMPTY_SNAPSHOT",
      "SMD_URL_REQUIRED_MESSAGE",
      "TOKENSMITH_AUTH_REQUIRED_MESSAGE",
      "buildSnapshot",
      "componentNid",
      "createMockInventory",
      "createMockSmdClient",
      "createSmdClient",
      "createSmdInventory",
      "createStaticTokenSource",
      "createSyncProcess",
      "createTokenSmithSource",
      "endpointNics",
      "membershipLabels",
      "nodeOptionFlags",
      "normalizeSmdBaseUrl",
      "parseComponents",
      "parseEndpoints",
      "parseInterfaces",
      "parseMemberships",
      "parseTokenSmithScopes",
      "selectTokenMode",
      "setsSemiSpace",
    ]
  `)
})

it('exports exactly these test helpers from ./testing', async () => {
  expect(Object.keys(await import('../src/testing/index.js')).sort()).toMatchInlineSnapshot(`
    [
      "createTestPki",
      "fakeNodeIp",
      "fakeSmdData",
      "fakeXname",
      "generateFakeNodes",
      "startFakeSmd",
      "startFakeTokenSmith",
    ]
  `)
})
