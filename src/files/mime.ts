// file-type is ESM with a large detector table: imported on the first upload, not at start-up.
let fileType: Promise<typeof import('file-type')> | undefined

/** How many leading bytes the sniffer reads. */
export const SNIFF_BYTES = 256 * 1024

/**
 * The MIME type of a file from its first bytes, as Appwrite's `mime_content_type` (libmagic) would name it:
 * binary formats by their signature (`file-type`), then text by its content: SVG, HTML, XML, JSON, plain text.
 * Empty files are `application/x-empty`; unknown binary is `application/octet-stream`.
 */
export async function sniffMimeType(head: Buffer): Promise<string> {
  if (head.length === 0) return 'application/x-empty'
  const { fileTypeFromBuffer } = await (fileType ??= import('file-type'))
  const found = await fileTypeFromBuffer(head).catch(() => undefined)
  if (found) return found.mime === 'application/xml' ? textType(head) ?? found.mime : found.mime
  return textType(head) ?? 'application/octet-stream'
}

function textType(head: Buffer): string | null {
  if (!looksLikeText(head)) return null
  const text = head.toString('utf8', 0, Math.min(head.length, 8192)).replace(/^\uFEFF/, '')
  const start = text.replace(/^\s+/, '')
  // Skip an XML declaration, comments and a doctype to find the first element.
  const body = start.replace(/^(<\?xml[^>]*\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE\s+svg[^>]*>\s*)*/i, '')
  if (/^<svg[\s>]/i.test(body)) return 'image/svg+xml'
  if (/^<!DOCTYPE\s+html|^<(html|head|body|script|iframe|title|div|p|h1|table|style)[\s>]/i.test(start.replace(/^(<!--[\s\S]*?-->\s*)*/, ''))) return 'text/html'
  if (/^<\?xml/i.test(start)) return 'text/xml'
  if (/^[[{]/.test(start)) {
    try {
      JSON.parse(text)
      return 'application/json'
    } catch {
      // Not (complete) JSON: plain text.
    }
  }
  return 'text/plain'
}

function looksLikeText(head: Buffer): boolean {
  const sample = head.subarray(0, 8192)
  if (sample.includes(0)) return false
  let control = 0
  for (const b of sample) if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++
  return control <= sample.length / 100
}
