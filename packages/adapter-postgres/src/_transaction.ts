import { MetadataError, type AnyResource, type KindName, type Logger } from '@metadata-service/core'
import type pg from 'pg'
import { storageFailed } from './_errors.js'
import type { ChangeNotice } from './_listen.js'
import { CHANGES_CHANNEL } from './_schema.js'
import { writeConflict } from './_write-conflict.js'

interface RunnerParts {
  pool: pg.Pool
  logger: Logger
  /** The redacted database address, for the log (the cause of a failure), never for a client's message. */
  where: string
  /** This replica's id, sent with each NOTIFY so it can skip its own. */
  origin: string
}

/**
 * The write path of the PostgreSQL store: `transaction(what, key, body)` runs `body` between BEGIN and COMMIT, sends
 * the change NOTIFY in the same transaction (so other replicas hear of committed writes only), and turns failures
 * into MetadataErrors: `body`'s own, CONFLICT for unique violations (RES-3, WG-6), else STORAGE_FAILED
 * `cannot <what> …: <reason>`, which names no database address (issue 16; the log has it, in the cause).
 */
export function createTransactionRunner({ pool, logger, where, origin }: RunnerParts) {
  /** Runs `body` in a transaction that also NOTIFYs the other replicas about (kind, uid). */
  const transaction = async <T>(
    what: string,
    key: { kind: KindName; uid: string; resource?: AnyResource },
    body: (c: pg.PoolClient) => Promise<T>,
  ) => {
    const { kind, uid } = key
    const client = await begin(what)
    // A connection lost while checked out emits 'error' on the client; unhandled, that would end the process.
    const onError = (err: Error) => logger.warn('postgres connection lost during a write', { error: err.message })
    client.on('error', onError)
    let broken: Error | undefined
    try {
      const result = await body(client)
      const notice: ChangeNotice = { o: origin, k: kind, u: uid }
      await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(notice)])
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr as Error))
      if (err instanceof MetadataError) throw err
      throw (key.resource && (await writeConflict(pool, err, key.resource))) ?? storageFailed(`cannot ${what} in PostgreSQL`, err, where)
    } finally {
      client.off('error', onError)
      // A client whose ROLLBACK failed is dead: destroy it rather than hand it out again.
      client.release(broken)
    }
  }
  /**
   * A pooled client inside `BEGIN`. An idle connection may have died since its last use (server restart, failover):
   * nothing was written then, so BEGIN is tried once more on a fresh connection before giving up.
   */
  const begin = async (what: string): Promise<pg.PoolClient> => {
    let lastError: unknown
    for (let attempt = 0; attempt < 2; attempt++) {
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (err) {
        throw storageFailed(`cannot ${what}: PostgreSQL is unreachable`, err, where)
      }
      const onError = () => {}
      client.on('error', onError)
      try {
        await client.query('BEGIN')
        client.off('error', onError)
        return client
      } catch (err) {
        lastError = err
        client.off('error', onError)
        client.release(err as Error)
      }
    }
    throw storageFailed(`cannot ${what}: PostgreSQL is unreachable`, lastError, where)
  }
  return transaction
}
