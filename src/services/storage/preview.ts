import type { Sharp } from 'sharp'
import { loadSharp } from '../../lazy.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { cropSize } from '../../images/raster.js'

export const GRAVITIES = ['center', 'top-left', 'top', 'top-right', 'left', 'right', 'bottom-left', 'bottom', 'bottom-right'] as const
export type Gravity = (typeof GRAVITIES)[number]
export const OUTPUTS = { jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', png: 'image/png', webp: 'image/webp' } as const
export type Output = keyof typeof OUTPUTS

/** `app/config/storage/inputs.php`: the types Appwrite renders; others get an icon. */
export const PREVIEW_INPUTS: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif'])
/** `_APP_STORAGE_PREVIEW_LIMIT`: images stored larger than this get the image icon. */
export const PREVIEW_LIMIT = 20_000_000

export interface PreviewOptions {
  width: number
  height: number
  gravity: Gravity
  quality: number
  borderWidth: number
  borderColor: string
  borderRadius: number
  opacity: number
  rotation: number
  background: string
  output: Output
}

const POSITION: Record<Gravity, string> = {
  center: 'centre', 'top-left': 'northwest', top: 'north', 'top-right': 'northeast', left: 'west', right: 'east',
  'bottom-left': 'southwest', bottom: 'south', 'bottom-right': 'southeast',
}

const RAW = { resolveWithObject: true } as const
type RawImage = { data: Buffer; info: { width: number; height: number; channels: number } }
const fromRaw = (r: RawImage): Sharp => loadSharp()(r.data, { raw: { width: r.info.width, height: r.info.height, channels: r.info.channels as 4 } })
const hex = (c: string) => `#${c}`

/**
 * utopia-php/image as storage.php drives it, with sharp: crop (cover, by gravity) → opacity → background →
 * border → border radius → rotation → output at `quality`. Steps run in that order, each on the last one's
 * pixels; a plain resize stays one sharp pipeline. An input sharp cannot decode is
 * `storage_file_type_unsupported`.
 */
export async function renderPreview(input: Buffer, o: PreviewOptions): Promise<Buffer> {
  let image = loadSharp()(input, { failOn: 'error', limitInputPixels: 100_000_000 })
  let meta
  try {
    meta = await image.metadata()
  } catch {
    throw new AppwriteException('storage_file_type_unsupported')
  }
  if (!meta.width || !meta.height) throw new AppwriteException('storage_file_type_unsupported')
  const needsSteps = o.opacity < 1 || o.background !== '' || o.borderWidth > 0 || o.borderRadius > 0 || o.rotation % 360 !== 0
  // utopia crops every frame of a GIF, so an animation stays one when the output can hold it.
  // deviation: with border, radius, opacity, background or rotation the emulator renders the first frame only.
  if ((meta.pages ?? 1) > 1 && (o.output === 'gif' || o.output === 'webp') && !needsSteps) {
    image = loadSharp()(input, { failOn: 'error', limitInputPixels: 100_000_000, animated: true })
  }
  const frameHeight = meta.pageHeight ?? meta.height
  const size = cropSize({ width: meta.width, height: frameHeight }, o.width, o.height)
  if (size.width !== meta.width || size.height !== frameHeight) {
    image = image.resize(size.width, size.height, { fit: 'cover', position: POSITION[o.gravity] as 'centre' })
  }
  try {
    if (needsSteps) {
      let raw: RawImage = await image.ensureAlpha().raw().toBuffer(RAW)
      if (o.opacity < 1) raw = await fromRaw(raw).linear([1, 1, 1, o.opacity], [0, 0, 0, 0]).raw().toBuffer(RAW)
      if (o.background) raw = await fromRaw(raw).flatten({ background: hex(o.background) }).ensureAlpha().raw().toBuffer(RAW)
      if (o.borderWidth > 0) {
        const b = o.borderWidth
        raw = await fromRaw(raw).extend({ top: b, bottom: b, left: b, right: b, background: o.borderColor ? hex(o.borderColor) : '#000000' }).raw().toBuffer(RAW)
      }
      if (o.borderRadius > 0) {
        const { width, height } = raw.info
        const r = Math.min(o.borderRadius, width / 2, height / 2)
        const mask = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" rx="${r}" ry="${r}"/></svg>`)
        raw = await fromRaw(raw).composite([{ input: mask, blend: 'dest-in' }]).raw().toBuffer(RAW)
      }
      if (o.rotation % 360 !== 0) raw = await fromRaw(raw).rotate((o.rotation + 360) % 360, { background: { r: 0, g: 0, b: 0, alpha: 0 } }).raw().toBuffer(RAW)
      image = fromRaw(raw)
    }
    const quality = Math.max(1, o.quality)
    switch (o.output) {
      case 'jpg':
      case 'jpeg':
        return await image.jpeg({ quality }).toBuffer()
      case 'png':
        return await image.png({ compressionLevel: Math.min(9, Math.floor(o.quality / 10)) }).toBuffer()
      case 'gif':
        return await image.gif().toBuffer()
      case 'webp':
        return await image.webp({ quality }).toBuffer()
    }
  } catch (error) {
    if (error instanceof AppwriteException) throw error
    throw new AppwriteException('storage_file_type_unsupported')
  }
}
