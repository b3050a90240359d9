import { MetadataError, parseJsonBody } from '@metadata-service/core'
import { isJsonMediaType, mediaType } from './media-type.js'
import type { AppContext } from './state.js'

/** Options of {@link readJsonBody}. */
export interface ReadBodyOptions {
  /** SEC-5 cap in bytes. */
  readonly limitBytes: number
  /** RES-8: POST and PUT answer 415 for a declared non-JSON type (an absent `Content-Type` is taken as JSON). */
  readonly requireJsonType: boolean
}

const tooLarge = () => new MetadataError('PAYLOAD_TOO_LARGE', 'request body too large')

/**
 * Reads and parses a JSON request body. Rejects with UNSUPPORTED_MEDIA_TYPE (`unsupported media type: <type>; send
 * Content-Type: application/json`: the Go service read any body as JSON, so the 415 says what to send, §16),
 * PAYLOAD_TOO_LARGE (`request body too large`: a declared `Content-Length` above the cap is refused before reading,
 * and a streamed body is counted as it arrives) or INVALID_BODY (`invalid request body: <detail>`, also for JSON
 * nested deeper than MAX_JSON_DEPTH, refused before parsing: SPEC §16 "Bodies").
 */
export async function readJsonBody(ctx: AppContext, options: ReadBodyOptions): Promise<unknown> {
  const type = mediaType(ctx.get('Content-Type'))
  if (options.requireJsonType && type !== '' && !isJsonMediaType(type)) {
    throw new MetadataError('UNSUPPORTED_MEDIA_TYPE', `unsupported media type: ${type}; send Content-Type: application/json`)
  }
  return parseJsonBody((await readRawBody(ctx, options.limitBytes)).toString('utf8'))
}

/**
 * Reads a request body as bytes, whatever its `Content-Type` (WG-4 parses `/wg-init` bodies itself). Rejects with
 * PAYLOAD_TOO_LARGE (`request body too large`) above `limitBytes` (SEC-5: a declared `Content-Length` above the cap
 * is refused before reading, and a streamed body is counted as it arrives) or INVALID_BODY when the stream fails.
 */
export async function readRawBody(ctx: AppContext, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || '0')
  if (declared > limitBytes) {
    refuseRest(ctx)
    throw tooLarge()
  }
  return readBytes(ctx, limitBytes)
}

// --- internal ---

function readBytes(ctx: AppContext, limitBytes: number): Promise<Buffer> {
  const req = ctx.req
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    const cleanup = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      total += chunk.length
      if (total <= limitBytes) return void chunks.push(chunk)
      // Stop reading, but do not destroy the request: the 413 must still reach the client.
      cleanup()
      req.pause()
      refuseRest(ctx)
      reject(tooLarge())
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks))
    }
    const onError = (err: Error) => {
      cleanup()
      reject(new MetadataError('INVALID_BODY', `invalid request body: ${err.message}`, { cause: err }))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}

/** The rest of an oversized body is never read: the connection closes after the 413 instead of draining it. */
function refuseRest(ctx: AppContext): void {
  ctx.res.shouldKeepAlive = false
}
