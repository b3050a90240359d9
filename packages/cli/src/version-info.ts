import pkg from '../package.json' with { type: 'json' }

// Replaced by tsup at build time (tsup.config.ts `define`); absent when running from source.
declare const __METADATA_SERVICE_COMMIT__: string | undefined
declare const __METADATA_SERVICE_BUILT__: string | undefined

/** What `version` prints (CLI-5) and what the SMD User-Agent carries (SMD-3). */
export interface VersionInfo {
  readonly version: string
  /** Git commit of the build, when known. */
  readonly commit?: string
  /** Build time (RFC 3339), when known. */
  readonly built?: string
}

/** The version of this executable. */
export const VERSION_INFO: VersionInfo = {
  version: pkg.version,
  ...(typeof __METADATA_SERVICE_COMMIT__ === 'string' && __METADATA_SERVICE_COMMIT__ !== ''
    ? { commit: __METADATA_SERVICE_COMMIT__ }
    : {}),
  ...(typeof __METADATA_SERVICE_BUILT__ === 'string' && __METADATA_SERVICE_BUILT__ !== ''
    ? { built: __METADATA_SERVICE_BUILT__ }
    : {}),
}

/** CLI-5: `metadata-service version <v>`, then `  commit: <c>` and `  built:  <d>` when known. */
export function formatVersion(info: VersionInfo): string {
  return [
    `metadata-service version ${info.version}`,
    ...(info.commit === undefined ? [] : [`  commit: ${info.commit}`]),
    ...(info.built === undefined ? [] : [`  built:  ${info.built}`]),
  ]
    .join('\n')
    .concat('\n')
}
