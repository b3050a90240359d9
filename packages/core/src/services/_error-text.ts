/** The message of an error (or the text of anything else thrown), for a log field; never sent to a client. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
