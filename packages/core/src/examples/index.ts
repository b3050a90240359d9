export * from './quickstart.js'
export * from './documents.js'
