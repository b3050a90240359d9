import { execFile } from 'node:child_process'
import { access, chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

/** Where Debian's `postgresql` package puts the server binaries (`.ci/run` installs it). */
export const POSTGRES_BIN_DIR = process.env.METADATA_SERVICE_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin'

/** A PostgreSQL cluster in a temp directory, private to one test file. */
export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` for a new, empty database. */
  createDatabase(name: string): Promise<string>
  /** Stops the server (`pg_ctl stop -m immediate`) and removes its directory. */
  stop(): Promise<void>
}

/**
 * Starts a throwaway cluster: `initdb --auth=trust` as the `postgres` OS user when running as root (initdb refuses
 * root), then `pg_ctl start` on 127.0.0.1 and a free port. Rejects with a clear message when the binaries are
 * missing: the PostgreSQL tests fail then, they never skip.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const initdb = join(POSTGRES_BIN_DIR, 'initdb')
  const pgCtl = join(POSTGRES_BIN_DIR, 'pg_ctl')
  try {
    await access(initdb)
  } catch {
    throw new Error(
      `PostgreSQL server binaries not found in ${POSTGRES_BIN_DIR} (install the Debian "postgresql" package, ` +
        'or set METADATA_SERVICE_TEST_PG_BIN)',
    )
  }
  const root = await mkdtemp(join(tmpdir(), 'mds-pg-'))
  const dataDir = join(root, 'data')
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    await chown(root, Number(stdout.trim()), Number(gid.trim()))
    await chmod(root, 0o700)
  }
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args))
  const port = await freePort()
  await as(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'])
  const serverOptions = `-k ${root} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off`
  await as(pgCtl, ['-D', dataDir, '-o', serverOptions, '-l', join(root, 'server.log'), '-w', 'start'])
  const base = `postgres://postgres@127.0.0.1:${port}`
  return {
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: `${base}/postgres` })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE "${name.replaceAll('"', '')}"`)
      } finally {
        await client.end()
      }
      return `${base}/${name}`
    },
    async stop() {
      await as(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => {})
      await rm(root, { recursive: true, force: true })
    },
  }
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
