import { createEventParser } from '@metadata-service/status-page/events'

/** A server-sent event stream read in a test. */
export interface EventReader {
  /** The next event, its data parsed as JSON. */
  next(): Promise<{ event: string; data: Record<string, unknown> }>
  /** Settles when the server ended the stream. */
  readonly ended: Promise<void>
  close(): void
}

/** Opens `url` as an event stream (BOOT `/boot-status/events`) and queues its events. */
export function readEvents(url: string, headers: Record<string, string> = {}): EventReader {
  const controller = new AbortController()
  const queue: Array<{ event: string; data: Record<string, unknown> }> = []
  const waiters: Array<(e: { event: string; data: Record<string, unknown> }) => void> = []
  const parse = createEventParser(({ event, data }) => {
    const parsed = { event, data: JSON.parse(data) as Record<string, unknown> }
    const waiter = waiters.shift()
    if (waiter) waiter(parsed)
    else queue.push(parsed)
  })
  const ended = (async () => {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
    if (res.status !== 200 || res.body === null) throw new Error(`event stream answered ${res.status}: ${await res.text()}`)
    const decoder = new TextDecoder()
    for await (const chunk of res.body) parse(decoder.decode(chunk, { stream: true }))
  })().catch((err: unknown) => {
    if (!controller.signal.aborted) throw err
  })
  return {
    next: () => {
      const queued = queue.shift()
      return queued !== undefined ? Promise.resolve(queued) : Promise.race([new Promise<never>((_, reject) => void ended.then(() => reject(new Error('stream ended')), reject)), new Promise((resolve) => waiters.push(resolve))]) as never
    },
    ended,
    close: () => controller.abort(),
  }
}
