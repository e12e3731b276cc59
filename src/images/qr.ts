import { lazyRequire, loadSharp } from '../lazy.js'

const loadQrCode = lazyRequire<typeof import('qrcode')>('qrcode')

/** Pixels per module before the final resize, as chillerlan/php-qrcode's default `scale`. */
const MODULE_PIXELS = 5

/**
 * A QR code as Appwrite draws it (chillerlan/php-qrcode, then `Image::crop($size, $size)`): error correction L
 * (the library default), a quiet zone of `margin` modules, black on white, scaled to `size`×`size`. PNG.
 * Modules are scaled without smoothing so the code stays crisp and scannable.
 */
export async function renderQr(text: string, size: number, margin: number): Promise<Buffer> {
  const qr = loadQrCode().create(text, { errorCorrectionLevel: 'L' })
  const modules = qr.modules.size
  const side = (modules + 2 * margin) * MODULE_PIXELS
  const pixels = Buffer.alloc(side * side, 0xff)
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (!qr.modules.get(row, col)) continue
      const top = (row + margin) * MODULE_PIXELS
      const left = (col + margin) * MODULE_PIXELS
      for (let dy = 0; dy < MODULE_PIXELS; dy++) pixels.fill(0, (top + dy) * side + left, (top + dy) * side + left + MODULE_PIXELS)
    }
  }
  return loadSharp()(pixels, { raw: { width: side, height: side, channels: 1 } })
    .resize(size, size, { fit: 'cover', kernel: 'nearest' })
    .png({ compressionLevel: 9 })
    .toBuffer()
}
