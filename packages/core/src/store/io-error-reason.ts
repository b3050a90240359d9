/**
 * The reason of an I/O failure in words, for a message a client may see (SPEC §16 "Secrets": clients never see
 * server file paths; issue 16). Node's system errors put the path or the peer address into their message
 * (`EROFS: read-only file system, open '/data/groups/…'`, `connect ECONNREFUSED 10.0.0.5:5432`); this keeps the
 * description and the code only: `read-only file system (EROFS)`, `connect failed (ECONNREFUSED)`. Any other
 * error gives its message unchanged. The whole error belongs in the log, as the `cause` of the MetadataError.
 */
export function ioErrorReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const { code, syscall } = err as { code?: unknown; syscall?: unknown }
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return err.message
  const prefix = `${code}: `
  if (err.message.startsWith(prefix)) {
    const words = err.message.slice(prefix.length)
    // The description comes first; the path follows `, <syscall> `, so the first match is the right cut.
    const cut = typeof syscall === 'string' ? words.indexOf(`, ${syscall}`) : -1
    return `${cut >= 0 ? words.slice(0, cut) : words} (${code})`
  }
  return typeof syscall === 'string' ? `${syscall} failed (${code})` : code
}
