import { fileBytesRoute } from '../file-response.js'

/** storage.getFileDownload — the original bytes as an attachment, with `Range` and a 45-day `Expires`. */
export default fileBytesRoute('download')
