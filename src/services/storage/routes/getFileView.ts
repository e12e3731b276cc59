import { fileBytesRoute } from '../file-response.js'

/**
 * storage.getFileView — the original bytes inline, typed as themselves only when the type is in Appwrite's safe
 * list (else text/plain), and with `Content-Security-Policy: script-src none;`.
 */
export default fileBytesRoute('view')
