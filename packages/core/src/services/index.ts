export * from './resource-api.js'
export * from './nocloud-api.js'
