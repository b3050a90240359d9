import { expect, it } from 'vitest'

// A new public name is a visible diff in review (STYLE 2); one snapshot per subpath (issue 18).

it('@metadata-service/core exports exactly these names', async () => {
  expect(Object.keys(await import('@metadata-service/core')).sort()).toMatchInlineSnapshot(`
    [
      "BOOT_STATES",
      "CLOUD_CONFIG_HEADER",
      "DEFAULT_BOOT_QUERY_LIMIT",
      "DEFAULT_MAX_DOCUMENT_BYTES",
      "KINDS",
      "KIND_LIST",
      "KIND_NAMES",
      "MAX_BOOT_QUERY_LIMIT",
      "MAX_JSON_DEPTH",
      "MetadataError",
      "MetadataSchema",
      "NOCLOUD_CONTENT_TYPES",
      "NetworksSchema",
      "SUPPORTED_API_VERSIONS",
      "TOO_DEEP_MESSAGE",
      "WIREGUARD_DISABLED_MESSAGE",
      "addressKey",
      "answerNoCloudRequest",
      "anyCidrContains",
      "bootAddress",
      "buildInterfaces",
      "checkWireGuardKey",
      "checkWireGuardPeer",
      "clientAddress",
      "controlCharacterIn",
      "copyResources",
      "createBootRecorder",
      "createBootStatusService",
      "createNoCloudService",
      "createResourceService",
      "createWireGuardService",
      "generateWireGuardKeyPair",
      "importGoWireGuardPeers",
      "indexNodesByAddress",
      "isHttpUrl",
      "isMetadataError",
      "isTrustedPeer",
      "normalizePeerAddress",
      "parseBootQuery",
      "parseCidr",
      "parseCidrList",
      "parseDurationMs",
      "parseDurationSeconds",
      "parseGoWireGuardState",
      "parseJsonBody",
      "parseServerAddress",
      "redactUrlCredentials",
      "requestBase",
      "serviceHealth",
      "shownText",
      "silentLogger",
      "startWireGuard",
      "systemClock",
      "templateKind",
      "validateGroupTemplate",
      "wireGuardKeyFromHex",
      "wireGuardKeyToHex",
      "wireGuardPeerUid",
      "wireGuardPublicKey",
    ]
  `)
})

it('@metadata-service/core/store (the ResourceStore kit) exports exactly these names', async () => {
  expect(Object.keys(await import('@metadata-service/core/store')).sort()).toMatchInlineSnapshot(`
    [
      "clusterDefaultsConflict",
      "createResourceTable",
      "createStoreGate",
      "ioErrorReason",
      "latestCreated",
      "nameConflict",
      "preconditionFailed",
      "resourceNotFound",
      "sameNameAndSpec",
      "storedForm",
      "tableReads",
    ]
  `)
})

it('@metadata-service/core/examples exports exactly these names', async () => {
  expect(Object.keys(await import('@metadata-service/core/examples')).sort()).toMatchInlineSnapshot(`
    [
      "GOLDEN_COMPUTE_YAML",
      "GOLDEN_GREEN_YAML",
      "GOLDEN_META_DATA",
      "GOLDEN_NETWORK_CONFIG",
      "GOLDEN_VENDOR_DATA",
      "K1",
      "QUICKSTART_CLUSTER_DEFAULTS",
      "QUICKSTART_GROUP_COMPUTE",
      "QUICKSTART_GROUP_GREEN",
    ]
  `)
})

it('@metadata-service/core/testing exports exactly these names', async () => {
  expect(Object.keys(await import('@metadata-service/core/testing')).sort()).toMatchInlineSnapshot(`
    [
      "CORPUS_SECOND_KEY",
      "DEBIAN_PYTHON",
      "FUZZ_SEED",
      "GOLDEN_COMPUTE_YAML",
      "GOLDEN_GREEN_YAML",
      "GOLDEN_META_DATA",
      "GOLDEN_NETWORK_CONFIG",
      "GOLDEN_VENDOR_DATA",
      "K1",
      "K2",
      "MOCK_N0",
      "MOCK_N1",
      "MOCK_NODE_FIXTURES",
      "MOCK_STORAGE",
      "QUICKSTART_CLUSTER_DEFAULTS",
      "QUICKSTART_GROUP_COMPUTE",
      "QUICKSTART_GROUP_GREEN",
      "RESOLVER_LOOKALIKES",
      "SPECIAL_CHARACTERS",
      "clusterDefaultsConflictText",
      "conflictText",
      "createFakeInventory",
      "createFakeTokenSource",
      "createFakeTunnel",
      "createFixedClock",
      "createMemoryStore",
      "createRecordingLogger",
      "createSequenceRandom",
      "describeInventory",
      "describeResourceStore",
      "describeTunnel",
      "fuzzParameters",
      "goWireGuardStateYaml",
      "hostileJson",
      "hostileString",
      "inventoryNodeOf",
      "pongo2Corpus",
      "startPyYaml",
      "storedResource",
    ]
  `)
})
