import { textOutline } from './font.js'
import type { Size } from './raster.js'

const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A plain badge for a brand no icon package draws: a rounded rectangle in `color` with the brand's name in
 * white Inter, fitted to the width. An SVG of `size`, to be cropped and rasterised like any icon.
 */
export function badgeSvg(label: string, size: Size, color: string): string {
  const { width, height } = size
  const padding = width * 0.08
  let fontSize = height * 0.22
  let outline = textOutline(label, fontSize)
  if (outline.width > width - 2 * padding) {
    fontSize *= (width - 2 * padding) / outline.width
    outline = textOutline(label, fontSize)
  }
  const x = (width - outline.width) / 2
  // Centre the capitals: the baseline sits half a cap height (~0.73 em in Inter) below the middle.
  const y = height / 2 + fontSize * 0.36
  const radius = Math.min(width, height) * 0.08
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" rx="${radius}" fill="${escapeAttr(color)}"/>` +
    `<path transform="translate(${x.toFixed(2)} ${y.toFixed(2)})" d="${escapeAttr(outline.d)}" fill="#fff"/></svg>`
  )
}
