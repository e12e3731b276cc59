import { Readable } from 'node:stream'
import { createHash, type Hash } from 'node:crypto'
import type { BucketConfig } from '../../config/appwrite-json.js'
import { nowIso, type Clock } from '../../domain/dates.js'
import { isValidKey, resolveCustomId, uniqueId } from '../../domain/ids.js'
import { defaultPermissions, isAllowed, normalizeClientPermissions } from '../../domain/permissions.js'
import { runListQueries, searchQuery } from '../teams/list-query.js'
import type { Query } from '../../domain/query/parse.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../http/caller.js'
import type { IncomingFilePart } from '../../http/route.js'
import { decodeAtRest, encodeAtRest, TRANSFORM_LIMIT, type AtRest } from '../../files/at-rest.js'
import { blobKey, type BlobStore } from '../../files/blob-store.js'
import { sniffMimeType, SNIFF_BYTES } from '../../files/mime.js'
import { Md5Worker } from '../../files/md5-worker.js'
import type { FileRecord, Store } from '../../store/types.js'
import { ImageCache } from '../avatars/image-cache.js'
import { iconKind, iconPng } from './file-icons.js'
import { OUTPUTS, PREVIEW_INPUTS, PREVIEW_LIMIT, renderPreview, type Output, type PreviewOptions } from './preview.js'
import { bucketAccess, bucketFor, extensionAllowed, fileAllows, fileModel, fileQueryRecord, type FileModel } from './buckets.js'
import { chunkPlacement, isSpooledUpload, parseContentRange, spoolPart, type ContentRange, type SpooledUpload } from './uploads.js'

export interface StorageOptions {
  store: Store
  blobs: BlobStore
  /** The data folder's AES-256 key for encryption at rest. */
  key: Buffer
  clock: Clock
  bus: EventBus
}

/** Incomplete uploads untouched this long are removed with their chunks (see docs/decisions/storage-blobs-uploads-previews.md). */
export const ABANDONED_UPLOAD_MS = 24 * 3600 * 1000
/** Spooled parts older than this belong to no running request. */
const STALE_SPOOL_MS = 3600 * 1000

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase()
}

type Kept = { blob: string; parts: number }

/** The md5 of blobs read one after another. */
async function hashBlobs(blobs: BlobStore, keys: string[]): Promise<string> {
  const hash = createHash('md5')
  for (const key of keys) for await (const piece of blobs.read(key)) hash.update(piece as Buffer)
  return hash.digest('hex')
}

const isComplete = (f: FileRecord) => f.chunksUploaded === f.chunksTotal

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of stream) parts.push(chunk as Buffer)
  return Buffer.concat(parts)
}

/** Storage (BEHAVIORS §14): files in the buckets of appwrite.json, their bytes in a blob store. */
export class StorageService {
  /** Generated previews (Appwrite's `cache` label), keyed by the stored bytes' version and every parameter. */
  private readonly previews = new ImageCache()
  /** Running md5s of chunked uploads, by upload folder. */
  private readonly hashes = new Map<string, { next: number; hash: Hash | null; chain: Promise<void>; failed: boolean }>()
  /** Hashes chunks on disk beside the event loop. */
  private readonly md5Worker = new Md5Worker()

  constructor(private readonly o: StorageOptions) {}

  /** Streams an upload's file part into `tmp/` (the createFile route's spool). */
  spool(part: IncomingFilePart): Promise<SpooledUpload> {
    return spoolPart(this.o.blobs, part)
  }

  /** `POST …/files`: a whole file, or one chunk of a larger one (`Content-Range`, `x-appwrite-id`). */
  async createFile(
    caller: Caller,
    input: { bucketId: string; fileId: string; file: unknown; permissions: string[] | null; contentRange?: string; appwriteId?: string },
  ): Promise<FileModel> {
    const bucket = bucketFor(caller, input.bucketId)
    if (!isAllowed(caller.roles, bucket.$permissions, 'create')) throw new AppwriteException('user_unauthorized')
    const permissions = this.clientPermissions(caller, input.permissions)
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

  private clientPermissions(caller: Caller, given: string[] | null): string[] {
    if (given === null) return defaultPermissions(caller.user?.id ?? null)
    const normalized = normalizeClientPermissions(given, caller.roles)
    if ('error' in normalized) throw new AppwriteException('user_unauthorized', normalized.error)
    return normalized.permissions
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
    const kept = await this.keep(projectId, bucket, fileId, [file.key], file.size, head, md5)
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
      await this.forget(kept)
      throw error
    }
    await this.publish(caller, record, 'create')
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
        this.hashInOrder(uploadKey, plan.chunk, chunkKey)
        if (isComplete(next)) {
          const parts = Array.from({ length: next.chunksTotal }, (_, i) => `${uploadKey}/${i + 1}`)
          const md5 = await this.md5Of(uploadKey, parts)
          const head = await readAll(blobs.read(parts[0]!, { start: 0, end: Math.min(SNIFF_BYTES, next.chunkSize) - 1 }))
          kept = await this.keep(projectId, bucket, fileId, parts, range.size, head, md5)
          next = { ...next, ...kept, permissions, chunksReceived: [] }
        }
        if (current) await store.files.update(projectId, next)
        else await store.files.insert(projectId, next)
        return next
      })
    } catch (error) {
      this.hashes.delete(uploadKey)
      if (!hadChunk) await blobs.delete(chunkKey).catch(() => undefined)
      if (kept) await this.forget(kept)
      throw error
    }
    if (isComplete(record)) await blobs.deletePrefix(uploadKey)
    await this.publish(caller, record, 'create')
    return fileModel(record)
  }

  /**
   * The md5 of an upload, hashed chunk by chunk in the background while the client sends the next one, so the
   * last chunk only waits for its own bytes. Chunks that come out of order (or again) are hashed at the end.
   */
  private hashInOrder(uploadKey: string, chunk: number, chunkKey: string): void {
    let state = this.hashes.get(uploadKey)
    const { blobs } = this.o
    const onWorker = typeof blobs.localPath === 'function'
    if (!state && chunk === 1) {
      state = { next: 1, hash: onWorker ? null : createHash('md5'), chain: onWorker ? this.md5Worker.drop(uploadKey) : Promise.resolve(), failed: false }
      this.hashes.set(uploadKey, state)
    }
    if (!state) return
    if (chunk !== state.next) {
      this.hashes.delete(uploadKey)
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

  private async md5Of(uploadKey: string, parts: string[]): Promise<string> {
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
    return hashBlobs(this.o.blobs, parts)
  }

  /**
   * Moves finished bytes (one blob, or an upload's chunks in order) to their own place under `files/`. Files up
   * to 20 MB are compressed and encrypted as the bucket says (Appwrite's rule) into one blob; larger ones keep
   * their chunks as the parts of one file, so finishing an upload copies nothing.
   */
  private async keep(projectId: string, bucket: BucketConfig, fileId: string, sources: string[], size: number, head: Buffer, md5: string) {
    const { blobs } = this.o
    const mimeType = await sniffMimeType(head)
    const blob = blobKey('files', projectId, bucket.$id, fileId, uniqueId())
    const how: AtRest = size <= TRANSFORM_LIMIT ? { algorithm: bucket.compression, encrypted: bucket.encryption } : { algorithm: 'none', encrypted: false }
    let sizeActual = size
    let parts = 0
    if (how.algorithm !== 'none' || how.encrypted) {
      const plain = Buffer.concat(await Promise.all(sources.map((key) => readAll(blobs.read(key)))))
      const stored = await encodeAtRest(plain, how, this.o.key)
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
  private async forget(kept: Kept): Promise<void> {
    if (kept.parts) await this.o.blobs.deletePrefix(kept.blob)
    else await this.o.blobs.delete(kept.blob)
  }

  /** A file the caller may read; an unreadable one is missing (`storage_file_not_found`). */
  async readable(caller: Caller, bucketId: string, fileId: string): Promise<{ bucket: BucketConfig; file: FileRecord }> {
    const bucket = bucketFor(caller, bucketId)
    const access = bucketAccess(caller, bucket, 'read')
    const file = await this.o.store.files.get(caller.project.id, `${bucket.$id}/${fileId}`)
    if (!file || (access === 'each' && !fileAllows(caller, file, 'read'))) throw new AppwriteException('storage_file_not_found')
    return { bucket, file }
  }

  async getFile(caller: Caller, bucketId: string, fileId: string): Promise<FileModel> {
    return fileModel((await this.readable(caller, bucketId, fileId)).file)
  }

  /** `GET …/files`: the files the caller may read, filtered and paged by the queries (and `search`). */
  async listFiles(caller: Caller, bucketId: string, queries: Query[], search: string): Promise<{ total: number; files: FileModel[] }> {
    const bucket = bucketFor(caller, bucketId)
    const access = bucketAccess(caller, bucket, 'read')
    const all = await this.o.store.files.list(caller.project.id, { bucket_id: bucket.$id })
    const visible = access === 'all' ? all : all.filter((f) => fileAllows(caller, f, 'read'))
    const { total, items } = runListQueries(visible.map(fileQueryRecord), [...queries, ...searchQuery(search)], 'File')
    return { total, files: items.map(({ search: _search, ...model }) => model) }
  }

  /** `PUT …/files/{id}`: name and permissions; read permission is not needed, update is. */
  async updateFile(caller: Caller, bucketId: string, fileId: string, changes: { name: string | null; permissions: string[] | null }): Promise<FileModel> {
    const { store } = this.o
    const bucket = bucketFor(caller, bucketId)
    const access = bucketAccess(caller, bucket, 'update')
    const id = `${bucket.$id}/${fileId}`
    const file = await store.files.get(caller.project.id, id)
    if (!file) throw new AppwriteException('storage_file_not_found')
    const permissions = changes.permissions === null ? file.permissions : this.clientPermissions(caller, changes.permissions)
    const next: FileRecord = { ...file, permissions, name: changes.name ?? file.name }
    const changed = next.name !== file.name || JSON.stringify(next.permissions) !== JSON.stringify(file.permissions)
    // utopia's updateDocument checks update on the stored document, or read when nothing changes.
    if (access === 'each' && !fileAllows(caller, file, changed ? 'update' : 'read')) throw new AppwriteException('user_unauthorized')
    if (!changed) return fileModel(file)
    const updated: FileRecord = { ...next, updatedAt: nowIso(this.o.clock) }
    await store.transaction(async () => {
      if (!(await store.files.update(caller.project.id, updated))) throw new AppwriteException('storage_file_not_found')
    })
    await this.publish(caller, updated, 'update')
    return fileModel(updated)
  }

  /** `DELETE …/files/{id}`: the record and its bytes, or an unfinished upload's chunks. */
  async deleteFile(caller: Caller, bucketId: string, fileId: string): Promise<void> {
    const { store, blobs } = this.o
    const bucket = bucketFor(caller, bucketId)
    const access = bucketAccess(caller, bucket, 'delete')
    const file = await store.files.get(caller.project.id, `${bucket.$id}/${fileId}`)
    if (!file) throw new AppwriteException('storage_file_not_found')
    if (access === 'each' && !fileAllows(caller, file, 'delete')) throw new AppwriteException('user_unauthorized')
    const deleted = await store.transaction(() => store.files.delete(caller.project.id, file.id))
    if (!deleted) throw new AppwriteException('storage_file_not_found')
    if (isComplete(file) && !file.parts) await blobs.delete(file.blob)
    else await blobs.deletePrefix(file.blob)
    this.hashes.delete(file.blob)
    await this.publish(caller, file, 'delete')
  }

  /**
   * A finished file's original bytes (decrypted, decompressed), all or `start..end`. Files kept as they are
   * stream from the blob store; transformed ones are at most 20 MB and are decoded in memory, as Appwrite does.
   */
  async content(file: FileRecord, range?: { start: number; end: number }): Promise<Readable> {
    if (!isComplete(file) || file.blob.startsWith('uploads/')) throw new AppwriteException('storage_file_not_found')
    await this.assertBytes(file)
    if (file.parts) return Readable.from(this.readParts(file, range ?? { start: 0, end: file.sizeOriginal - 1 }))
    if (file.algorithm === 'none' && !file.encrypted) return this.o.blobs.read(file.blob, range)
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
      for await (const piece of this.o.blobs.read(`${file.blob}/${part + 1}`, { start, end })) yield piece as Buffer
    }
  }

  /** Bytes removed from under the emulator answer as Appwrite's missing device file does: not found. */
  private async assertBytes(file: FileRecord): Promise<void> {
    if ((await this.o.blobs.size(file.parts ? `${file.blob}/1` : file.blob)) === null) throw new AppwriteException('storage_file_not_found')
  }

  /** The whole original bytes of a finished file (previews read images this way). */
  async decoded(file: FileRecord): Promise<Buffer> {
    await this.assertBytes(file)
    if (file.parts) return readAll(Readable.from(this.readParts(file, { start: 0, end: file.sizeOriginal - 1 })))
    const stored = await readAll(this.o.blobs.read(file.blob))
    if (file.algorithm === 'none' && !file.encrypted) return stored
    return decodeAtRest(stored, { algorithm: file.algorithm, encrypted: file.encrypted }, this.o.key)
  }

  /**
   * `GET …/preview`: JPEG, PNG and GIF files up to 20 MB are rendered with every parameter; other files, and
   * larger images, render an icon for their type on `#eceff1` (unless a background is given). The output
   * defaults to the file's extension when it is an output format, else jpg; webp falls back to jpg when the
   * `Accept` header lacks `image/webp`.
   */
  async preview(
    caller: Caller, bucketId: string, fileId: string, params: Omit<PreviewOptions, 'output'> & { output: Output | '' }, accept: string,
  ): Promise<{ contentType: string; data: Buffer; cache: 'hit' | 'miss' }> {
    const { file } = await this.readable(caller, bucketId, fileId)
    if (!isComplete(file)) throw new AppwriteException('storage_file_not_found')
    const isInput = PREVIEW_INPUTS.has(file.mimeType)
    const useIcon = !isInput || file.sizeActual > PREVIEW_LIMIT
    const kind = iconKind(file.mimeType, isInput)
    let type = useIcon ? 'png' : extensionOf(file.name)
    let output = params.output
    if (!output) {
      if (type && !(type in OUTPUTS)) type = 'jpg'
      output = (type || (Object.keys(OUTPUTS) as Output[]).find((k) => OUTPUTS[k] === file.mimeType) || 'jpg') as Output
    }
    if (output === 'webp' && !accept.includes('image/webp')) output = 'jpg'
    const options: PreviewOptions = { ...params, output, background: params.background || (useIcon ? 'eceff1' : '') }
    const key = `${caller.project.id}|${useIcon ? `icon:${kind.label}` : file.blob}|${JSON.stringify(options)}`
    const now = this.o.clock.now()
    const hit = this.previews.get(key, now)
    if (hit) return { ...hit, cache: 'hit' }
    const source = useIcon ? await iconPng(kind) : await this.decoded(file)
    const data = await renderPreview(source, options)
    const image = { contentType: OUTPUTS[output], data }
    this.previews.set(key, image, now)
    return { ...image, cache: 'miss' }
  }

  /** Removes a project's bytes when it is created or reset (its records go with the store's wipe). */
  async wipeProject(projectId: string): Promise<void> {
    await this.o.blobs.deletePrefix(blobKey('files', projectId))
    await this.o.blobs.deletePrefix(blobKey('uploads', projectId))
  }

  /**
   * Removes what no request will finish: uploads whose last chunk came more than `abandonedMs` ago (record and
   * chunks), chunk folders left by an interrupted completion, and spooled parts older than an hour.
   */
  async sweep(nowMs = Date.now(), abandonedMs = ABANDONED_UPLOAD_MS): Promise<{ uploads: number; spools: number }> {
    const { blobs, store } = this.o
    let spools = 0
    for (const { key, modifiedAt } of await blobs.list('tmp')) {
      if (nowMs - modifiedAt > STALE_SPOOL_MS) {
        await blobs.delete(key)
        spools++
      }
    }
    const newest = new Map<string, number>()
    for (const { key, modifiedAt } of await blobs.list('uploads')) {
      const folder = key.split('/').slice(0, 4).join('/')
      newest.set(folder, Math.max(newest.get(folder) ?? 0, modifiedAt))
    }
    let uploads = 0
    for (const [folder, modifiedAt] of newest) {
      const [, projectId, bucketId, fileId] = folder.split('/')
      const record = await store.files.get(projectId!, `${bucketId}/${fileId}`)
      const stillRunning = record && !isComplete(record) && nowMs - modifiedAt <= abandonedMs
      if (stillRunning) continue
      if (record && !isComplete(record)) await store.transaction(() => store.files.delete(projectId!, record.id))
      await blobs.deletePrefix(folder)
      uploads++
    }
    return { uploads, spools }
  }

  /** Sweeps now and every 10 minutes until the returned function is called (which also stops the md5 worker). */
  startSweeping(everyMs = 10 * 60 * 1000): () => void {
    const run = () => void this.sweep().catch(() => undefined)
    run()
    const timer = setInterval(run, everyMs)
    timer.unref()
    return () => {
      clearInterval(timer)
      void this.md5Worker.close()
    }
  }

  private async publish(caller: Caller, file: FileRecord, action: 'create' | 'update' | 'delete'): Promise<void> {
    await this.o.bus.publish({
      projectId: caller.project.id,
      pattern: `buckets.[bucketId].files.[fileId].${action}`,
      params: { bucketId: file.bucketId, fileId: file.fileId },
      payload: fileModel(file),
      caller,
    })
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
