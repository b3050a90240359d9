import { describe, expect, it } from 'vitest'
import { connectRpc } from '../src/rpc.js'
import { ipcPair } from './_ipc-pair.js'

// The parts of the primary/worker channel the snapshot sender relies on (issue 19): a call answered per peer,
// an event's write reported back, and nothing sent by a closed peer.

describe('connectRpc', () => {
  it('answers a call with the handler of this peer before the shared ones', async () => {
    const [a, b] = ipcPair()
    const served = connectRpc(a, { who: () => 'shared', other: () => 'shared' })
    served.onCall('who', () => 'this peer')
    const caller = connectRpc(b, {})
    expect(await caller.call('who')).toBe('this peer')
    expect(await caller.call('other')).toBe('shared')
  })

  it('reports when an event is written, in order, and drops it with an error once the peer is closed', async () => {
    const [a, b] = ipcPair()
    const sender = connectRpc(a, {})
    const got: unknown[] = []
    connectRpc(b, {}).onEvent('e', (data) => got.push(data))
    const written: string[] = []
    await new Promise<void>((resolve) => {
      sender.emit('e', 1, (error) => written.push(`1 ${String(error)}`))
      sender.emit('e', 2, (error) => {
        written.push(`2 ${String(error)}`)
        resolve()
      })
    })
    expect([got, written]).toEqual([[1, 2], ['1 null', '2 null']])
    sender.close('worker exited')
    let dropped: Error | null = null
    sender.emit('e', 3, (error) => (dropped = error))
    expect(dropped).toMatchObject({ message: 'worker exited' })
    await expect(sender.call('anything')).rejects.toThrow('worker exited')
    await new Promise((resolve) => setImmediate(resolve))
    expect(got).toEqual([1, 2])
  })
})
