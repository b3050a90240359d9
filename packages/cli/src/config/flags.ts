import type { ArgsDef } from 'citty'
import { CONFIG_KEYS, defaultOf, type ConfigKey } from './schema.js'

/** `--` + key with `_`→`-` (CFG-2): `data_dir` → `data-dir`. */
export function flagName(key: string): string {
  return key.replaceAll('_', '-')
}

/** `METADATA_SERVICE_<KEY>` (CFG-2). */
export function prefixedEnvName(key: string): string {
  return `METADATA_SERVICE_${key.toUpperCase()}`
}

/** The flag that names the config file (CFG-3). */
export const CONFIG_FLAG = 'config'

/**
 * The `serve` flags, derived from the config schema: one per key and alias except `smd_jwt`/`smd_token` (CFG-2),
 * plus `--config`. Defaults appear only in help; the loader sees which flags were really given (CFG-1).
 */
export const SERVE_ARGS: ArgsDef = Object.fromEntries([
  [CONFIG_FLAG, { type: 'string', description: 'YAML config file (env METADATA_SERVICE_CONFIG)', valueHint: 'path' }],
  ...CONFIG_KEYS.filter(([, info]) => info.noFlag !== true).flatMap(([key, info]) => {
    const fallback = defaultOf(key)
    const boolean = typeof fallback === 'boolean'
    const env = [prefixedEnvName(key), ...(info.env ?? [])].join(', ')
    const shown = Array.isArray(fallback) ? fallback.join(',') : fallback
    const def = {
      type: boolean ? 'boolean' : 'string',
      description: `${info.description} (env ${env})`,
      ...(info.short === undefined ? {} : { alias: info.short }),
      ...(shown === '' || shown === undefined || shown === false ? {} : { default: boolean ? shown : String(shown) }),
    }
    const aliases = (info.aliases ?? []).map((alias) => [
      flagName(alias),
      { type: def.type, description: `Alias of --${flagName(key)}` },
    ])
    return [[flagName(key), def], ...aliases]
  }),
])

/** Every name a key answers to (itself, then its aliases). */
export function namesOf(key: ConfigKey, aliases: readonly string[] | undefined): readonly string[] {
  return [key, ...(aliases ?? [])]
}
