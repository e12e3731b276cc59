/** Appwrite's datetime format: ISO 8601 with milliseconds and an explicit `+00:00` offset. */
export function formatDate(date: Date | number): string {
  const d = typeof date === 'number' ? new Date(date) : date
  return d.toISOString().replace('Z', '+00:00')
}

/** Now, in Appwrite's format, from the given clock. */
export function nowIso(clock: Clock): string {
  return formatDate(clock.now())
}

/** Where services read the time from; tests freeze or move it. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
