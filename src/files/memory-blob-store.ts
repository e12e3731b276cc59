import { Readable } from 'node:stream'
import type { BlobStore } from './blob-store.js'
import { assertBlobKey } from './blob-store.js'

interface Blob {
  /** Non-overlapping pieces sorted by offset; chunked uploads add one per chunk instead of copying. */
  pieces: { offset: number; data: Buffer }[]
  modifiedAt: number
}

const lengthOf = (b: Blob) => b.pieces.reduce((n, p) => Math.max(n, p.offset + p.data.length), 0)

/** Blobs in the process, for `--in-memory` and tests. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Blob>()

  async write(key: string, source: AsyncIterable<Buffer> | Readable, options: { offset?: number } = {}): Promise<number> {
    assertBlobKey(key)
    const parts: Buffer[] = []
    for await (const chunk of source) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array))
    const data = Buffer.concat(parts)
    const offset = options.offset
    if (offset === undefined) {
      this.blobs.set(key, { pieces: [{ offset: 0, data }], modifiedAt: Date.now() })
      return data.length
    }
    const blob = this.blobs.get(key) ?? { pieces: [], modifiedAt: 0 }
    const end = offset + data.length
    const kept = blob.pieces.filter((p) => !(p.offset === offset && p.data.length === data.length))
    const overlaps = kept.some((p) => p.offset < end && p.offset + p.data.length > offset)
    if (overlaps) {
      const whole = Buffer.alloc(Math.max(lengthOf(blob), end))
      for (const p of kept) p.data.copy(whole, p.offset)
      data.copy(whole, offset)
      blob.pieces = [{ offset: 0, data: whole }]
    } else {
      blob.pieces = [...kept, { offset, data }].sort((a, b) => a.offset - b.offset)
    }
    blob.modifiedAt = Date.now()
    this.blobs.set(key, blob)
    return data.length
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    const blob = this.blobs.get(assertBlobKey(key))
    if (!blob) {
      const error = Object.assign(new Error(`ENOENT: no blob ${key}`), { code: 'ENOENT' })
      return new Readable({ read() { this.destroy(error) } })
    }
    const size = lengthOf(blob)
    const start = range?.start ?? 0
    const end = Math.min(range?.end ?? size - 1, size - 1)
    const pieces = blob.pieces
    function* slices() {
      let at = start
      for (const p of pieces) {
        if (at > end) break
        const pEnd = p.offset + p.data.length - 1
        if (pEnd < at) continue
        // A gap (a chunk not written yet) reads as zeros, as a sparse file does.
        if (p.offset > at) {
          const gapEnd = Math.min(p.offset - 1, end)
          yield Buffer.alloc(gapEnd - at + 1)
          at = gapEnd + 1
          if (at > end) break
        }
        const sliceEnd = Math.min(pEnd, end)
        yield p.data.subarray(at - p.offset, sliceEnd - p.offset + 1)
        at = sliceEnd + 1
      }
    }
    return Readable.from(slices(), { objectMode: false })
  }

  async size(key: string): Promise<number | null> {
    const blob = this.blobs.get(assertBlobKey(key))
    return blob ? lengthOf(blob) : null
  }

  async move(from: string, to: string): Promise<void> {
    const blob = this.blobs.get(assertBlobKey(from))
    if (!blob) throw Object.assign(new Error(`ENOENT: no blob ${from}`), { code: 'ENOENT' })
    this.blobs.delete(from)
    this.blobs.set(assertBlobKey(to), blob)
  }

  async delete(key: string): Promise<void> {
    this.blobs.delete(assertBlobKey(key))
  }

  async list(prefix: string): Promise<{ key: string; modifiedAt: number }[]> {
    const start = `${assertBlobKey(prefix)}/`
    return [...this.blobs].filter(([k]) => k.startsWith(start)).map(([key, b]) => ({ key, modifiedAt: b.modifiedAt }))
  }

  async deletePrefix(prefix: string): Promise<void> {
    const start = `${assertBlobKey(prefix)}/`
    for (const k of [...this.blobs.keys()]) if (k.startsWith(start)) this.blobs.delete(k)
  }

  /** Total bytes held, for tests that check nothing is left behind. */
  get bytes(): number {
    let n = 0
    for (const b of this.blobs.values()) n += b.pieces.reduce((s, p) => s + p.data.length, 0)
    return n
  }

  keys(): string[] {
    return [...this.blobs.keys()]
  }
}
