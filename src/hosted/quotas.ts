import { Readable } from 'node:stream'
import type { ProjectQuota } from '../config/hosted-options.js'
import type { RateLimiter } from '../core/rate-limit.js'
import { AppwriteException } from '../errors/appwrite-exception.js'
import type { BlobStore } from '../files/blob-store.js'
import type { SchemaSet } from '../store/documents/schema.js'
import type { DocumentStore } from '../store/documents/types.js'
import type { Store } from '../store/types.js'

/**
 * `--project-quota` for a shared deployment, on the store and blob store before the app is built: documents are
 * counted inside the inserting transaction, which holds the project's lock, so processes sharing PostgreSQL cannot
 * both take the last free slot; stored bytes are the project's files at rest plus what is being written. Returns
 * the blob store to use.
 */
export function applyStoreQuotas(quota: ProjectQuota, store: Store, blobs: BlobStore): BlobStore {
  if (quota.documents !== undefined) {
    const open = store.openDocuments.bind(store)
    const max = quota.documents
    store.openDocuments = (schemas) => withDocumentQuota(open(schemas), schemas, max)
  }
  return quota.storageBytes === undefined ? blobs : withStorageQuota(blobs, store, quota.storageBytes)
}

/** The request quota on the services' rate limiter (counted in Redis once `--bus` is attached). */
export function applyRequestQuota(quota: ProjectQuota, rateLimiter: RateLimiter): void {
  if (quota.requests) rateLimiter.requestQuota = { limit: quota.requests.limit, window: quota.requests.windowSeconds, keys: ['quota:requests'] }
}

/** Refuses an insert that would take a project past `max` documents across its collections. */
export function withDocumentQuota(documents: DocumentStore, schemas: SchemaSet, max: number): DocumentStore {
  const guarded = Object.create(documents) as DocumentStore
  guarded.insert = async (ref, doc) => {
    let total = 0
    for (const schema of schemas.values()) {
      total += await documents.count({ projectId: ref.projectId, schema }, { filters: [], readableBy: null, max: max + 1 })
      if (total >= max) {
        // deviation: Appwrite 1.5 has no document quota; a plain 400 with the reason is what a user would expect.
        throw new AppwriteException('general_bad_request', `This project holds ${max} documents, the most its quota allows (--project-quota documents=${max}).`)
      }
    }
    return documents.insert(ref, doc)
  }
  return guarded
}

/** A project's blob keys are `files/<projectId>/…`; other keys (tmp/ spools) are not counted. */
const projectOf = (key: string) => (key.startsWith('files/') ? key.split('/')[1] ?? null : null)

/**
 * Refuses a write that takes a project's stored files past `maxBytes`, failing it while it streams.
 * deviation: bytes at rest are counted (after a bucket's compression), as the blob store sees them.
 */
export function withStorageQuota(blobs: BlobStore, store: Store, maxBytes: number): BlobStore {
  const guarded = Object.create(blobs) as BlobStore
  const exceeded = () => new AppwriteException('storage_invalid_file_size', `The project's files would pass their quota of ${maxBytes} bytes (--project-quota storage).`)
  guarded.write = async (key, source, options) => {
    const projectId = projectOf(key)
    if (projectId === null) return blobs.write(key, source, options)
    const files = await store.files.list(projectId)
    let used = files.reduce((sum, f) => sum + f.sizeActual, 0)
    if (used >= maxBytes) throw exceeded()
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        used += chunk.length
        if (used > maxBytes) throw exceeded()
        yield chunk
      }
    }
    try {
      return await blobs.write(key, Readable.from(counted()), options)
    } catch (error) {
      if (used > maxBytes) {
        if (options?.offset === undefined) await blobs.delete(key).catch(() => {})
        throw exceeded()
      }
      throw error
    }
  }
  return guarded
}
