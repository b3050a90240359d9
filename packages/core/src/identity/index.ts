export * from './headers.js'
export * from './client-address.js'
export * from './request-base.js'
export * from './node-index.js'
