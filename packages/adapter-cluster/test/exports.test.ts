import { expect, it } from 'vitest'

// A new public name must show up as a diff here (STYLE 2).
it('exports exactly these names', async () => {
  expect(Object.keys(await import('../src/index.js')).sort()).toMatchInlineSnapshot(`
    [
      "connectRpc",
      "connectToPrimary",
      "mirroredTokenSource",
      "openReplicaInventory",
      "openReplicaSeedTokenStore",
      "openReplicaStore",
      "remoteBootStatus",
      "serveBootStatus",
      "serveReplicaInventory",
      "serveReplicaSeedTokens",
      "serveReplicaStore",
      "superviseWorkers",
    ]
  `)
})
