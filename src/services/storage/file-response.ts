import type { ParamSpec } from '../../domain/params.js'
import type { Readable } from 'node:stream'
import type { Clock } from '../../domain/dates.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { HandlerContext, RouteResult } from '../../core/route.js'
import type { FileRecord } from '../../store/types.js'

const DAY_MS = 24 * 3600 * 1000

/** The most a `Range` with an open end returns: 10 MB for download, 2 MB for view (storage.php). */
export const OPEN_RANGE_CAP = { download: 10 * 1024 * 1024, view: 2 * 1024 * 1024 } as const

/**
 * `app/config/storage/mimes.php`: the types `view` serves as themselves. Everything else, SVG and HTML
 * included, goes out as `text/plain`, so a stored file cannot run script in the API's origin.
 */
export const VIEW_SAFE_MIME_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg', 'image/jpg', 'image/gif', 'image/png', 'image/webp', 'image/heic', 'image/avif',
  'video/mp4', 'video/x-flv', 'video/webm', 'application/x-mpegURL', 'video/MP2T', 'video/3gpp', 'video/quicktime', 'video/x-msvideo', 'video/x-ms-wmv',
  'audio/basic', 'auido/L24', 'audio/mid', 'audio/mpeg', 'audio/mp4', 'audio/x-aiff', 'audio/x-mpegurl', 'audio/vnd.rn-realaudio', 'audio/ogg',
  'audio/vorbis', 'audio/vnd.wav', 'audio/x-wav', 'audio/aac', 'audio/x-hx-aac-adts',
  'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template', 'application/vnd.ms-word.document.macroEnabled.12',
  'application/vnd.ms-word.template.macroEnabled.12', 'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template', 'application/vnd.ms-excel.sheet.macroEnabled.12',
  'application/vnd.ms-excel.template.macroEnabled.12', 'application/vnd.ms-excel.addin.macroEnabled.12', 'application/vnd.ms-excel.sheet.binary.macroEnabled.12',
  'application/vnd.ms-powerpoint', 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.template', 'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  'application/vnd.ms-powerpoint.addin.macroEnabled.12', 'application/vnd.ms-powerpoint.presentation.macroEnabled.12',
  'application/vnd.ms-powerpoint.template.macroEnabled.12', 'application/vnd.ms-powerpoint.slideshow.macroEnabled.12',
  'application/pdf',
])

/**
 * A `Range` header as utopia reads it (`<unit>=<start>-<end>`, the end optional and then capped), judged as
 * storage.php does: a unit other than bytes, `start >= end` (so a one-byte range too) or `end >= size` →
 * 416 `storage_invalid_range`.
 */
export function parseRange(header: string, size: number, cap: number): { start: number; end: number } {
  const eq = header.indexOf('=')
  const unit = eq < 0 ? '' : header.slice(0, eq).trim()
  const parts = eq < 0 ? [] : header.slice(eq + 1).split('-')
  if (parts.length !== 2 || !/^\s*\d+\s*$/.test(parts[0]!) || !/^\s*\d*\s*$/.test(parts[1]!)) throw new AppwriteException('storage_invalid_range')
  const start = Number(parts[0])
  const end = parts[1]!.trim() === '' ? Math.min(start + cap - 1, size - 1) : Number(parts[1])
  if (unit !== 'bytes' || start >= end || end >= size) throw new AppwriteException('storage_invalid_range')
  return { start, end }
}

// Node refuses header values outside Latin-1: send the name's UTF-8 bytes as they are, as PHP does, minus controls.
const headerSafe = (name: string) => Buffer.from(name.replace(/[\x00-\x1f\x7f]/g, ''), 'utf8').toString('latin1')

/** The download or view answer: the bytes, their type, disposition, 45-day `Expires`, and 206 headers for a range. */
export async function fileResponse(options: {
  file: FileRecord
  mode: 'download' | 'view'
  rangeHeader: string | undefined
  clock: Clock
  content: (range?: { start: number; end: number }) => Promise<Readable>
}): Promise<RouteResult> {
  const { file, mode, rangeHeader, clock } = options
  // An unfinished upload has no file on the device yet: Appwrite answers not found before reading any range.
  if (file.chunksUploaded !== file.chunksTotal) throw new AppwriteException('storage_file_not_found')
  const size = file.sizeOriginal
  const range = rangeHeader ? parseRange(rangeHeader, size, OPEN_RANGE_CAP[mode]) : undefined
  const contentType = mode === 'download' || VIEW_SAFE_MIME_TYPES.has(file.mimeType) ? file.mimeType : 'text/plain'
  const headers: Record<string, string> = {
    'Content-Disposition': `${mode === 'download' ? 'attachment' : 'inline'}; filename="${headerSafe(file.name)}"`,
    Expires: new Date(clock.now() + 45 * DAY_MS).toUTCString(),
    'Content-Length': String(range ? range.end - range.start + 1 : size),
  }
  if (mode === 'view') headers['Content-Security-Policy'] = 'script-src none;'
  if (range) {
    headers['Accept-Ranges'] = 'bytes'
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`
  }
  return { status: range ? 206 : 200, headers, raw: { contentType, data: await options.content(range) } }
}

const firstHeader = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/** The answer of `getFileDownload` or `getFileView`: the file's original bytes (decrypted, decompressed), with `Range` → 206 or 416. */
export async function serveFileBytes(mode: 'download' | 'view', ctx: HandlerContext<{ bucketId: ParamSpec<string>; fileId: ParamSpec<string> }>): Promise<RouteResult> {
  const { params, caller, services, headers } = ctx
  const { file } = await services.storage.readable(caller, params.bucketId, params.fileId)
  return fileResponse({
    file,
    mode,
    rangeHeader: firstHeader(headers.range),
    clock: services.clock,
    content: (range) => services.storage.content(file, range),
  })
}
