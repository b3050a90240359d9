import type { ArgsDef, CommandDef } from 'citty'
import { createServeLog, PIPE_ATOMIC_BYTES } from '@metadata-service/adapter-log'
import { systemClock } from '@metadata-service/core'
import { SERVE_ARGS } from '../config/flags.js'
import { loadConfig, redactConfig } from '../config/load.js'
import { VERSION_INFO } from '../version-info.js'
import { leafCommand, PROGRAM, type CliContext } from './command.js'

/**
 * `serve` (CLI-1): loads the configuration (CFG), starts the service in the OPS-1 order and runs until SIGINT or
 * SIGTERM, then drains and releases the data directory (OPS-4). Logs go to stdout as JSON lines. Also what
 * `metadata-server` runs without a command (§16 CLI, see `dispatchServe`).
 */
export function serveCommand(ctx: CliContext): CommandDef<ArgsDef> {
  return leafCommand({
    path: `${PROGRAM} serve`,
    description: 'Run the metadata service until SIGINT/SIGTERM',
    examples: [
      `${PROGRAM} serve --port 8888 --mock-smd --data-dir ./data`,
      `SMD_URL=http://smd:27779 SMD_JWT=$TOKEN ${PROGRAM} serve`,
      `${PROGRAM} serve --config /etc/metadata-service/config.yaml --log-format pretty`,
      'metadata-server --mock-smd --debug --port 8888 --data-dir ./data   # Go name; serve is optional',
    ],
    args: SERVE_ARGS,
    run: async (_args, rawArgs) => {
      const { config, file, warnings, sources } = loadConfig({ argv: rawArgs, env: ctx.io.env, readFile: ctx.io.readFile })
      // Loaded here so the client commands do not pay for the server's modules at startup.
      const { clusterWorkerId, startServer } = await import('../compose.js')
      const worker = clusterWorkerId()
      // Every process of `--workers` writes to the one stdout: writes up to PIPE_BUF never interleave.
      const shared = worker !== undefined || config.workers !== 1
      const log = createServeLog({
        level: config.log_level,
        format: config.log_format,
        clock: systemClock,
        write: (chunk) => ctx.io.stdout(chunk),
        ...(shared ? { maxWriteBytes: PIPE_ATOMIC_BYTES } : {}),
      })
      // Every line of a worker names it, so an operator can tell the processes apart.
      const logger = worker === undefined ? log.logger : log.logger.child({ worker })
      if (worker === undefined) {
        for (const warning of warnings) logger.warn(warning)
        logger.info('starting metadata-service', { version: VERSION_INFO.version, configFile: file ?? null })
        // SEC-4: the effective configuration, secrets as `***`; where each value came from only at debug (CFG-1).
        logger.info('configuration', { config: redactConfig(config) })
        logger.debug('configuration sources', { sources })
      }

      // Register before starting, so a signal during startup still shuts down cleanly once started.
      let signalled: (signal: string) => void = () => {}
      const stop = new Promise<string>((resolve) => (signalled = resolve))
      const removeHandler = ctx.io.onShutdownSignal((signal) => signalled(signal))
      try {
        const server = await startServer(config, { logger, clock: systemClock, version: VERSION_INFO.version })
        const signal = await (server.stopRequested === undefined ? stop : Promise.race([stop, server.stopRequested]))
        logger.info('shutting down', { signal, drainSeconds: config.shutdown_timeout })
        await server.close()
        logger.info('stopped')
      } finally {
        removeHandler()
        await log.close()
      }
    },
  })
}
