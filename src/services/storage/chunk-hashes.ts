import { createHash, type Hash } from 'node:crypto'
import type { BlobStore } from '../../files/blob-store.js'
import { Md5Worker } from '../../files/md5-worker.js'
import { hashBlobs } from './file-bytes.js'

/**
 * Running md5s of chunked uploads, by upload folder: each chunk that arrives in order is hashed in the
 * background (on a worker thread when the bytes are on disk) while the client sends the next one, so the last
 * chunk only waits for its own bytes. Chunks that come out of order (or again) are hashed at the end.
 */
export class ChunkHashes {
  private readonly hashes = new Map<string, { next: number; hash: Hash | null; chain: Promise<void>; failed: boolean }>()
  private readonly md5Worker = new Md5Worker()

  constructor(private readonly blobs: BlobStore) {}

  /** Takes chunk `chunk` (1-based), stored at `chunkKey`, of the upload in `uploadKey`. */
  feed(uploadKey: string, chunk: number, chunkKey: string): void {
    let state = this.hashes.get(uploadKey)
    const { blobs } = this
    const onWorker = typeof blobs.localPath === 'function'
    if (!state && chunk === 1) {
      state = { next: 1, hash: onWorker ? null : createHash('md5'), chain: onWorker ? this.md5Worker.drop(uploadKey) : Promise.resolve(), failed: false }
      this.hashes.set(uploadKey, state)
    }
    if (!state) return
    if (chunk !== state.next) {
      this.drop(uploadKey)
      return
    }
    state.next++
    const { hash } = state
    const current = state
    state.chain = state.chain
      .then(async () => {
        if (!hash) return this.md5Worker.update(uploadKey, blobs.localPath!(chunkKey))
        for await (const piece of blobs.read(chunkKey)) hash.update(piece as Buffer)
      })
      .catch(() => {
        current.failed = true
      })
  }

  /** The md5 of the finished upload whose chunks, in order, are `parts`. */
  async digest(uploadKey: string, parts: string[]): Promise<string> {
    const state = this.hashes.get(uploadKey)
    this.hashes.delete(uploadKey)
    if (state) {
      await state.chain
      if (!state.failed && state.next === parts.length + 1) {
        if (state.hash) return state.hash.digest('hex')
        const digest = await this.md5Worker.digest(uploadKey).catch(() => null)
        if (digest) return digest
      }
    }
    return hashBlobs(this.blobs, parts)
  }

  /** Forgets an upload's running hash (deleted, failed or swept), on the worker too. */
  drop(uploadKey: string): void {
    const state = this.hashes.get(uploadKey)
    this.hashes.delete(uploadKey)
    if (state && !state.hash) void this.md5Worker.drop(uploadKey).catch(() => undefined)
  }

  async close(): Promise<void> {
    await this.md5Worker.close()
  }
}
