// Per-project fairness in front of the bounded pool (issue 18 §4): one project's burst cannot take every
// connection, and waiting projects take turns.
import { describe, expect, it } from 'vitest'
import { FairGate } from '../../src/store/postgres/fair-gate.js'

const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('FairGate', () => {
  it('keeps a slot for other projects while one project floods the pool', async () => {
    const gate = new FairGate(4, 2)
    const release = deferred()
    const busy = Array.from({ length: 10 }, () => gate.run('noisy', () => release.promise))
    await new Promise((r) => setImmediate(r))
    expect(gate.stats()).toEqual({ inUse: 2, waiting: 8 })
    // A quiet project gets a connection at once although the noisy one has eight waiting.
    let served = false
    await gate.run('quiet', async () => {
      served = true
    })
    expect(served).toBe(true)
    release.resolve()
    await Promise.all(busy)
    expect(gate.stats()).toEqual({ inUse: 0, waiting: 0 })
  })

  it('hands freed slots to waiting projects in turn', async () => {
    const gate = new FairGate(1, 1)
    const order: string[] = []
    const first = deferred()
    const holding = gate.run('a', () => first.promise)
    const waits = [
      gate.run('a', async () => void order.push('a1')),
      gate.run('a', async () => void order.push('a2')),
      gate.run('b', async () => void order.push('b1')),
      gate.run('c', async () => void order.push('c1')),
    ]
    first.resolve()
    await Promise.all([holding, ...waits])
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2'])
  })

  it('gives a slot back when the work throws', async () => {
    const gate = new FairGate(1, 1)
    await expect(gate.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(gate.stats().inUse).toBe(0)
    expect(await gate.run('a', async () => 'ok')).toBe('ok')
  })
})
