import { MetadataError, isMetadataError, type MetadataErrorCode } from '@metadata-service/core'

/** The IPC side of a cluster worker or of the primary's handle on one (`process` / `cluster.Worker`). */
export interface IpcChannel {
  /** Node calls `callback` with an error instead of throwing or emitting one when the channel has closed. */
  send(message: unknown, callback?: (error: Error | null) => void): boolean
  on(event: 'message', listener: (message: unknown) => void): unknown
  off(event: 'message', listener: (message: unknown) => void): unknown
}

/** Handlers for the calls a peer may make; each returns (or resolves) a structured-cloneable value. */
export type RpcHandlers = Readonly<Record<string, (...args: never[]) => unknown>>

/** One end of a request/response and event channel between the primary and a worker. */
export interface RpcPeer {
  /** Calls `method` on the other side; rejects with the error it threw (a `MetadataError` keeps its code). */
  call<T>(method: string, ...args: unknown[]): Promise<T>
  /**
   * Sends a one-way event. Dropped silently when the channel has closed (the peer is exiting) or this peer was
   * closed. `written`, when given, is called once the message is written to the channel (so the other side is
   * reading), or with the error when it was dropped: a sender of many messages paces itself on it.
   */
  emit(event: string, data: unknown, written?: (error: Error | null) => void): void
  /** Handles one-way events of this name. */
  onEvent(event: string, listener: (data: unknown) => void): void
  /** Answers calls of `method` on this peer only, before the shared handlers (a reply that depends on the caller). */
  onCall(method: string, handler: (...args: never[]) => unknown): void
  /** Stops listening and sending; pending calls reject with `reason`. */
  close(reason: string): void
}

interface CallMessage {
  readonly rpc: 'call'
  readonly id: number
  readonly method: string
  readonly args: unknown[]
}
interface ReplyMessage {
  readonly rpc: 'reply'
  readonly id: number
  readonly value?: unknown
  readonly error?: { readonly code?: MetadataErrorCode; readonly message: string }
}
interface EventMessage {
  readonly rpc: 'event'
  readonly event: string
  readonly data: unknown
}
type Message = CallMessage | ReplyMessage | EventMessage

/**
 * Connects `channel` as an {@link RpcPeer} serving `handlers`. Messages are tagged (`rpc`), so node:cluster's own
 * messages on the same channel pass by. Calls and events keep their order on the channel: an event sent before a
 * reply is handled before it, which the replica store relies on for read-your-writes.
 * Errors cross as code and message only; their causes stay in the process that logged them.
 */
export function connectRpc(channel: IpcChannel, handlers: RpcHandlers): RpcPeer {
  let nextId = 1
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: unknown): void }>()
  const eventListeners = new Map<string, (data: unknown) => void>()
  const ownHandlers = new Map<string, (...args: never[]) => unknown>()
  let closed: Error | undefined
  // A closed channel means the other side exited; its pending calls are rejected by close(), nothing to report.
  const ignoreClosed = (): void => {}
  const send = (message: Message, written: (error: Error | null) => void = ignoreClosed): void => {
    if (closed !== undefined) return written(closed)
    try {
      channel.send(message, written)
    } catch (err) {
      // Same: a channel that is already gone may also throw synchronously.
      written(err as Error)
    }
  }

  const onMessage = (raw: unknown): void => {
    const message = raw as Partial<Message> | null
    if (message === null || typeof message !== 'object') return
    if (message.rpc === 'call') void answer(message as CallMessage)
    else if (message.rpc === 'reply') settle(message as ReplyMessage)
    else if (message.rpc === 'event') eventListeners.get((message as EventMessage).event)?.((message as EventMessage).data)
  }
  const answer = async ({ id, method, args }: CallMessage): Promise<void> => {
    try {
      const handler = ownHandlers.get(method) ?? (Object.hasOwn(handlers, method) ? handlers[method] : undefined)
      if (handler === undefined) throw new Error(`unknown call ${method}`)
      send({ rpc: 'reply', id, value: await (handler as (...a: unknown[]) => unknown)(...args) })
    } catch (err) {
      send({ rpc: 'reply', id, error: isMetadataError(err) ? { code: err.code, message: err.message } : { message: String((err as Error)?.message ?? err) } })
    }
  }
  const settle = ({ id, value, error }: ReplyMessage): void => {
    const waiter = pending.get(id)
    if (waiter === undefined) return
    pending.delete(id)
    if (error === undefined) waiter.resolve(value)
    else waiter.reject(error.code === undefined ? new Error(error.message) : new MetadataError(error.code, error.message))
  }
  channel.on('message', onMessage)

  return {
    call<T>(method: string, ...args: unknown[]) {
      if (closed !== undefined) return Promise.reject(closed)
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
        send({ rpc: 'call', id, method, args })
      })
    },
    emit: (event, data, written) => send({ rpc: 'event', event, data }, written),
    onEvent: (event, listener) => {
      eventListeners.set(event, listener)
    },
    onCall: (method, handler) => {
      ownHandlers.set(method, handler)
    },
    close(reason) {
      closed = new Error(reason)
      channel.off('message', onMessage)
      for (const waiter of pending.values()) waiter.reject(new Error(reason))
      pending.clear()
    },
  }
}
