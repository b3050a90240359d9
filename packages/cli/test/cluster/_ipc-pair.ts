import { EventEmitter } from 'node:events'
import type { IpcChannel } from '../../src/cluster/rpc.js'

/**
 * Two connected IPC channels in one process, standing in for a primary and a worker: each message is
 * structured-cloned (as node:cluster's advanced serialization does) and delivered later, in send order.
 */
export function ipcPair(): [IpcChannel, IpcChannel] {
  const ends = [new EventEmitter(), new EventEmitter()] as const
  const channel = (self: EventEmitter, other: EventEmitter): IpcChannel => ({
    send(message, callback) {
      const copy = structuredClone(message)
      setImmediate(() => {
        other.emit('message', copy)
        callback?.(null)
      })
      return true
    },
    on: (event, listener) => self.on(event, listener),
    off: (event, listener) => self.off(event, listener),
  })
  return [channel(ends[0], ends[1]), channel(ends[1], ends[0])]
}
