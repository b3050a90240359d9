export * from './plan.js'
export * from './merge.js'
export * from './validate-networks.js'
export * from './write-check.js'
