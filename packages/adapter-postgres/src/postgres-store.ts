import { randomUUID } from 'node:crypto'
import {
  KINDS,
  KIND_LIST,
  redactUrlCredentials,
  type AnyResource,
  type KindName,
  type Logger,
  type ResourceOf,
  type ResourceStore,
} from '@metadata-service/core'
import {
  clusterDefaultsConflict,
  createResourceTable,
  createStoreGate,
  tableReads,
  latestCreated,
  preconditionFailed,
  resourceNotFound,
  sameNameAndSpec,
  storedForm,
} from '@metadata-service/core/store'
import pg from 'pg'
import { storageFailed } from './_errors.js'
import { listenForChanges } from './_listen.js'
import { migrate } from './_schema.js'
import { createTransactionRunner } from './_transaction.js'

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:port/db` (`database_url`); the password never appears in messages. */
  connectionString: string
  logger: Logger
  /** Pool settings passed to `pg.Pool` (default: `max` 5). */
  pool?: Omit<pg.PoolConfig, 'connectionString'>
}

/**
 * Opens the PostgreSQL {@link ResourceStore} shared by several replicas: migrates the schema, loads every row into
 * memory and serves reads from there. Writes run in transactions with compare-and-swap on `resource_version`
 * (RES-5) and unique indexes on (kind, name) (RES-3) and on a WireGuardPeer's `allowed_ip` (WG-6); each commit
 * sends a NOTIFY that the other replicas LISTEN for, so their caches, `generation()` and subscribers follow within
 * moments. Rejects with STORAGE_FAILED when the database cannot be reached or migrated.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<ResourceStore> {
  const { connectionString, logger } = options
  // SPEC §16 Secrets: messages and logs name the database without its password.
  const where = redactUrlCredentials(connectionString)
  const pool = new pg.Pool({ max: 5, ...options.pool, connectionString })
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', (err) => logger.warn('postgres pool connection lost', { error: err.message }))
  const store = createPostgresStore({ pool, logger, where })
  try {
    const client = await pool.connect()
    try {
      await migrate(client)
    } finally {
      client.release()
    }
    // LISTEN first, then load: a write by another replica in between is then seen by one or the other.
    await store.start(connectionString)
    await store.load()
    return store.api
  } catch (err) {
    // Ends the LISTEN client (if it started) and the pool.
    await store.api.close().catch(() => {})
    throw storageFailed(`cannot open PostgreSQL store at ${where}`, err)
  }
}

// --- internal ---

/**
 * §16: one ClusterDefaults per cluster. The advisory lock serialises ClusterDefaults writes across replicas (a
 * unique index cannot: databases filled before this rule may hold several, which load, the latest served).
 */
async function clusterDefaultsRows(c: pg.PoolClient): Promise<AnyResource[]> {
  await c.query("SELECT pg_advisory_xact_lock(hashtext('metadata-service ClusterDefaults'))")
  const { rows } = await c.query<{ resource: AnyResource }>("SELECT resource FROM resources WHERE kind = 'ClusterDefaults'")
  return rows.map((r) => r.resource)
}

/** Rejects a new ClusterDefaults under another name than the cluster's (the same name is the unique index's 409). */
async function assertNoClusterDefaults(c: pg.PoolClient, next: AnyResource): Promise<void> {
  const holder = latestCreated(await clusterDefaultsRows(c))
  if (holder !== undefined && holder.metadata.name !== next.metadata.name) throw clusterDefaultsConflict(holder.metadata)
}

/**
 * Rejects a write to a superseded ClusterDefaults (§16 RES-3): the served one is the latest by createdAt. A write
 * that keeps its name and spec (its status) passes, as in every store.
 */
async function assertServedClusterDefaults(c: pg.PoolClient, next: AnyResource): Promise<void> {
  const rows = await clusterDefaultsRows(c)
  const served = latestCreated(rows)
  if (served === undefined || served.metadata.uid === next.metadata.uid) return
  const current = rows.find((r) => r.metadata.uid === next.metadata.uid)
  if (current === undefined || !sameNameAndSpec(current, next)) throw clusterDefaultsConflict(served.metadata)
}

interface Parts {
  pool: pg.Pool
  logger: Logger
  where: string
}

function createPostgresStore({ pool, logger, where }: Parts) {
  const origin = randomUUID()
  // The cache, generation and change feed; the database is the arbiter of every write check.
  const table = createResourceTable({
    onListenerError: (err, change) =>
      logger.error('resource change listener failed', { kind: change.kind, uid: change.uid, error: String(err) }),
  })

  let stopListening: (() => Promise<void>) | undefined
  // One write (or remote refresh) at a time per replica, so cache updates and publishes stay in order.
  const gate = createStoreGate()
  const { serialised } = gate
  const transaction = createTransactionRunner({ pool, logger, where, origin })
  const currentVersion = async (c: pg.PoolClient, kind: KindName, uid: string) => {
    const { rows: found } = await c.query<{ v: string }>(
      'SELECT resource_version::text AS v FROM resources WHERE kind = $1 AND uid = $2',
      [kind, uid],
    )
    return found[0]?.v
  }
  /** Brings one (kind, uid) of the cache up to the database after another replica wrote it. */
  const refresh = async (kind: KindName, uid: string) => {
    const { rows: found } = await pool.query<{ resource: AnyResource }>(
      'SELECT resource FROM resources WHERE kind = $1 AND uid = $2',
      [kind, uid],
    )
    const cached = table.get(kind, uid)
    const row = found[0]?.resource
    if (!row) {
      if (cached) table.apply('deleted', cached)
      return
    }
    if (cached && JSON.stringify(cached) === JSON.stringify(row)) return
    table.apply(cached ? 'updated' : 'created', row)
  }

  const api: ResourceStore = {
    ...tableReads(table, gate),
    create<K extends KindName>(resource: ResourceOf<K>) {
      const next = storedForm(resource) as AnyResource
      const { uid, name, createdAt, resourceVersion } = next.metadata
      return serialised(async () => {
        await transaction(`store ${next.kind} ${uid}`, { kind: next.kind, uid, resource: next }, async (c) => {
          if (next.kind === 'ClusterDefaults') await assertNoClusterDefaults(c, next)
          await c.query(
            `INSERT INTO resources (kind, uid, name, resource, resource_version, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [next.kind, uid, name, JSON.stringify(next), resourceVersion, createdAt],
          )
        })
        return table.apply('created', next as ResourceOf<K>)
      })
    },
    update<K extends KindName>(resource: ResourceOf<K>, expectedVersion: string) {
      const next = storedForm(resource) as AnyResource
      const { kind } = next
      const { uid, name } = next.metadata
      return serialised(async () => {
        next.metadata.resourceVersion = String(Number(expectedVersion) + 1)
        await transaction(`update ${kind} ${uid}`, { kind, uid, resource: next }, async (c) => {
          if (kind === 'ClusterDefaults') await assertServedClusterDefaults(c, next)
          const { rowCount } = await c.query(
            `UPDATE resources SET name = $3, resource = $4, resource_version = $5, created_at = $6, written_at = now()
             WHERE kind = $1 AND uid = $2 AND resource_version::text = $7`,
            [kind, uid, name, JSON.stringify(next), next.metadata.resourceVersion, next.metadata.createdAt, expectedVersion],
          )
          if (rowCount === 1) return
          const current = await currentVersion(c, kind, uid)
          throw current === undefined ? resourceNotFound(kind, uid) : preconditionFailed(current)
        })
        return table.apply('updated', next as ResourceOf<K>)
      })
    },
    delete<K extends KindName>(kind: K, uid: string, expectedVersion?: string) {
      return serialised(async () => {
        const deleted = await transaction(`delete ${kind} ${uid}`, { kind, uid }, async (c) => {
          const { rows: gone } = await c.query<{ resource: AnyResource }>(
            `DELETE FROM resources WHERE kind = $1 AND uid = $2 AND ($3::text IS NULL OR resource_version::text = $3)
             RETURNING resource`,
            [kind, uid, expectedVersion ?? null],
          )
          if (gone[0]) return gone[0].resource
          const current = await currentVersion(c, kind, uid)
          throw current === undefined ? resourceNotFound(kind, uid) : preconditionFailed(current)
        })
        table.apply('deleted', deleted)
        return structuredClone(deleted) as ResourceOf<K>
      })
    },
    problems: () => [],
    // Waits for queued writes, then ends the LISTEN client and the pool. Idempotent.
    close: () =>
      gate.close(async () => {
        table.clearSubscribers()
        await stopListening?.().catch(() => {})
        await pool.end().catch(() => {})
      }),
  }

  return {
    api,
    /** Fills the cache with every row (at open, before anyone can subscribe). */
    load: () =>
      serialised(async () => {
        const { rows } = await pool.query<{ resource: AnyResource }>('SELECT resource FROM resources')
        for (const { resource } of rows) if (resource.kind in KINDS) table.apply('created', resource)
      }),
    async start(connectionString: string) {
      stopListening = await listenForChanges({
        connectionString,
        logger,
        onNotice(notice) {
          if (notice.o === origin || !(notice.k in KINDS)) return
          serialised(() => refresh(notice.k, notice.u)).catch((err: unknown) => {
            if (!gate.closed) logger.warn('postgres change refresh failed', { kind: notice.k, uid: notice.u, error: String(err) })
          })
        },
        onResync() {
          // After a lost LISTEN connection, notices may have been missed: compare every row with the cache.
          return serialised(async () => {
            const { rows: all } = await pool.query<{ kind: KindName; uid: string }>('SELECT kind, uid FROM resources')
            const keys = new Set(all.map((r) => `${r.kind}/${r.uid}`))
            for (const r of all) await refresh(r.kind, r.uid)
            for (const { kind } of KIND_LIST) {
              for (const { metadata } of table.list(kind)) if (!keys.has(`${kind}/${metadata.uid}`)) await refresh(kind, metadata.uid)
            }
          })
        },
      })
    },
  }
}
