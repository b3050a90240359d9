// pino's own asynchronous destination (sonic-boom on fd 1), the first choice of issue 17, kept here only so that
// `npm run bench -- --loggers pino,pino-async` can measure it against the destination the service uses
// (packages/adapter-log/src/log-destination.ts: the lines of one event-loop turn in one synchronous write). Same export as
// that module; the benchmark bundles it in its place (logger-variant.js). JSON format only.
import { pino } from 'pino'

/**
 * One write in flight at a time through the libuv thread pool; lines logged meanwhile go out together, each write
 * at most `maxWriteBytes` (16 KiB by default, sonic-boom's own) and ending at a line end.
 * @param {{ maxWriteBytes?: number, fd?: number }} options  `fd` defaults to 1 (stdout)
 */
export function logDestination(options) {
  const boom = pino.destination({ fd: options.fd ?? 1, sync: false, minLength: 0, maxWrite: options.maxWriteBytes ?? 16 * 1024 })
  boom.on('error', () => {})
  return {
    write: (line) => void boom.write(line),
    close: () =>
      new Promise((resolve) => {
        boom.once('close', () => resolve())
        boom.end()
      }),
  }
}
