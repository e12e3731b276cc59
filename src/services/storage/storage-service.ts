import type { Readable } from 'node:stream'
import type { BucketConfig } from '../../config/appwrite-json.js'
import { nowIso, type Clock } from '../../domain/dates.js'
import { runListQueries, searchQuery } from '../../domain/query/list-query.js'
import type { Query } from '../../domain/query/parse.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'
import type { IncomingFilePart } from '../../core/route.js'
import { blobKey, type BlobStore } from '../../files/blob-store.js'
import type { FileRecord, Store } from '../../store/types.js'
import { ImageCache } from '../avatars/image-cache.js'
import { iconKind, iconPng } from './file-icons.js'
import { OUTPUTS, PREVIEW_INPUTS, PREVIEW_LIMIT, renderPreview, type Output, type PreviewOptions } from './preview.js'
import { bucketAccess, bucketFor, clientPermissions, fileAllows, fileModel, fileQueryRecord, type FileModel } from './buckets.js'
import { ChunkHashes } from './chunk-hashes.js'
import { FileBytes, isComplete } from './file-bytes.js'
import { UploadService } from './upload-service.js'
import { spoolPart, type SpooledUpload } from './uploads.js'

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


/** Storage (BEHAVIORS §14): files in the buckets of appwrite.json, their bytes in a blob store. */
export class StorageService {
  /** Generated previews (Appwrite's `cache` label), keyed by the stored bytes' version and every parameter. */
  private readonly previews = new ImageCache()
  private readonly bytes: FileBytes
  private readonly hashes: ChunkHashes
  private readonly uploads: UploadService

  constructor(private readonly o: StorageOptions) {
    this.bytes = new FileBytes(o.blobs, o.key)
    this.hashes = new ChunkHashes(o.blobs)
    this.uploads = new UploadService({ ...o, bytes: this.bytes, hashes: this.hashes, publish: (caller, file, action) => this.publish(caller, file, action) })
  }

  /** Streams an upload's file part into `tmp/` (the createFile route's spool). */
  spool(part: IncomingFilePart): Promise<SpooledUpload> {
    return spoolPart(this.o.blobs, part)
  }

  /** `POST …/files`: a whole file, or one chunk of a larger one (`Content-Range`, `x-appwrite-id`). */
  createFile(
    caller: Caller,
    input: { bucketId: string; fileId: string; file: unknown; permissions: string[] | null; contentRange?: string; appwriteId?: string },
  ): Promise<FileModel> {
    return this.uploads.createFile(caller, input)
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
    const permissions = changes.permissions === null ? file.permissions : clientPermissions(caller, changes.permissions)
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
    this.hashes.drop(file.blob)
    this.bytes.decodedCache.delete(file.blob)
    await this.publish(caller, file, 'delete')
  }

  /** A finished file's original bytes (decrypted, decompressed), all or `start..end`. */
  content(file: FileRecord, range?: { start: number; end: number }): Promise<Readable> {
    return this.bytes.content(file, range)
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
    const source = useIcon ? await iconPng(kind) : await this.bytes.decoded(file)
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
   * chunks), chunk folders left by an interrupted completion, and spooled parts older than an hour. Blob ages are
   * their real write times measured against the emulated clock, so advancing it ages uploads too.
   */
  async sweep(nowMs = this.o.clock.now(), abandonedMs = ABANDONED_UPLOAD_MS): Promise<{ uploads: number; spools: number }> {
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
      this.hashes.drop(folder)
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
      void this.hashes.close()
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
