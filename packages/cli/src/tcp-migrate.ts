import { readFileSync } from 'node:fs'

/** Linux's switch (5.14 and later, per network namespace) for handing over a closed listener's queued connections. */
export const TCP_MIGRATE_REQ_PATH = '/proc/sys/net/ipv4/tcp_migrate_req'

/**
 * Whether the kernel hands the connections queued on a closed SO_REUSEPORT listener (a `--workers` worker that
 * exits, crashes or is replaced) to another listener of its group instead of resetting them:
 * `net.ipv4.tcp_migrate_req` read from `path` (default {@link TCP_MIGRATE_REQ_PATH}). Undefined where it cannot be
 * read (another OS, a kernel before 5.14) or holds something else than 0 or 1.
 */
export function queuedConnectionsMigrate(path: string = TCP_MIGRATE_REQ_PATH): boolean | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  const value = text.trim()
  return value === '1' ? true : value === '0' ? false : undefined
}
