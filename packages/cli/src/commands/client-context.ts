import { createApiClient, type ApiClient } from '../client/api-client.js'
import { resolveClientOptions, type ClientOptions } from '../config/client.js'
import type { CliContext } from './command.js'

const SETTINGS = new WeakMap<CliContext, ClientOptions>()

/**
 * The client settings of this invocation, resolved once (the config file is read and the "no server configured"
 * warning printed once, however many requests the command makes). Throws as {@link resolveClientOptions}.
 */
export function clientSettings(ctx: CliContext): ClientOptions {
  let settings = SETTINGS.get(ctx)
  if (settings === undefined) {
    settings = resolveClientOptions(ctx.globals, ctx.io)
    SETTINGS.set(ctx, settings)
  }
  return settings
}

/** An API client for this invocation's server, token, API version and log level. */
export function apiClient(ctx: CliContext): ApiClient {
  return createApiClient(clientSettings(ctx))
}
