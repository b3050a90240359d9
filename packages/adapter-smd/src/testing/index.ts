// Test servers for SMD and TokenSmith on the real wire contracts (FS, FT in SPEC §14). Never imported by
// production code; other packages use them through `@metadata-service/adapter-smd/testing`.
export * from './fake-smd-data.js'
export * from './fake-smd.js'
export * from './fake-tokensmith.js'
export * from './test-pki.js'
