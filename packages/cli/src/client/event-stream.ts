import { createEventParser } from '@metadata-service/status-page/events'
import { request } from 'undici'
import { CliError } from '../errors.js'
import { describeHttpError, type ApiClientOptions } from './api-client.js'

/**
 * Reads the server-sent events of `path` (BOOT `/boot-status/events`), calling `onEvent` with each event's name
 * and JSON data, until the server ends the stream (resolves) or `signal` aborts (resolves). The answer must come
 * within `options.timeoutMs`; the stream itself may then stay quiet for any time. Rejects like the API client:
 * `cannot reach <server>: …`, or the CLI-6 text of an error answer.
 */
export async function readEventStream(
  options: ApiClientOptions,
  path: string,
  signal: AbortSignal,
  onEvent: (event: string, data: unknown) => void,
): Promise<void> {
  let res: Awaited<ReturnType<typeof request>>
  try {
    res = await request(`${options.server}${path}`, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: 0,
      signal,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    })
  } catch (err) {
    if (signal.aborted) return
    throw new CliError(`cannot reach ${options.server}: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err })
  }
  if (res.statusCode !== 200) throw new CliError(describeHttpError({ status: res.statusCode, body: await res.body.text() }))
  const parse = createEventParser(({ event, data }) => onEvent(event, JSON.parse(data) as unknown))
  try {
    res.body.setEncoding('utf8')
    for await (const chunk of res.body) parse(chunk as string)
  } catch (err) {
    if (!signal.aborted) throw new CliError(`event stream from ${options.server} broke: ${(err as Error).message}`, undefined, { cause: err })
  }
}
