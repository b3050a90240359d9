import type pg from 'pg'

/**
 * Schema migrations, applied in order at start; `schema_migrations` records which ran. Append only: a released
 * migration is never edited. `resource` is `json` (not `jsonb`) so a document comes back with the key order it was
 * written in, and every replica serves byte-identical YAML/JSON.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE resources (
     kind text NOT NULL,
     uid text NOT NULL,
     name text NOT NULL,
     resource json NOT NULL,
     resource_version bigint NOT NULL,
     created_at text NOT NULL,
     written_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (kind, uid)
   );
   CREATE UNIQUE INDEX resources_kind_name_key ON resources (kind, name);
   -- WG-6: two replicas allocating at once cannot both store the same tunnel address; the loser retries.
   CREATE UNIQUE INDEX resources_wireguard_ip_key ON resources ((resource->'spec'->>'allowed_ip'))
     WHERE kind = 'WireGuardPeer';`,
  // SEED (issue 20): one secret for every replica, written once by whichever replica starts first (INSERT … ON
  // CONFLICT DO NOTHING), and the rotation epochs, so every replica derives and accepts the same tokens.
  `CREATE TABLE seed_tokens (
     id smallint PRIMARY KEY CHECK (id = 1),
     secret text NOT NULL,
     global_epoch bigint NOT NULL DEFAULT 0 CHECK (global_epoch >= 0),
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE seed_token_epochs (
     xname text PRIMARY KEY,
     epoch bigint NOT NULL CHECK (epoch >= 0)
   );`,
]

/** The constraint names {@link mapWriteError} recognises. */
export const NAME_KEY = 'resources_kind_name_key'
export const UID_KEY = 'resources_pkey'
export const WIREGUARD_IP_KEY = 'resources_wireguard_ip_key'

/** NOTIFY channel carrying `{"o":<origin>,"k":<kind>,"u":<uid>}` after each committed write. */
export const CHANGES_CHANNEL = 'metadata_service_changes'

/** NOTIFY channel carrying `{"o":<origin>}` after each committed seed token rotation (SEED). */
export const SEED_TOKENS_CHANNEL = 'metadata_service_seed_tokens'

/**
 * Applies the missing migrations in one transaction under an advisory lock, so replicas starting together
 * migrate once.
 */
export async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query('BEGIN')
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('metadata-service schema'))")
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    )
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations')
    const applied = new Set(rows.map((r) => r.version))
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1
      if (applied.has(version)) continue
      await client.query(sql)
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version])
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
}
