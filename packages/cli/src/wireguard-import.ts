import {
  loadOrCreateServerKey,
  readGoStateFile,
  readImportRecord,
  serverKeyPath,
  writeImportRecord,
} from '@metadata-service/adapter-wireguard'
import {
  importGoWireGuardPeers,
  isMetadataError,
  parseGoWireGuardState,
  wireGuardPublicKey,
  type Clock,
  type Logger,
  type ResourceStore,
} from '@metadata-service/core'
import { CliError } from './errors.js'

/** What {@link importGoWireGuardState} needs. */
export interface GoStateImportDeps {
  readonly store: ResourceStore
  /** Absolute data directory: the key goes to `<dataDir>/wireguard/server.key` (WG-3). */
  readonly dataDir: string
  readonly logger: Logger
  readonly clock: Clock
  /** WG-6: the node's xname for a boot address, else the address itself. */
  readonly resolveRequester: (address: string) => Promise<string>
}

/**
 * `--wireguard-state-file` (§16, issue 13): on the first start with WireGuard on, imports the Go service's WireGuard
 * state, once. Its server key becomes `<dataDir>/wireguard/server.key` (the key the device uses, so the nodes'
 * tunnels keep working) and its peers become WireGuardPeer resources; `<dataDir>/wireguard/imported-state.json`
 * records the import, and one info line says what was imported. Later starts find the record and read nothing.
 * No file at `file`: nothing to import (info line). Rejects with a CliError naming the file and what is wrong when
 * it cannot be read or parsed, or when `server.key` already holds another key (which of the two to keep is the
 * operator's choice: the message says how to make either).
 */
export async function importGoWireGuardState(file: string, deps: GoStateImportDeps): Promise<void> {
  const { dataDir, logger } = deps
  const fail = (detail: string, cause?: unknown) =>
    new CliError(`cannot import the WireGuard state file ${file} (wireguard_state_file): ${detail}`, undefined, { cause })
  let record
  try {
    record = await readImportRecord(dataDir)
  } catch (err) {
    throw fail((err as Error).message, err)
  }
  if (record !== undefined) {
    logger.debug('WireGuard state of the Go service already imported', { file: record.file, importedAt: record.importedAt })
    return
  }
  const read = await readGoStateFile(file).catch((err: unknown) => {
    throw fail((err as Error).message, err)
  })
  if (read === undefined) {
    logger.info(`no WireGuard state file at ${file}; nothing to import`)
    return
  }
  let state
  try {
    state = parseGoWireGuardState(read.text)
  } catch (err) {
    if (!isMetadataError(err)) throw err
    throw fail(err.message, err)
  }
  let key: string
  try {
    key = await loadOrCreateServerKey(dataDir, { initialKey: state.serverPrivateKey })
  } catch (err) {
    throw fail((err as Error).message, err)
  }
  if (key !== state.serverPrivateKey) {
    throw fail(
      `${serverKeyPath(dataDir)} already holds another server key. Remove that file to use the state file's key ` +
        '(nodes keep their tunnels), or set wireguard_state_file to "" to keep it (nodes must run /wg-init again)',
    )
  }
  const result = await importGoWireGuardPeers(state.peers, { ...deps, now: deps.clock.now() })
  await writeImportRecord(dataDir, {
    file,
    sha256: read.sha256,
    importedAt: new Date(deps.clock.now()).toISOString(),
    peers: result.imported,
  })
  logger.info(`imported the WireGuard state of the Go service from ${file}: its server key and ${result.imported.length} peers`, {
    file,
    publicKey: wireGuardPublicKey(key),
    peers: result.imported.length,
    skipped: result.skipped,
  })
}
