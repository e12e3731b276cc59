import { AppwriteException } from './appwrite-exception.js'

export const APPWRITE_VERSION = '1.5.11'

// Appwrite keeps `code` as the HTTP status only for these; anything else becomes 500 "Server Error".
const PASSTHROUGH_STATUS = new Set([400, 401, 402, 403, 404, 408, 409, 412, 416, 429, 451, 501, 503])

export interface RenderedError {
  status: number
  body: { message: string; code: number; type: string; version: string }
}

/** Turns anything thrown into Appwrite's error body and status; unknown causes never reach the client. */
export function renderError(error: unknown): RenderedError {
  const ex = error instanceof AppwriteException ? error : new AppwriteException('general_unknown')
  if (PASSTHROUGH_STATUS.has(ex.code)) {
    return { status: ex.code, body: { message: ex.message, code: ex.code, type: ex.type, version: APPWRITE_VERSION } }
  }
  return { status: 500, body: { message: 'Server Error', code: 500, type: ex.type, version: APPWRITE_VERSION } }
}
