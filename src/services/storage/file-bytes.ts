import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { BucketConfig } from '../../config/appwrite-json.js'
import { uniqueId } from '../../domain/ids.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { decodeAtRest, encodeAtRest, TRANSFORM_LIMIT, type AtRest } from '../../files/at-rest.js'
import { blobKey, type BlobStore } from '../../files/blob-store.js'
import { sniffMimeType } from '../../files/mime.js'
import type { FileRecord } from '../../store/types.js'

/** Where `keep` put a file's bytes: one blob, or a folder of `parts` blobs. */
export type Kept = { blob: string; parts: number }

export const isComplete = (f: FileRecord) => f.chunksUploaded === f.chunksTotal

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of stream) parts.push(chunk as Buffer)
  return Buffer.concat(parts)
}

/** The md5 of blobs read one after another. */
export async function hashBlobs(blobs: BlobStore, keys: string[]): Promise<string> {
  const hash = createHash('md5')
  for (const key of keys) for await (const piece of blobs.read(key)) hash.update(piece as Buffer)
  return hash.digest('hex')
}

// Decoded bytes of compressed or encrypted files are kept for files up to this size, within this total.
const DECODED_FILE_LIMIT = 2 * 1024 * 1024
const DECODED_TOTAL_LIMIT = 64 * 1024 * 1024

/**
 * Decoded (decrypted, decompressed) bytes by blob key, least recently used dropped first, bounded by total size.
 * A blob key names one upload's bytes for good (a file's content never changes; a new upload gets a new key).
 */
export class DecodedBytes {
  private readonly entries = new Map<string, Buffer>()
  private bytes = 0

  constructor(private readonly limits = { file: DECODED_FILE_LIMIT, total: DECODED_TOTAL_LIMIT }) {}

  get(blob: string): Buffer | undefined {
    const hit = this.entries.get(blob)
    if (hit) {
      this.entries.delete(blob)
      this.entries.set(blob, hit)
    }
    return hit
  }

  set(blob: string, plain: Buffer): void {
    if (plain.length > this.limits.file) return
    this.delete(blob)
    this.entries.set(blob, plain)
    this.bytes += plain.length
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.limits.total) break
      this.entries.delete(oldest)
      this.bytes -= entry.length
    }
  }

  delete(blob: string): void {
    const entry = this.entries.get(blob)
    if (!entry) return
    this.entries.delete(blob)
    this.bytes -= entry.length
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes }
  }
}

/** A finished file's bytes at rest: placing them (compressed, encrypted, or as parts) and reading them back. */
export class FileBytes {
  /** Small files' decoded bytes, so a file viewed again is not decrypted and decompressed again. */
  readonly decodedCache = new DecodedBytes()

  constructor(
    private readonly blobs: BlobStore,
    /** The data folder's AES-256 key for encryption at rest. */
    private readonly key: Buffer,
  ) {}

  /**
   * Moves finished bytes (one blob, or an upload's chunks in order) to their own place under `files/`. Files up
   * to 20 MB are compressed and encrypted as the bucket says (Appwrite's rule) into one blob; larger ones keep
   * their chunks as the parts of one file, so finishing an upload copies nothing.
   */
  async keep(projectId: string, bucket: BucketConfig, fileId: string, sources: string[], size: number, head: Buffer, md5: string) {
    const { blobs } = this
    const mimeType = await sniffMimeType(head)
    const blob = blobKey('files', projectId, bucket.$id, fileId, uniqueId())
    const how: AtRest = size <= TRANSFORM_LIMIT ? { algorithm: bucket.compression, encrypted: bucket.encryption } : { algorithm: 'none', encrypted: false }
    let sizeActual = size
    let parts = 0
    if (how.algorithm !== 'none' || how.encrypted) {
      const plain = Buffer.concat(await Promise.all(sources.map((key) => readAll(blobs.read(key)))))
      const stored = await encodeAtRest(plain, how, this.key)
      await blobs.write(blob, Readable.from([stored]))
      for (const key of sources) await blobs.delete(key)
      sizeActual = stored.length
    } else if (sources.length === 1) {
      await blobs.move(sources[0]!, blob)
    } else {
      for (const [i, key] of sources.entries()) await blobs.move(key, `${blob}/${i + 1}`)
      parts = sources.length
    }
    return { blob, parts, mimeType, signature: md5, sizeActual, algorithm: how.algorithm, encrypted: how.encrypted }
  }

  /** Removes bytes `keep` placed, when the record that would point at them was not written. */
  async forget(kept: Kept): Promise<void> {
    this.decodedCache.delete(kept.blob)
    if (kept.parts) await this.blobs.deletePrefix(kept.blob)
    else await this.blobs.delete(kept.blob)
  }

  /**
   * A finished file's original bytes (decrypted, decompressed), all or `start..end`. Files kept as they are
   * stream from the blob store; transformed ones are at most 20 MB and are decoded in memory, as Appwrite does.
   */
  async content(file: FileRecord, range?: { start: number; end: number }): Promise<Readable> {
    if (!isComplete(file) || file.blob.startsWith('uploads/')) throw new AppwriteException('storage_file_not_found')
    await this.assertBytes(file)
    if (file.parts) return Readable.from(this.readParts(file, range ?? { start: 0, end: file.sizeOriginal - 1 }))
    if (file.algorithm === 'none' && !file.encrypted) return this.blobs.read(file.blob, range)
    const plain = await this.decoded(file)
    return Readable.from([range ? plain.subarray(range.start, range.end + 1) : plain])
  }

  /** The bytes `start..end` of a file kept as parts (its upload's chunks, `chunkSize` each). */
  private async *readParts(file: FileRecord, range: { start: number; end: number }): AsyncGenerator<Buffer> {
    const size = file.chunkSize
    for (let part = Math.floor(range.start / size); part * size <= range.end && part < (file.parts ?? 0); part++) {
      const partStart = part * size
      const start = Math.max(range.start, partStart) - partStart
      const end = Math.min(range.end, partStart + size - 1) - partStart
      for await (const piece of this.blobs.read(`${file.blob}/${part + 1}`, { start, end })) yield piece as Buffer
    }
  }

  /** Bytes removed from under the emulator answer as Appwrite's missing device file does: not found. */
  private async assertBytes(file: FileRecord): Promise<void> {
    if ((await this.blobs.size(file.parts ? `${file.blob}/1` : file.blob)) === null) throw new AppwriteException('storage_file_not_found')
  }

  /** The whole original bytes of a finished file (previews read images this way). */
  async decoded(file: FileRecord): Promise<Buffer> {
    await this.assertBytes(file)
    if (file.parts) return readAll(Readable.from(this.readParts(file, { start: 0, end: file.sizeOriginal - 1 })))
    if (file.algorithm === 'none' && !file.encrypted) return readAll(this.blobs.read(file.blob))
    // The bytes were found just above, so a kept copy is still the file's (a deleted file fails that check first).
    const kept = this.decodedCache.get(file.blob)
    if (kept) return kept
    const stored = await readAll(this.blobs.read(file.blob))
    const plain = await decodeAtRest(stored, { algorithm: file.algorithm, encrypted: file.encrypted }, this.key)
    this.decodedCache.set(file.blob, plain)
    return plain
  }
}
