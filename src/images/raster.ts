import type { PngOptions } from 'sharp'
import { loadSharp } from '../lazy.js'

/** A width and height in pixels. */
export interface Size {
  width: number
  height: number
}

// A generated image never needs more pixels than this on one side (params stop at 2000).
const MAX_SIDE = 4000

/**
 * The output size of utopia-php/image `Image::crop($width, $height)`: a zero side follows the source's aspect
 * ratio (PHP `intval`, so truncated), and both zero keep the source size.
 */
export function cropSize(source: Size, width: number, height: number): Size {
  const aspect = source.width / source.height
  let w = width
  let h = height
  if (!w) w = Math.trunc(h * aspect)
  if (!h) h = Math.trunc(w / aspect)
  if (!w && !h) return { width: source.width, height: source.height }
  return { width: Math.max(1, w), height: Math.max(1, h) }
}

/**
 * PNG settings for Appwrite's `quality` (0–100). PNG is lossless: ImageMagick reads the tens digit of the
 * quality as the zlib level, so only the compression level follows it.
 */
export function pngOptions(quality: number): PngOptions {
  return { compressionLevel: Math.min(9, Math.floor(quality / 10)) }
}

/**
 * `cropThumbnailImage` as Appwrite calls it through `Image::crop`: scale to cover the target, centre, cut.
 * Returns a PNG. Throws if the input is not an image sharp can decode.
 */
export async function coverToPng(input: Buffer, width: number, height: number, quality: number): Promise<Buffer> {
  const image = loadSharp()(input, { failOn: 'error', limitInputPixels: 100_000_000 })
  const meta = await image.metadata()
  if (!meta.width || !meta.height) throw new Error('image without dimensions')
  const size = cropSize({ width: meta.width, height: meta.height }, width, height)
  return image
    .rotate()
    .resize(Math.min(size.width, MAX_SIDE), Math.min(size.height, MAX_SIDE), { fit: 'cover', position: 'centre' })
    .png(pngOptions(quality))
    .toBuffer()
}

/** The size an SVG draws at by default: its viewBox, else its width and height attributes. */
export function svgIntrinsicSize(svg: string): Size {
  const root = rootTag(svg)
  const viewBox = /\sviewBox\s*=\s*["']([^"']+)["']/i.exec(root)?.[1]?.trim().split(/[\s,]+/).map(Number)
  if (viewBox && viewBox.length === 4 && viewBox[2]! > 0 && viewBox[3]! > 0) return { width: viewBox[2]!, height: viewBox[3]! }
  const w = Number.parseFloat(/\swidth\s*=\s*["']([^"']+)["']/i.exec(root)?.[1] ?? '')
  const h = Number.parseFloat(/\sheight\s*=\s*["']([^"']+)["']/i.exec(root)?.[1] ?? '')
  if (w > 0 && h > 0) return { width: w, height: h }
  throw new Error('SVG without a size')
}

/**
 * Renders an SVG icon the way Appwrite crops its PNG icons (`Image::crop`): covering `width`×`height`, centred.
 * The SVG is rasterised at the size it is drawn at, so edges stay sharp at any size.
 */
export async function svgToPng(svg: string, width: number, height: number, quality: number): Promise<Buffer> {
  const intrinsic = svgIntrinsicSize(svg)
  const target = cropSize({ width: Math.round(intrinsic.width), height: Math.round(intrinsic.height) }, width, height)
  const scale = Math.max(target.width / intrinsic.width, target.height / intrinsic.height)
  const drawn = { width: Math.max(1, Math.ceil(intrinsic.width * scale)), height: Math.max(1, Math.ceil(intrinsic.height * scale)) }
  return loadSharp()(Buffer.from(sizedSvg(svg, intrinsic, drawn)))
    .resize(target.width, target.height, { fit: 'cover', position: 'centre' })
    .png(pngOptions(quality))
    .toBuffer()
}

function rootTag(svg: string): string {
  const match = /<svg\b[^>]*>/i.exec(svg)
  if (!match) throw new Error('not an SVG document')
  return match[0]
}

/** The same SVG with its root `width`/`height` set to `drawn` (and a viewBox, so the drawing scales). */
function sizedSvg(svg: string, intrinsic: Size, drawn: Size): string {
  const root = rootTag(svg)
  let tag = root.replace(/\s(width|height)\s*=\s*["'][^"']*["']/gi, '')
  if (!/\sviewBox\s*=/i.test(tag)) tag = tag.replace(/^<svg\b/i, `<svg viewBox="0 0 ${intrinsic.width} ${intrinsic.height}"`)
  tag = tag.replace(/^<svg\b/i, `<svg width="${drawn.width}" height="${drawn.height}" preserveAspectRatio="none"`)
  return svg.replace(root, tag)
}
