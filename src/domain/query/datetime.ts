/**
 * Datetime values of documents and queries: what PHP's `new \DateTime()` commonly parses, normalised to UTC
 * with milliseconds (`1975-06-12T12:12:55.000+00:00`), within utopia's range 0000-01-01 to 9999-12-31.
 */
// deviation: PHP also parses relative formats ("next monday", "now"); only absolute dates and "@<unix>" are taken here.
const PATTERN =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?|[A-Za-z]+(?:\/[A-Za-z_+-]+)+)?$/i

/** The UTC form of a datetime string, or null when it is not one. */
export function normalizeDatetime(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const text = value.trim()
  const unix = /^@(-?\d+(?:\.\d+)?)$/.exec(text)
  if (unix) return format(Number(unix[1]) * 1000)
  const m = PATTERN.exec(text)
  if (!m) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null
  const ms = Number((frac + '000').slice(0, 3))
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(Number(h), Number(mi), Number(s), ms)
  if (date.getUTCDate() !== day) return null
  let local = date.getTime()
  if (zone && !/^(Z|UTC|GMT)$/i.test(zone)) {
    if (/^[+-]/.test(zone)) {
      const digits = zone.replace(':', '')
      const sign = digits[0] === '-' ? -1 : 1
      const offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'))
      local -= offset * 60_000
    } else {
      const offset = zoneOffsetMinutes(zone, local)
      if (offset === null) return null
      local -= offset * 60_000
    }
  }
  return format(local)
}

function format(ms: number): string | null {
  if (!Number.isFinite(ms)) return null
  const d = new Date(ms)
  const year = d.getUTCFullYear()
  if (year < 0 || year > 9999) return null
  return d.toISOString().replace(/Z$/, '+00:00')
}

/** The offset of an IANA zone at a moment, in minutes east of UTC; null for an unknown zone. */
function zoneOffsetMinutes(zone: string, at: number): number | null {
  let parts: Intl.DateTimeFormatPart[]
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(at)
  } catch {
    return null
  }
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  const first = Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000)
  return first
}
