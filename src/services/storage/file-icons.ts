import { loadSharp } from '../../lazy.js'
import { textOutline } from '../../images/font.js'

/** The side of a file-type icon, before the preview's own crop. */
export const ICON_SIZE = 256

interface IconKind {
  label: string
  color: string
}

/**
 * The icon family for a MIME type: Appwrite draws a generic logo (`app/config/storage/logos.php`) for files it
 * cannot preview; the emulator draws its own page with the type's label, so a preview says what the file is.
 */
export function iconKind(mimeType: string, isImage: boolean): IconKind {
  if (isImage) return { label: 'IMG', color: '#7c67fe' }
  const m = mimeType.toLowerCase()
  if (m === 'application/pdf') return { label: 'PDF', color: '#e5484d' }
  if (m.startsWith('image/')) return { label: 'IMG', color: '#7c67fe' }
  if (m.startsWith('audio/')) return { label: 'AUDIO', color: '#f5a524' }
  if (m.startsWith('video/')) return { label: 'VIDEO', color: '#fd366e' }
  if (m === 'text/html') return { label: 'HTML', color: '#fe9567' }
  if (m === 'text/csv' || /excel|spreadsheet/.test(m)) return { label: 'XLS', color: '#30a46c' }
  if (/msword|wordprocessing/.test(m)) return { label: 'DOC', color: '#68a3fe' }
  if (/powerpoint|presentation/.test(m)) return { label: 'PPT', color: '#f76b15' }
  if (/zip|gzip|x-tar|x-7z|x-rar|x-bzip|zstd|x-xz/.test(m)) return { label: 'ZIP', color: '#8b8d98' }
  if (m === 'application/json' || m.endsWith('+json')) return { label: 'JSON', color: '#85dbd8' }
  if (m.startsWith('text/') || m.endsWith('xml')) return { label: 'TXT', color: '#5b5bd6' }
  return { label: 'FILE', color: '#60646c' }
}

/** A document page with a folded corner and a coloured label band, transparent around it. */
export function iconSvg(kind: IconKind): string {
  const s = ICON_SIZE
  const left = s * 0.2
  const right = s * 0.8
  const top = s * 0.08
  const bottom = s * 0.92
  const fold = s * 0.18
  const page = `M${left} ${top + 8}q0 -8 8 -8H${right - fold}L${right} ${top + fold}V${bottom - 8}q0 8 -8 8H${left + 8}q-8 0 -8 -8Z`
  const corner = `M${right - fold} ${top}V${top + fold - 8}q0 8 8 8H${right}Z`
  let fontSize = s * 0.13
  let text = textOutline(kind.label, fontSize)
  const bandWidth = s * 0.56
  if (text.width > bandWidth - 16) {
    fontSize *= (bandWidth - 16) / text.width
    text = textOutline(kind.label, fontSize)
  }
  const bandTop = s * 0.56
  const bandHeight = s * 0.2
  const x = (s - text.width) / 2
  const y = bandTop + bandHeight / 2 + fontSize * 0.36
  const lines = [0.3, 0.38, 0.46].map((f) => `<rect x="${left + 24}" y="${s * f}" width="${(right - left) * (f === 0.46 ? 0.45 : 0.62)}" height="8" rx="4" fill="#d8dde3"/>`).join('')
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">` +
    `<path d="${page}" fill="#ffffff" stroke="#b8c0c8" stroke-width="4"/>` +
    `<path d="${corner}" fill="#d8dde3"/>${lines}` +
    `<rect x="${(s - bandWidth) / 2}" y="${bandTop}" width="${bandWidth}" height="${bandHeight}" rx="10" fill="${kind.color}"/>` +
    `<path transform="translate(${x.toFixed(2)} ${y.toFixed(2)})" d="${text.d}" fill="#ffffff"/></svg>`
  )
}

const rendered = new Map<string, Promise<Buffer>>()

/** The icon as a PNG (rendered once per kind). */
export function iconPng(kind: IconKind): Promise<Buffer> {
  const key = `${kind.label}|${kind.color}`
  let png = rendered.get(key)
  if (!png) {
    png = loadSharp()(Buffer.from(iconSvg(kind))).png().toBuffer()
    rendered.set(key, png)
  }
  return png
}
