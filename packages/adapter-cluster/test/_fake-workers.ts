import type { Worker } from 'node:cluster'
import { EventEmitter } from 'node:events'
import type { WorkerForker } from '../src/worker-supervisor.js'
import type { PrimaryChannel } from '../src/worker-connection.js'
import { ipcPair } from './_ipc-pair.js'

/** EventEmitter's own listener type. */
type Listener = Parameters<EventEmitter['on']>[1]

/** One forked stand-in: the primary's handle on it and the worker's own channel. */
export interface FakeWorker {
  readonly id: number
  /** The primary's side (what `cluster.fork()` returns). */
  readonly handle: Worker
  /** The worker's side (`cluster.worker`). */
  readonly channel: PrimaryChannel
  /** The worker's server listens on `port` (node:cluster's `listening` event). */
  listen(port: number): void
  /** The process exits; `kill` does the same with its signal. */
  exit(code: number | null, signal?: string): void
  /** Signals the primary sent it (`process.kill`). */
  readonly signals: string[]
}

/**
 * A {@link WorkerForker} whose workers are in-process stand-ins joined by {@link ipcPair}, so `superviseWorkers` and
 * `connectToPrimary` meet as they do over node:cluster; `onFork` starts each worker's side.
 */
export function fakeForker(onFork: (worker: FakeWorker) => void): WorkerForker & { readonly forked: FakeWorker[] } {
  const forked: FakeWorker[] = []
  return {
    forked,
    fork() {
      const [primaryEnd, workerEnd] = ipcPair()
      const events = new EventEmitter()
      const workerEvents = new EventEmitter()
      const signals: string[] = []
      let exited = false
      const exit = (code: number | null, signal?: string): void => {
        if (exited) return
        exited = true
        workerEvents.emit('disconnect')
        events.emit('exit', code, signal ?? null)
      }
      const on = (end: typeof primaryEnd, own: EventEmitter) => (event: string, listener: Listener) =>
        event === 'message' ? end.on('message', listener) : own.on(event, listener)
      const handle = {
        id: forked.length + 1,
        send: primaryEnd.send,
        on: on(primaryEnd, events),
        off: (event: string, listener: Listener) =>
          event === 'message' ? primaryEnd.off('message', listener) : events.off(event, listener),
        once: (event: string, listener: Listener) => events.once(event, listener),
        process: {
          kill(signal: string) {
            signals.push(signal)
            setImmediate(() => exit(null, signal))
            return true
          },
        },
      } as unknown as Worker
      const channel = { ...workerEnd, on: on(workerEnd, workerEvents), disconnect: () => exit(0) } as PrimaryChannel
      const worker: FakeWorker = { id: handle.id, handle, channel, listen: (port) => events.emit('listening', { port }), exit, signals }
      forked.push(worker)
      onFork(worker)
      return handle
    },
  }
}
