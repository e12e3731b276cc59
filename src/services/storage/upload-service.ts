import type { BucketConfig } from '../../config/appwrite-json.js'
import { nowIso, type Clock } from '../../domain/dates.js'
import { isValidKey, resolveCustomId } from '../../domain/ids.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { Caller } from '../../core/caller.js'
import { blobKey, type BlobStore } from '../../files/blob-store.js'
import { SNIFF_BYTES } from '../../files/mime.js'
import type { FileRecord, Store } from '../../store/types.js'
import { bucketAllows, bucketFor, clientPermissions, extensionAllowed, fileModel, type FileModel } from './buckets.js'
import type { ChunkHashes } from './chunk-hashes.js'
import { hashBlobs, isComplete, readAll, type FileBytes, type Kept } from './file-bytes.js'
import { chunkPlacement, isSpooledUpload, parseContentRange, type ContentRange, type SpooledUpload } from './uploads.js'

export interface UploadDeps {
  store: Store
  blobs: BlobStore
  clock: Clock
  bytes: FileBytes
  hashes: ChunkHashes
  publish(caller: Caller, file: FileRecord, action: 'create'): Promise<void>
}

/** `POST …/files` (BEHAVIORS §14): whole files in one request, larger ones in chunks, any order, resumable. */
export class UploadService {
  constructor(private readonly o: UploadDeps) {}

  /** `POST …/files`: a whole file, or one chunk of a larger one (`Content-Range`, `x-appwrite-id`). */
  async createFile(
    caller: Caller,
    input: { bucketId: string; fileId: string; file: unknown; permissions: string[] | null; contentRange?: string; appwriteId?: string },
  ): Promise<FileModel> {
    const bucket = bucketFor(caller, input.bucketId)
    if (!bucketAllows(caller, bucket, 'create')) throw new AppwriteException('user_unauthorized')
    const permissions = clientPermissions(caller, input.permissions)
    const file = input.file
    if (!isSpooledUpload(file)) throw new AppwriteException('storage_file_empty')
    let fileId = resolveCustomId(input.fileId)
    let range: ContentRange | null = null
    if (input.contentRange) {
      range = parseContentRange(input.contentRange)
      if (input.appwriteId !== undefined) fileId = input.appwriteId
      if (!isValidKey(fileId)) throw new AppwriteException('storage_invalid_appwrite_id')
    }
    if (!extensionAllowed(bucket, file.filename)) throw new AppwriteException('storage_file_type_unsupported', 'File extension not allowed')
    // deviation: no `_APP_STORAGE_LIMIT` ceiling; the bucket's maximumFileSize is the only limit.
    if ((range ? range.size : file.size) > bucket.maximumFileSize) throw new AppwriteException('storage_invalid_file_size', 'File size not allowed')
    // Appwrite trusts the header; the emulator refuses a chunk whose bytes do not fill the range it names.
    if (range && file.size !== range.end + 1 - range.start) throw new AppwriteException('storage_invalid_content_range')
    if (!range || (range.start === 0 && chunkPlacement(range).isLast)) return this.acceptWhole(caller, bucket, fileId, file, permissions)
    return this.acceptChunk(caller, bucket, fileId, file, range, permissions)
  }

  private async acceptWhole(caller: Caller, bucket: BucketConfig, fileId: string, file: SpooledUpload, permissions: string[]): Promise<FileModel> {
    const { store, blobs } = this.o
    const projectId = caller.project.id
    const id = `${bucket.$id}/${fileId}`
    const existing = await store.files.get(projectId, id)
    if (existing && isComplete(existing)) throw new AppwriteException('storage_file_already_exists')
    // deviation: Appwrite takes a whole file sent over an unfinished upload as its chunk 1; the emulator refuses it.
    if (existing) throw new AppwriteException('storage_invalid_content_range', 'An upload with this ID is in progress: send its remaining chunks with Content-Range.')
    const md5 = await hashBlobs(blobs, [file.key])
    const head = file.size ? await readAll(blobs.read(file.key, { start: 0, end: Math.min(SNIFF_BYTES, file.size) - 1 })) : Buffer.alloc(0)
    const kept = await this.o.bytes.keep(projectId, bucket, fileId, [file.key], file.size, head, md5)
    const now = nowIso(this.o.clock)
    const record: FileRecord = {
      id, bucketId: bucket.$id, fileId, createdAt: now, updatedAt: now, permissions, name: file.filename, ...kept,
      sizeOriginal: file.size, chunksTotal: 1, chunksUploaded: 1, chunkSize: 0, chunksReceived: [], antivirus: bucket.antivirus,
    }
    try {
      await store.transaction(async () => {
        if (await store.files.get(projectId, id)) throw new AppwriteException('storage_file_already_exists')
        await store.files.insert(projectId, record)
      })
    } catch (error) {
      await this.o.bytes.forget(kept)
      throw error
    }
    await this.o.publish(caller, record, 'create')
    return fileModel(record)
  }

  private async acceptChunk(
    caller: Caller, bucket: BucketConfig, fileId: string, file: SpooledUpload, range: ContentRange, permissions: string[],
  ): Promise<FileModel> {
    const { store, blobs } = this.o
    const projectId = caller.project.id
    const id = `${bucket.$id}/${fileId}`
    const uploadKey = blobKey('uploads', projectId, bucket.$id, fileId)
    const first = planChunk(await store.files.get(projectId, id), range)
    const chunkKey = `${uploadKey}/${first.chunk}`
    const hadChunk = (await blobs.size(chunkKey)) !== null
    await blobs.move(file.key, chunkKey)
    let kept: Kept | null = null
    let record: FileRecord
    try {
      record = await store.transaction(async () => {
        const current = await store.files.get(projectId, id)
        const plan = planChunk(current, range)
        const now = nowIso(this.o.clock)
        const received = [...new Set([...(current?.chunksReceived ?? []), plan.chunk])].sort((a, b) => a - b)
        let next: FileRecord = current
          ? { ...current, chunksReceived: received, chunksUploaded: received.length, updatedAt: now }
          : {
              id, bucketId: bucket.$id, fileId, createdAt: now, updatedAt: now, permissions, name: file.filename, signature: '', mimeType: '',
              sizeOriginal: range.size, sizeActual: 0, chunksTotal: plan.chunks, chunksUploaded: 1, chunkSize: plan.chunkSize,
              chunksReceived: received, algorithm: 'none', encrypted: false, antivirus: bucket.antivirus, blob: uploadKey,
            }
        this.o.hashes.feed(uploadKey, plan.chunk, chunkKey)
        if (isComplete(next)) {
          const parts = Array.from({ length: next.chunksTotal }, (_, i) => `${uploadKey}/${i + 1}`)
          const md5 = await this.o.hashes.digest(uploadKey, parts)
          const head = await readAll(blobs.read(parts[0]!, { start: 0, end: Math.min(SNIFF_BYTES, next.chunkSize) - 1 }))
          kept = await this.o.bytes.keep(projectId, bucket, fileId, parts, range.size, head, md5)
          next = { ...next, ...kept, permissions, chunksReceived: [] }
        }
        if (current) await store.files.update(projectId, next)
        else await store.files.insert(projectId, next)
        return next
      })
    } catch (error) {
      this.o.hashes.drop(uploadKey)
      if (!hadChunk) await blobs.delete(chunkKey).catch(() => undefined)
      if (kept) await this.o.bytes.forget(kept)
      throw error
    }
    if (isComplete(record)) await blobs.deletePrefix(uploadKey)
    await this.o.publish(caller, record, 'create')
    return fileModel(record)
  }
}

/**
 * Where a chunk goes in its upload. The first chunk to arrive fixes the chunk size and count; later ones must
 * fit them (any order, as Appwrite's local device allows). A last chunk cannot come first, since its size does
 * not tell the chunk size (Appwrite then records `chunksTotal: -1`).
 */
function planChunk(current: FileRecord | null, range: ContentRange): { chunk: number; chunks: number; chunkSize: number } {
  const place = chunkPlacement(range)
  if (!current) {
    if (place.isLast || range.start % place.chunkSize !== 0) throw new AppwriteException('storage_invalid_content_range')
    return { chunk: place.chunk, chunks: place.chunks, chunkSize: place.chunkSize }
  }
  if (isComplete(current)) throw new AppwriteException('storage_file_already_exists')
  const { chunkSize } = current
  if (chunkSize === 0 || range.size !== current.sizeOriginal || range.start % chunkSize !== 0) throw new AppwriteException('storage_invalid_content_range')
  const chunk = range.start / chunkSize + 1
  if (chunk > current.chunksTotal || range.end !== Math.min(range.start + chunkSize, range.size) - 1) throw new AppwriteException('storage_invalid_content_range')
  return { chunk, chunks: current.chunksTotal, chunkSize }
}
