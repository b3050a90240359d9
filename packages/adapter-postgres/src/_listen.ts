import type { KindName, Logger } from '@metadata-service/core'
import pg from 'pg'
import { CHANGES_CHANNEL } from './_schema.js'

/** The NOTIFY payload: origin replica, kind, uid. Small on purpose (NOTIFY payloads stop at 8000 bytes). */
export interface ChangeNotice {
  o: string
  k: KindName
  u: string
}

interface ListenOptions<N> {
  connectionString: string
  logger: Logger
  /** The NOTIFY channel; default {@link CHANGES_CHANNEL} (resource changes). */
  channel?: string
  /** Called with each notice's parsed JSON payload. */
  onNotice: (notice: N) => void
  /** Called after a lost LISTEN connection is back, since notices sent meanwhile are gone. */
  onResync: () => Promise<void>
}

/** Delay before reconnecting a lost LISTEN connection, in ms. */
const RECONNECT_MS = 500

/**
 * Keeps one dedicated connection LISTENing on a channel (default: the resource change channel), reconnecting (and resyncing) when it drops.
 * Resolves once the first LISTEN is active; returns the function that stops it.
 */
export async function listenForChanges<N = ChangeNotice>(options: ListenOptions<N>): Promise<() => Promise<void>> {
  const { connectionString, logger, onNotice, onResync, channel = CHANGES_CHANNEL } = options
  let stopped = false
  let client: pg.Client | undefined
  let timer: NodeJS.Timeout | undefined

  const connect = async () => {
    const next = new pg.Client({ connectionString })
    next.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return
      try {
        onNotice(JSON.parse(message.payload) as N)
      } catch (err) {
        logger.warn('postgres change notice unreadable', { error: String(err) })
      }
    })
    const lost = (reason: string) => {
      if (stopped || client !== next) return
      logger.warn('postgres change feed lost; reconnecting', { error: reason })
      client = undefined
      next.end().catch(() => {})
      schedule()
    }
    next.on('error', (err) => lost(err.message))
    next.on('end', () => lost('connection ended'))
    try {
      await next.connect()
      await next.query(`LISTEN ${channel}`)
    } catch (err) {
      await next.end().catch(() => {})
      throw err
    }
    client = next
  }
  const schedule = () => {
    timer = setTimeout(() => {
      if (stopped) return
      connect()
        .then(() => onResync())
        .then(() => logger.info('postgres change feed restored'))
        .catch((err: unknown) => {
          logger.warn('postgres change feed still down', { error: String(err) })
          schedule()
        })
    }, RECONNECT_MS)
    timer.unref()
  }

  await connect()
  return async () => {
    stopped = true
    clearTimeout(timer)
    await client?.end()
  }
}
