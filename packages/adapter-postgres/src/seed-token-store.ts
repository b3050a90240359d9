import { randomUUID } from 'node:crypto'
import {
  createSeedSubscribers,
  decodeSeedSecret,
  encodeSeedSecret,
  generateSeedSecret,
  redactUrlCredentials,
  seedStoreClosed,
  type Logger,
  type SeedTokenState,
  type SeedTokenStore,
} from '@metadata-service/core'
import pg from 'pg'
import { storageFailed } from './_errors.js'
import { listenForChanges } from './_listen.js'
import { migrate, SEED_TOKENS_CHANNEL } from './_schema.js'

/** Options of {@link openPostgresSeedTokenStore}. */
export interface PostgresSeedTokenStoreOptions {
  /** `database_url`, the same database as the resource store; the password never appears in messages. */
  connectionString: string
  logger: Logger
}

/** What a replica announces after a rotation: its origin, so it can skip its own notice. */
interface SeedNotice {
  o: string
}

/**
 * The {@link SeedTokenStore} shared by every replica on one PostgreSQL database (SEED): the secret is one row written
 * once by whichever replica opens first (`INSERT … ON CONFLICT DO NOTHING`, then every replica reads that row), so
 * every replica accepts every token; rotations add one to the stored epochs in a transaction that NOTIFYs the
 * others, which reload the state within moments (and after a lost LISTEN connection). Migrates the schema first.
 * Rejects with STORAGE_FAILED when the database cannot be reached, and with an `Error` when the stored secret is
 * invalid (it is never replaced: every token would change).
 */
export async function openPostgresSeedTokenStore(options: PostgresSeedTokenStoreOptions): Promise<SeedTokenStore> {
  const { connectionString, logger } = options
  const where = redactUrlCredentials(connectionString)
  const pool = new pg.Pool({ max: 2, connectionString })
  pool.on('error', (err) => logger.warn('postgres pool connection lost', { error: err.message }))
  const origin = randomUUID()
  const listeners = createSeedSubscribers()
  let state: SeedTokenState | undefined
  let stopListening: (() => Promise<void>) | undefined
  let closed = false
  // One rotation or reload at a time, so the state a listener sees only moves forward.
  let queue: Promise<unknown> = Promise.resolve()
  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task)
    queue = run.catch(() => {})
    return run
  }
  const publish = (next: SeedTokenState) => {
    state = next
    listeners.publish(next)
  }
  const reload = () =>
    serialised(async () => {
      const next = await readState(pool)
      if (!sameState(state, next)) publish(next)
    })
  const rotate = (what: string, body: (c: pg.PoolClient) => Promise<unknown>) =>
    serialised(async () => {
      if (closed) throw seedStoreClosed()
      await inTransaction(pool, what, where, async (c) => {
        await body(c)
        await c.query('SELECT pg_notify($1, $2)', [SEED_TOKENS_CHANNEL, JSON.stringify({ o: origin } satisfies SeedNotice)])
      })
      // The whole state, so other replicas' rotations since the last notice are in it too.
      const next = await readState(pool).catch((err: unknown) => {
        throw storageFailed('cannot read seed tokens from PostgreSQL', err, where)
      })
      publish(next)
      return next
    })

  try {
    const client = await pool.connect()
    try {
      await migrate(client)
      await client.query('INSERT INTO seed_tokens (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [encodeSeedSecret(generateSeedSecret())])
    } finally {
      client.release()
    }
    // LISTEN first, then read: a rotation in between is seen by one or the other.
    stopListening = await listenForChanges<SeedNotice>({
      connectionString,
      logger,
      channel: SEED_TOKENS_CHANNEL,
      onNotice(notice) {
        if (notice.o === origin) return
        reload().catch((err: unknown) => {
          if (!closed) logger.warn('postgres seed token refresh failed', { error: String(err) })
        })
      },
      onResync: reload,
    })
    state = await readState(pool)
  } catch (err) {
    await stopListening?.().catch(() => {})
    await pool.end().catch(() => {})
    if (err instanceof Error && err.message.startsWith('invalid seed token secret')) throw err
    throw storageFailed(`cannot open the seed tokens in PostgreSQL at ${where}`, err)
  }

  return {
    current: () => state as SeedTokenState,
    rotateNodes: (xnames) => {
      const unique = [...new Set(xnames)]
      if (unique.length === 0) return Promise.resolve(state as SeedTokenState)
      return rotate('rotate seed tokens', (c) =>
        // Each adds one to what is stored, so two replicas rotating one node at once make it two.
        c.query(
          `INSERT INTO seed_token_epochs (xname, epoch) SELECT x, 1 FROM unnest($1::text[]) AS x
           ON CONFLICT (xname) DO UPDATE SET epoch = seed_token_epochs.epoch + 1`,
          [unique],
        ),
      )
    },
    rotateAll: () => rotate('rotate all seed tokens', (c) => c.query('UPDATE seed_tokens SET global_epoch = global_epoch + 1 WHERE id = 1')),
    subscribe: listeners.subscribe,
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      await queue
      await stopListening?.().catch(() => {})
      await pool.end().catch(() => {})
    },
  }
}

/** What {@link importSeedTokenState} did. */
export type SeedTokenImport = 'copied' | 'unchanged' | 'conflict'

/**
 * `migrate`: brings a file store's seed token state into the database so every node keeps its seed URL. When the
 * database holds no secret yet, `state`'s is written; then each stored epoch is raised to at least `state`'s (never
 * lowered: a rotated token stays rotated), and running replicas are told. Answers `conflict`, changing nothing, when
 * the database already holds another secret (replicas started before the migration made one). Rejects with
 * STORAGE_FAILED when the database cannot be reached.
 */
export async function importSeedTokenState(options: PostgresSeedTokenStoreOptions & { state: SeedTokenState }): Promise<SeedTokenImport> {
  const { connectionString, state } = options
  const where = redactUrlCredentials(connectionString)
  const pool = new pg.Pool({ max: 1, connectionString })
  pool.on('error', (err) => options.logger.warn('postgres pool connection lost', { error: err.message }))
  try {
    const client = await pool.connect().catch((err: unknown) => {
      throw storageFailed('cannot import seed tokens: PostgreSQL is unreachable', err, where)
    })
    try {
      await migrate(client)
    } finally {
      client.release()
    }
    const before = await readStateIfAny(pool)
    if (before !== undefined && !Buffer.from(before.secret).equals(Buffer.from(state.secret))) return 'conflict'
    await inTransaction(pool, 'import seed tokens', where, async (c) => {
      await c.query('INSERT INTO seed_tokens (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [encodeSeedSecret(state.secret)])
      await c.query('UPDATE seed_tokens SET global_epoch = GREATEST(global_epoch, $1) WHERE id = 1', [state.globalEpoch])
      await c.query(
        `INSERT INTO seed_token_epochs (xname, epoch) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (xname) DO UPDATE SET epoch = GREATEST(seed_token_epochs.epoch, excluded.epoch)`,
        [[...state.nodeEpochs.keys()], [...state.nodeEpochs.values()]],
      )
      await c.query('SELECT pg_notify($1, $2)', [SEED_TOKENS_CHANNEL, JSON.stringify({ o: 'migrate' } satisfies SeedNotice)])
    })
    return sameState(before, await readState(pool)) ? 'unchanged' : 'copied'
  } finally {
    await pool.end().catch(() => {})
  }
}

// --- internal ---

async function readStateIfAny(pool: pg.Pool): Promise<SeedTokenState | undefined> {
  const { rows } = await pool.query('SELECT 1 FROM seed_tokens WHERE id = 1')
  return rows.length === 0 ? undefined : readState(pool)
}

async function readState(pool: pg.Pool): Promise<SeedTokenState> {
  const { rows } = await pool.query<{ secret: string; global_epoch: string }>('SELECT secret, global_epoch::text FROM seed_tokens WHERE id = 1')
  const row = rows[0]
  if (row === undefined) throw new Error('the seed_tokens row is missing')
  let secret: Uint8Array
  try {
    secret = decodeSeedSecret(row.secret)
  } catch (err) {
    throw new Error(`invalid seed token secret in table seed_tokens: ${(err as Error).message}`)
  }
  const epochs = await pool.query<{ xname: string; epoch: string }>('SELECT xname, epoch::text FROM seed_token_epochs')
  return {
    secret,
    globalEpoch: Number(row.global_epoch),
    nodeEpochs: new Map(epochs.rows.map((r) => [r.xname, Number(r.epoch)])),
  }
}

function sameState(a: SeedTokenState | undefined, b: SeedTokenState): boolean {
  if (a === undefined || a.globalEpoch !== b.globalEpoch || a.nodeEpochs.size !== b.nodeEpochs.size) return false
  for (const [xname, epoch] of b.nodeEpochs) if (a.nodeEpochs.get(xname) !== epoch) return false
  return Buffer.from(a.secret).equals(Buffer.from(b.secret))
}

/** Runs `body` between BEGIN and COMMIT; failures become STORAGE_FAILED `cannot <what> in PostgreSQL: <reason>`. */
async function inTransaction(pool: pg.Pool, what: string, where: string, body: (c: pg.PoolClient) => Promise<void>): Promise<void> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (err) {
    throw storageFailed(`cannot ${what}: PostgreSQL is unreachable`, err, where)
  }
  const onError = (err: Error) => void err
  client.on('error', onError)
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    await body(client)
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr as Error))
    throw storageFailed(`cannot ${what} in PostgreSQL`, err, where)
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}
