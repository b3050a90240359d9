export * from './memory-store.js'
export * from './fixed-clock.js'
export * from './recording-logger.js'
export * from './sequence-random.js'
