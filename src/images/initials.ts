import { loadSharp } from '../lazy.js'
import { textOutline } from './font.js'

/** Appwrite's initials palette: pink (default), orange, purple, blue, mint (avatars.php `$themes`). */
export const INITIALS_COLORS = ['#FD366E', '#FE9567', '#7C67FE', '#68A3FE', '#85DBD8'] as const

const isAsciiAlnum = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9]$/.test(c)

/**
 * The initials Appwrite draws for a name, and the palette index they pick. This is avatars.php as written:
 * the name is upper-cased (ASCII only, like PHP 8 `strtoupper`) and split on spaces, or on `_` when there is no
 * space; each word whose first byte is ASCII alphanumeric (`ctype_alnum`) adds that letter; the loop stops once
 * the second word has added one, so a skipped second word lets later words add theirs ("A - B C" gives "ABC").
 * The colour is the last digit of the sum of the letters' codes, wrapped with `% 5` above 4.
 */
export function initialsOf(name: string): { initials: string; colorIndex: number } {
  const upper = name.replace(/[a-z]/g, (c) => c.toUpperCase())
  let words = upper.split(' ')
  if (words.length === 1) words = upper.split('_')
  let initials = ''
  let code = 0
  for (const [key, word] of words.entries()) {
    // `$w[0]` is the first byte: a multi-byte first character is never alphanumeric there.
    const first = word[0]
    if (isAsciiAlnum(first)) {
      initials += first
      code += first!.charCodeAt(0)
      if (key === 1) break
    }
  }
  const digit = Number(String(code).slice(-1))
  return { initials, colorIndex: digit > INITIALS_COLORS.length - 1 ? digit % INITIALS_COLORS.length : digit }
}

const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The initials avatar: a `width`×`height` rectangle of `background` with the letters punched out (transparent),
 * Inter Regular at `min(width, height) / 2` pixels, centred on x = width / 1.97 with the baseline at
 * height / 2 + size / 3, as Appwrite's ImageMagick annotation places them. PNG.
 */
export async function renderInitials(options: { initials: string; width: number; height: number; background: string }): Promise<Buffer> {
  const { initials, width, height, background } = options
  const fontSize = Math.min(width, height) / 2
  const outline = textOutline(initials, fontSize)
  const x = width / 1.97 - outline.width / 2
  const y = height / 2 + fontSize / 3
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs><mask id="punch" maskUnits="userSpaceOnUse" x="0" y="0" width="${width}" height="${height}">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<path transform="translate(${x.toFixed(2)} ${y.toFixed(2)})" d="${escapeAttr(outline.d)}" fill="#000"/>` +
    `</mask></defs>` +
    `<rect width="${width}" height="${height}" fill="${escapeAttr(background)}" mask="url(#punch)"/></svg>`
  return loadSharp()(Buffer.from(svg)).png().toBuffer()
}
