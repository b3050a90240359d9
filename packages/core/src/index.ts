export * from './errors.js'
export * from './domain/index.js'
export * from './ports/index.js'
export * from './services/index.js'
