import { createRequire } from 'node:module'
import type * as Fontkit from 'fontkit'
import { lazyRequire } from '../lazy.js'

const require = createRequire(import.meta.url)

/** Inter Regular (latin), as Appwrite's initials use (`inter-v8-latin-regular.woff2`), from `@fontsource/inter`. */
const INTER_FILE = require.resolve('@fontsource/inter/files/inter-latin-400-normal.woff2')

const loadFontkit = lazyRequire<typeof Fontkit>('fontkit')

let inter: Fontkit.Font | undefined

function font(): Fontkit.Font {
  if (!inter) {
    const opened = loadFontkit().openSync(INTER_FILE)
    // A .woff2 holds one font, never a collection.
    inter = 'fonts' in opened ? (opened.fonts[0] as Fontkit.Font) : opened
  }
  return inter
}

/** Text laid out as one SVG path: `d` in pixels with the baseline at y = 0 and the pen starting at x = 0. */
export interface TextOutline {
  d: string
  /** The advance width in pixels. */
  width: number
}

const round = (n: number) => Math.round(n * 100) / 100

/**
 * Turns text into glyph outlines (with kerning) at `size` pixels per em. Drawing outlines instead of `<text>`
 * means the picture does not depend on the fonts installed where it is rendered.
 */
export function textOutline(text: string, size: number): TextOutline {
  const f = font()
  const scale = size / f.unitsPerEm
  const run = f.layout(text)
  const parts: string[] = []
  let pen = 0
  run.glyphs.forEach((glyph, i) => {
    const position = run.positions[i]!
    const x0 = (pen + position.xOffset) * scale
    const y0 = -position.yOffset * scale
    // Font units point up; SVG's y points down.
    const d = glyph.path
      .transform(scale, 0, 0, -scale, x0, -y0)
      .toSVG()
      .replace(/-?\d+(\.\d+)?(e-?\d+)?/g, (n) => String(round(Number(n))))
    if (d) parts.push(d)
    pen += position.xAdvance
  })
  return { d: parts.join(''), width: pen * scale }
}

/** The font's cap height as a fraction of its size, for centring capitals. */
export function capHeightRatio(): number {
  const f = font()
  return f.capHeight / f.unitsPerEm
}
