import { AppwriteException } from '../errors/appwrite-exception.js'
import type { Caller } from './caller.js'

/**
 * Appwrite's optimistic concurrency: when the client sends `X-Appwrite-Timestamp` and the stored `$updatedAt`
 * is newer, the write is refused with 409 `document_update_conflict`. Only the routes that honour the header
 * call this, so a bad header on other routes is ignored, as in Appwrite.
 */
export function assertNotStale(caller: Caller, updatedAt: string): void {
  const raw = caller.timestampHeader
  if (raw === null || raw === '') return
  const at = Date.parse(raw)
  if (Number.isNaN(at)) throw new AppwriteException('general_argument_invalid', 'Invalid X-Appwrite-Timestamp header value')
  if (Date.parse(updatedAt) > at) throw new AppwriteException('document_update_conflict', 'Remote document is newer than local.')
}
