// SPEC §16, issue 16 item 6: `base_url "http://a/\nruncmd: [x]"` passed because the WHATWG URL parser drops tabs
// and newlines (and trims spaces and C0) before it checks; the stored string, newline included, then went into a
// vendor-data `#include` line. URLs are judged on the exact string that is stored: it must already be an RFC 3986
// URI, with nothing for a parser to remove or repair.

// RFC 3986 characters: unreserved, reserved (gen-delims and sub-delims), and `%` only as a percent-encoded octet.
// No spaces, no control characters, no backslash (which WHATWG reads as `/`), no raw non-ASCII (use punycode and
// percent-encoding).
const URI_TEXT = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/
const HTTP_SCHEME = /^https?:\/\//i

/**
 * True for an absolute `http` or `https` URL with a host, written exactly as stored: RFC 3986 characters only, so
 * the string that lands in a document line is the very string that was checked.
 */
export function isHttpUrl(text: string): boolean {
  if (!HTTP_SCHEME.test(text) || !URI_TEXT.test(text)) return false
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}
