import { EventEmitter } from 'node:events'
import type { IpcChannel } from '../src/rpc.js'

/**
 * Two connected IPC channels in one process, standing in for a primary and a worker: each message is
 * structured-cloned (as node:cluster's advanced serialization does) and delivered later, in send order. Messages sent
 * in one turn arrive together in one later turn, as several messages in one IPC read do: no promise continuation
 * runs between them.
 */
export function ipcPair(): [IpcChannel, IpcChannel] {
  const ends = [new EventEmitter(), new EventEmitter()] as const
  const channel = (self: EventEmitter, other: EventEmitter): IpcChannel => {
    let queue: { message: unknown; callback?: (error: Error | null) => void }[] = []
    return {
      send(message, callback) {
        if (queue.length === 0) {
          setImmediate(() => {
            const batch = queue
            queue = []
            for (const each of batch) {
              other.emit('message', each.message)
              each.callback?.(null)
            }
          })
        }
        queue.push({ message: structuredClone(message), ...(callback === undefined ? {} : { callback }) })
        return true
      },
      on: (event, listener) => self.on(event, listener),
      off: (event, listener) => self.off(event, listener),
    }
  }
  return [channel(ends[0], ends[1]), channel(ends[1], ends[0])]
}
