// SPEC §16 "Secrets", issue 16: the SMD URL's password was logged in clear. Credentials inside URLs (SMD_URL,
// database_url, TokenSmith, JWKS, public_url, or any URL quoted in an error) are masked wherever text is shown or
// logged, by this one function.

// `scheme://` and the authority after it (up to the path, query, fragment, whitespace or a closing quote).
const AUTHORITY = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/?#"'<>]*)/g
// Query parameters that carry secrets in connection URLs (libpq `?password=`) and callback URLs.
const SECRET_PARAMETER = /([?&;](?:password|passwd|pwd|secret|token|access_token|api_?key)=)[^&;#\s"'<>]*/gi

/** How a masked secret reads. */
export const REDACTED = '***'

/**
 * `text` with the password of every `scheme://user:password@host` written as `***` (the user name stays, as Go's
 * `URL.Redacted`), and the values of `password`, `passwd`, `pwd`, `secret`, `token`, `access_token` and `api_key`
 * query parameters too. Works on a bare URL and on any text quoting URLs (error messages, config dumps); does not
 * parse, so a URL too broken to parse is masked as well. A password holding `@` is masked up to the last `@` of
 * the authority, as URL parsers read it.
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('://') && !text.includes('=')) return text
  return text
    .replace(AUTHORITY, (match, scheme: string, authority: string) => {
      const at = authority.lastIndexOf('@')
      const colon = at < 0 ? -1 : authority.indexOf(':')
      if (colon < 0 || colon > at) return match
      return `${scheme}${authority.slice(0, colon)}:${REDACTED}${authority.slice(at)}`
    })
    .replace(SECRET_PARAMETER, `$1${REDACTED}`)
}
