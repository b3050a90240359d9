export { PIPE_ATOMIC_BYTES } from './line-batcher.js'
export { createServeLog, LOG_LEVELS, type LogLevel, type ServeLog, type ServeLogOptions } from './pino-log.js'
