import { uniqueId } from '../../domain/ids.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { IncomingFilePart, SpooledFile } from '../../core/route.js'
import { blobKey, type BlobStore } from '../../files/blob-store.js'

/** An uploaded part written to `tmp/` as it arrived. */
export interface SpooledUpload extends SpooledFile {
  key: string
}

export function isSpooledUpload(v: unknown): v is SpooledUpload {
  return typeof v === 'object' && v !== null && typeof (v as SpooledUpload).key === 'string' && typeof (v as SpooledUpload).dispose === 'function'
}

/** An error the error handler answers with 413, as Appwrite's server does for a body over 12 MB. */
function tooLarge(): Error {
  return Object.assign(new Error('request file too large'), { code: 'FST_REQ_FILE_TOO_LARGE', statusCode: 413 })
}

/**
 * Streams one multipart file part into the blob store's `tmp/` area; nothing holds the whole part in memory.
 * An aborted request fails the write, and the part is removed.
 */
export async function spoolPart(blobs: BlobStore, part: IncomingFilePart): Promise<SpooledUpload> {
  const key = blobKey('tmp', uniqueId())
  const dispose = () => blobs.delete(key).catch(() => undefined)
  let size: number
  try {
    size = await blobs.write(key, part.stream)
  } catch (error) {
    await dispose()
    throw error
  }
  if (part.truncated()) {
    await dispose()
    throw tooLarge()
  }
  return { filename: part.filename, mimetype: part.mimetype, size, key, dispose }
}

/** A parsed `Content-Range: bytes <start>-<end>/<size>` (end inclusive). */
export interface ContentRange {
  start: number
  end: number
  size: number
}

/**
 * Parses the chunk header as utopia's Request does; missing pieces or `end > size` are
 * `storage_invalid_content_range`. The emulator also refuses `start > end`, which Appwrite lets through into a
 * broken upload.
 */
export function parseContentRange(header: string): ContentRange {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(header)
  if (!m) throw new AppwriteException('storage_invalid_content_range')
  const [start, end, size] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (!Number.isSafeInteger(size) || end > size || start > end) throw new AppwriteException('storage_invalid_content_range')
  return { start, end, size }
}

/** Where one chunk is, once the upload's chunk size is known: chunks are 1-based; the last one may be shorter. */
export function chunkPlacement(range: ContentRange): { isLast: boolean; chunkSize: number; chunk: number; chunks: number } {
  const length = range.end + 1 - range.start
  const isLast = range.end === range.size - 1 || range.end === range.size
  return { isLast, chunkSize: length, chunk: Math.floor(range.start / length) + 1, chunks: Math.ceil(range.size / length) }
}
