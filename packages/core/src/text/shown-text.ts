import { escapeControlCharacters } from './control-characters.js'
import { redactUrlCredentials } from './redact-url.js'

/**
 * Text made safe to show anyone, whatever produced it (SPEC §16 "Secrets", issue 16): URL credentials masked
 * (the SMD URL's password was logged in clear; a TokenSmith failure quotes its URL) and control characters
 * written as `\uXXXX` (a `%00` or `%1B` from a path, a name, an upstream error text). Used for log lines, stderr,
 * error bodies and `/health`. In a JSON line, JSON has already escaped C0; what it leaves raw (DEL, C1,
 * U+2028/9…) becomes a `\uXXXX` escape, which JSON readers decode to the same string.
 */
export function shownText(text: string): string {
  return escapeControlCharacters(redactUrlCredentials(text))
}
