import type { BucketConfig } from '../../config/appwrite-json.js'
import { defaultPermissions, isAllowed, normalizeClientPermissions } from '../../domain/permissions.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { Caller } from '../../core/caller.js'
import type { FileRecord } from '../../store/types.js'
import type { QuerySchema } from '../../domain/query/list-query.js'
import { reportPermission } from '../../control/trace.js'

/** A bucket of the caller's project, from appwrite.json; a missing or disabled one is not found for clients. */
export function bucketFor(caller: Caller, bucketId: string): BucketConfig {
  const bucket = caller.project.template.buckets.find((b) => b.$id === bucketId)
  if (!bucket || !bucket.enabled) throw new AppwriteException('storage_bucket_not_found')
  return bucket
}

export type FileAction = 'read' | 'update' | 'delete'

/**
 * How the caller may reach a bucket's files for `action` (BEHAVIORS §14, as documents): `all` when the bucket
 * grants it, `each` when only file permissions can (fileSecurity), else 401 `user_unauthorized`.
 */
export function bucketAccess(caller: Caller, bucket: BucketConfig, action: FileAction): 'all' | 'each' {
  if (bucketAllows(caller, bucket, action)) return 'all'
  if (bucket.fileSecurity) return 'each'
  throw new AppwriteException('user_unauthorized')
}

/** Whether the bucket's own permissions let the caller do `action` (reported to the control API's decision log). */
export function bucketAllows(caller: Caller, bucket: BucketConfig, action: FileAction | 'create'): boolean {
  const granted = isAllowed(caller.roles, bucket.$permissions, action)
  reportPermission(caller.trace, { resource: `buckets/${bucket.$id}`, action, permissions: bucket.$permissions, granted })
  return granted
}

/** Whether the file's own permissions let the caller do `action`. */
export function fileAllows(caller: Caller, file: FileRecord, action: FileAction): boolean {
  const granted = isAllowed(caller.roles, file.permissions, action)
  reportPermission(caller.trace, { resource: `buckets/${file.bucketId}/files/${file.fileId}`, action, permissions: file.permissions, granted })
  return granted
}

/** The File model (`$id, bucketId, $createdAt, $updatedAt, $permissions, name, signature, mimeType, sizeOriginal, chunksTotal, chunksUploaded`). */
export function fileModel(f: FileRecord) {
  return {
    $id: f.fileId,
    bucketId: f.bucketId,
    $createdAt: f.createdAt,
    $updatedAt: f.updatedAt,
    $permissions: f.permissions,
    name: f.name,
    signature: f.signature,
    mimeType: f.mimeType,
    sizeOriginal: f.sizeOriginal,
    chunksTotal: f.chunksTotal,
    chunksUploaded: f.chunksUploaded,
  }
}

export type FileModel = ReturnType<typeof fileModel>

/** What list queries see of a file: the queryable attributes and the internal `search` text (ID and name). */
export function fileQueryRecord(f: FileRecord) {
  return { ...fileModel(f), search: `${f.fileId} ${f.name}` }
}

/** Queryable file attributes (`Appwrite\Utopia\Database\Validator\Queries\Files`). */
export const FILE_QUERY_SCHEMA: QuerySchema = {
  name: 'string', signature: 'string', mimeType: 'string', sizeOriginal: 'integer', chunksTotal: 'integer', chunksUploaded: 'integer',
  $id: 'string', $createdAt: 'datetime', $updatedAt: 'datetime',
}

/** `FileExt`: the lower-cased extension after the last dot must be in the list (checked only when it is non-empty). */
export function extensionAllowed(bucket: BucketConfig, filename: string): boolean {
  if (bucket.allowedFileExtensions.length === 0) return true
  const base = filename.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  const ext = dot < 0 ? '' : base.slice(dot + 1).toLowerCase()
  return bucket.allowedFileExtensions.includes(ext)
}

/**
 * The permissions of a new or updated file as a client sends them: none given means the creator's read,
 * update and delete; `write` expands; every role must be one the caller holds (401 `user_unauthorized`).
 */
export function clientPermissions(caller: Caller, given: string[] | null): string[] {
  if (given === null) return defaultPermissions(caller.user?.id ?? null)
  const normalized = normalizeClientPermissions(given, caller.roles)
  if ('error' in normalized) throw new AppwriteException('user_unauthorized', normalized.error)
  return normalized.permissions
}
