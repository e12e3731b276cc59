import { Worker } from 'node:worker_threads'

// Runs in the worker: one md5 per upload, fed whole files in the order they are sent.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { createReadStream } = require('node:fs')
const hashes = new Map()
let queue = Promise.resolve()
parentPort.on('message', (m) => {
  queue = queue.then(async () => {
    try {
      if (m.op === 'update') {
        let hash = hashes.get(m.id)
        if (!hash) hashes.set(m.id, (hash = createHash('md5')))
        for await (const piece of createReadStream(m.path, { highWaterMark: 1 << 20 })) hash.update(piece)
        parentPort.postMessage({ seq: m.seq })
      } else if (m.op === 'digest') {
        const hash = hashes.get(m.id) ?? createHash('md5')
        hashes.delete(m.id)
        parentPort.postMessage({ seq: m.seq, value: hash.digest('hex') })
      } else {
        hashes.delete(m.id)
        parentPort.postMessage({ seq: m.seq })
      }
    } catch (error) {
      hashes.delete(m.id)
      parentPort.postMessage({ seq: m.seq, error: String(error && error.message || error) })
    }
  })
})
`

/**
 * md5 of files on disk, computed on a worker thread so that hashing an upload's chunks runs beside the
 * request handling instead of on the event loop. Each `id` is one running hash fed files in order.
 */
export class Md5Worker {
  private worker: Worker | null = null
  private seq = 0
  private readonly waiting = new Map<number, { resolve: (v: string | undefined) => void; reject: (e: Error) => void }>()

  private send(message: Record<string, unknown>): Promise<string | undefined> {
    if (!this.worker) {
      const worker = new Worker(WORKER_SOURCE, { eval: true })
      worker.unref()
      worker.on('message', (m: { seq: number; value?: string; error?: string }) => {
        const w = this.waiting.get(m.seq)
        this.waiting.delete(m.seq)
        if (m.error) w?.reject(new Error(m.error))
        else w?.resolve(m.value)
      })
      worker.on('error', (error) => this.failAll(error))
      worker.on('exit', () => {
        this.failAll(new Error('md5 worker exited'))
        this.worker = null
      })
      this.worker = worker
    }
    const seq = ++this.seq
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject })
      this.worker!.postMessage({ ...message, seq })
    })
  }

  private failAll(error: Error): void {
    for (const w of this.waiting.values()) w.reject(error)
    this.waiting.clear()
  }

  /** Feeds the whole file at `path` into hash `id`. */
  async update(id: string, path: string): Promise<void> {
    await this.send({ op: 'update', id, path })
  }

  /** The hex digest of `id`, which is then forgotten. */
  async digest(id: string): Promise<string> {
    return (await this.send({ op: 'digest', id }))!
  }

  async drop(id: string): Promise<void> {
    await this.send({ op: 'drop', id })
  }

  async close(): Promise<void> {
    await this.worker?.terminate()
    this.worker = null
  }
}
