import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { badgeSvg } from '../../images/badge.js'
import type { Size } from '../../images/raster.js'

const require = createRequire(import.meta.url)

/** Where an icon's SVG comes from: a file in an npm package, or a drawn badge with the brand's name. */
type IconSource = { file: string } | { badge: string }

export interface IconSet {
  /** The codes the route accepts, in the spec's enum order (its `WhiteList`). */
  codes: readonly string[]
  source(code: string): IconSource
  /** The size a badge is drawn at, matching the set's real icons. */
  badgeSize: Size
}

// Browser codes and names from the 1.5 spec (`x-enum-keys` of `Browser`).
const BROWSERS: Record<string, string> = {
  aa: 'Avant Browser', an: 'Android WebView Beta', ch: 'Google Chrome', ci: 'Google Chrome (iOS)', cm: 'Google Chrome (Mobile)',
  cr: 'Chromium', ff: 'Mozilla Firefox', sf: 'Safari', mf: 'Mobile Safari', ps: 'Microsoft Edge', oi: 'Microsoft Edge (iOS)',
  om: 'Opera Mini', op: 'Opera', on: 'Opera (Next)',
}
// Official logos from the @browser-logos packages; Avant and Android WebView have none there and get a badge.
const BROWSER_LOGOS: Record<string, string> = {
  ch: '@browser-logos/chrome/chrome.svg', ci: '@browser-logos/chrome/chrome.svg', cm: '@browser-logos/chrome/chrome.svg',
  cr: '@browser-logos/chromium/chromium.svg', ff: '@browser-logos/firefox/firefox.svg', sf: '@browser-logos/safari/safari.svg',
  mf: '@browser-logos/safari-ios/safari-ios.svg', ps: '@browser-logos/edge/edge.svg', oi: '@browser-logos/edge/edge.svg',
  om: '@browser-logos/opera/opera.svg', op: '@browser-logos/opera/opera.svg', on: '@browser-logos/opera/opera.svg',
}

// Credit card codes and names from the 1.5 spec (`x-enum-keys` of `CreditCard`).
const CREDIT_CARDS: Record<string, string> = {
  amex: 'American Express', argencard: 'Argencard', cabal: 'Cabal', cencosud: 'Cencosud', diners: 'Diners Club', discover: 'Discover',
  elo: 'Elo', hipercard: 'Hipercard', jcb: 'JCB', mastercard: 'Mastercard', naranja: 'Naranja', 'targeta-shopping': 'Tarjeta Shopping',
  'union-china-pay': 'Union China Pay', visa: 'Visa', mir: 'MIR', maestro: 'Maestro',
}
// Full-colour card faces from `payment-icons`; the regional cards it lacks get a badge.
const CARD_FACES: Record<string, string> = {
  amex: 'amex', diners: 'diners', discover: 'discover', elo: 'elo', hipercard: 'hipercard', jcb: 'jcb', mastercard: 'mastercard',
  'union-china-pay': 'unionpay', visa: 'visa', maestro: 'maestro',
}

/** The 195 flag codes of the 1.5 spec (`Flag` enum, ISO 3166-1 alpha-2), in its order. */
export const FLAG_CODES = [
  'af', 'ao', 'al', 'ad', 'ae', 'ar', 'am', 'ag', 'au', 'at', 'az', 'bi', 'be', 'bj', 'bf', 'bd', 'bg', 'bh', 'bs', 'ba', 'by', 'bz',
  'bo', 'br', 'bb', 'bn', 'bt', 'bw', 'cf', 'ca', 'ch', 'cl', 'cn', 'ci', 'cm', 'cd', 'cg', 'co', 'km', 'cv', 'cr', 'cu', 'cy', 'cz',
  'de', 'dj', 'dm', 'dk', 'do', 'dz', 'ec', 'eg', 'er', 'es', 'ee', 'et', 'fi', 'fj', 'fr', 'fm', 'ga', 'gb', 'ge', 'gh', 'gn', 'gm',
  'gw', 'gq', 'gr', 'gd', 'gt', 'gy', 'hn', 'hr', 'ht', 'hu', 'id', 'in', 'ie', 'ir', 'iq', 'is', 'il', 'it', 'jm', 'jo', 'jp', 'kz',
  'ke', 'kg', 'kh', 'ki', 'kn', 'kr', 'kw', 'la', 'lb', 'lr', 'ly', 'lc', 'li', 'lk', 'ls', 'lt', 'lu', 'lv', 'ma', 'mc', 'md', 'mg',
  'mv', 'mx', 'mh', 'mk', 'ml', 'mt', 'mm', 'me', 'mn', 'mz', 'mr', 'mu', 'mw', 'my', 'na', 'ne', 'ng', 'ni', 'nl', 'no', 'np', 'nr',
  'nz', 'om', 'pk', 'pa', 'pe', 'ph', 'pw', 'pg', 'pl', 'pf', 'kp', 'pt', 'py', 'qa', 'ro', 'ru', 'rw', 'sa', 'sd', 'sn', 'sg', 'sb',
  'sl', 'sv', 'sm', 'so', 'rs', 'ss', 'st', 'sr', 'sk', 'si', 'se', 'sz', 'sc', 'sy', 'td', 'tg', 'th', 'tj', 'tm', 'tl', 'to', 'tt',
  'tn', 'tr', 'tv', 'tz', 'ug', 'ua', 'uy', 'us', 'uz', 'va', 'vc', 've', 'vn', 'vu', 'ws', 'ye', 'za', 'zm', 'zw',
] as const

/** The three icon sets of `/avatars/{browsers,credit-cards,flags}/{code}`. */
export const ICON_SETS = {
  browsers: {
    codes: Object.keys(BROWSERS),
    source: (code: string): IconSource => (BROWSER_LOGOS[code] ? { file: BROWSER_LOGOS[code] } : { badge: BROWSERS[code]! }),
    badgeSize: { width: 512, height: 512 },
  },
  'credit-cards': {
    codes: Object.keys(CREDIT_CARDS),
    source: (code: string): IconSource => (CARD_FACES[code] ? { file: `payment-icons/min/flat/${CARD_FACES[code]}.svg` } : { badge: CREDIT_CARDS[code]! }),
    // payment-icons draws its cards at 750×471, the ISO ID-1 card shape.
    badgeSize: { width: 750, height: 471 },
  },
  flags: {
    codes: FLAG_CODES,
    // flag-icons' 4:3 flags (640×480), the shape of Appwrite's flag PNGs.
    source: (code: string): IconSource => ({ file: `flag-icons/flags/4x3/${code}.svg` }),
    badgeSize: { width: 640, height: 480 },
  },
} satisfies Record<string, IconSet>

export type IconSetName = keyof typeof ICON_SETS

// Badges use Appwrite's neutral preview background (storage previews use #eceff1); the label needs contrast.
const BADGE_COLOR = '#455A64'

const svgCache = new Map<string, string>()

/** The SVG for a code of a set (read once from its package, or drawn). Throws for a code the set lacks. */
export function iconSvg(set: IconSetName, code: string): string {
  const key = `${set}/${code}`
  const cached = svgCache.get(key)
  if (cached) return cached
  const icons: IconSet = ICON_SETS[set]
  if (!icons.codes.includes(code)) throw new Error(`no ${set} icon ${code}`)
  const source = icons.source(code)
  const svg = 'file' in source ? readFileSync(require.resolve(source.file), 'utf8') : badgeSvg(source.badge, icons.badgeSize, BADGE_COLOR)
  svgCache.set(key, svg)
  return svg
}
