/** Appwrite's datetime format: ISO 8601 with milliseconds and an explicit `+00:00` offset. */
import type { ClockState } from '../control/public-types.js'
export type { ClockState }
export function formatDate(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime()
  // A request formats the same instant several times ($createdAt, $updatedAt, events, logs): the last one is kept.
  if (ms === lastMs) return lastFormatted
  const formatted = new Date(ms).toISOString().replace('Z', '+00:00')
  lastMs = ms
  lastFormatted = formatted
  return formatted
}
let lastMs = Number.NaN
let lastFormatted = ''

/** Now, in Appwrite's format, from the given clock. */
export function nowIso(clock: Clock): string {
  return formatDate(clock.now())
}

/** Where services read the time from; tests freeze or move it. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }


/**
 * The emulator's one clock (`/_emulator/clock`): its base clock (the system's, or a test's) plus an offset, or a
 * frozen instant. Everything that is time reads it: record dates, session/token/JWT/MFA/recovery expiry,
 * rate-limit windows, function schedules, realtime timestamps. Listeners hear every jump (advance, set, reset).
 */
export class ControllableClock implements Clock {
  private offset = 0
  private frozenAt: number | null = null
  private readonly listeners = new Set<(now: number) => void>()

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.frozenAt ?? this.base.now() + this.offset
  }

  /** Moves the clock forward (or back, negative) by `ms`; a frozen clock stays frozen at the new instant. */
  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms
    else this.offset += ms
    this.changed()
  }

  /** Jumps to `ms` (epoch milliseconds); a running clock keeps running from there. */
  set(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt = ms
    else this.offset = ms - this.base.now()
    this.changed()
  }

  /** Stops the clock at the current instant (true), or lets it run on from where it stands (false). */
  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.now()
    if (!frozen && this.frozenAt !== null) {
      this.offset = this.frozenAt - this.base.now()
      this.frozenAt = null
    }
  }

  /** Back to the base clock: no offset, running. */
  reset(): void {
    this.offset = 0
    this.frozenAt = null
    this.changed()
  }

  state(): ClockState {
    return { now: formatDate(this.now()), frozen: this.frozenAt !== null, offsetMs: this.frozenAt === null ? this.offset : this.frozenAt - this.base.now() }
  }

  /** Calls `listener` after every jump of the clock; returns the unsubscribe function. */
  onChange(listener: (now: number) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(): void {
    const now = this.now()
    for (const listener of this.listeners) listener(now)
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 }

/**
 * A duration as the control API takes it: a number of seconds, or text such as `90m`, `1h30m`, `1y`, `-2d`
 * (units ms, s, m, h, d, w, y = 365 days). Null when it is neither.
 */
export function parseClockAdvance(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) : null
  if (typeof value !== 'string') return null
  const text = value.trim()
  if (/^-?\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const m = /^(-)?((?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+)$/.exec(text)
  if (!m) return null
  let total = 0
  for (const [, n, unit] of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)) total += Number(n) * DURATION_UNITS[unit!]!
  return Math.round(m[1] ? -total : total)
}
