import { escapeControlCharacters, redactUrlCredentials } from '@metadata-service/core'

/**
 * A line of text made safe to show, in a log line or on stderr, whatever produced it (SPEC §16 "Secrets", issue
 * 16): URL credentials masked (the SMD URL's password was logged in clear in `config` and `baseUrl`; a bad config
 * value is quoted back in its error), and control characters written as `\uXXXX` (a `%00` or `%1B` from a path,
 * a name, an upstream error text). In a JSON log line, JSON has already escaped C0; what it leaves raw (DEL, C1,
 * U+2028/9…) becomes a `\uXXXX` escape, which JSON readers decode to the same string.
 */
export function shownText(line: string): string {
  return escapeControlCharacters(redactUrlCredentials(line))
}
