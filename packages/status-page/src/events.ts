import type { BootChanges, BootCounts, UnknownAddressesView } from '@metadata-service/core'

/** The data of an event of `/boot-status/events` (core's BootChanges, as JSON). */
export type BootEvent = BootChanges

/** Nodes per state, and in all. */
export type Counts = BootCounts

/** The unknown-address list of an event. */
export type UnknownList = UnknownAddressesView

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
