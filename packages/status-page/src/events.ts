/** What the server sends in each event (adapter-http `BootEvent`; only the fields the page reads). */
export interface BootEvent {
  readonly replica: { readonly hostname: string; readonly pid: number; readonly startedAt: string }
  readonly generatedAt: string
  readonly full: boolean
  readonly group?: string
  readonly xnames: readonly string[]
  readonly states: string
  readonly summary: Counts
  readonly groups: Readonly<Record<string, Counts>>
  readonly attention: readonly { readonly xname: string; readonly state: string; readonly since: string }[]
  readonly unknownAddresses?: UnknownList
}

/** Nodes per state, and in all. */
export type Counts = { readonly nodes: number } & Readonly<Record<string, number>>

/** The unknown-address list of an event. */
export interface UnknownList {
  readonly addresses: number
  readonly requests: number
  readonly dropped: number
  readonly capacity: number
  readonly entries: readonly { readonly address: string; readonly requests: number; readonly firstSeenAt: string; readonly lastSeenAt: string; readonly lastPath: string }[]
}

/** One parsed server-sent event. */
export interface ServerEvent {
  readonly event: string
  readonly data: string
}

/**
 * Splits a server-sent event stream into events (the `text/event-stream` rules the page needs: `event:` and
 * `data:` fields, comments and `retry:` ignored, an empty line ends an event). Feed it decoded chunks in order.
 */
export function createEventParser(onEvent: (event: ServerEvent) => void): (chunk: string) => void {
  let buffer = ''
  let event = 'message'
  let data: string[] = []
  return (chunk) => {
    buffer += chunk
    let newline = buffer.indexOf('\n')
    while (newline !== -1) {
      const line = buffer.slice(0, newline).replace(/\r$/, '')
      buffer = buffer.slice(newline + 1)
      newline = buffer.indexOf('\n')
      if (line === '') {
        if (data.length > 0) onEvent({ event, data: data.join('\n') })
        event = 'message'
        data = []
      } else if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
  }
}
