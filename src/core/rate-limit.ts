import type { RateLimit } from './route.js'

export interface RateLimitVerdict {
  headers: Record<string, string>
  exceeded: boolean
}

const MAX_KEYS = 100_000

/**
 * Appwrite's abuse limits: a fixed window per key, counted in memory. The headers are computed whether or not
 * enforcement is on, as Appwrite sends them either way.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  /** @param enforce whether limits are enforced (`--rate-limits`); GraphQL's abuse limits follow it too. */
  constructor(readonly enforce: boolean) {}

  /** Counts one hit for each key template of `limit`; `values` fills `{url}`, `{ip}`, `{param-x}`… */
  hit(projectId: string, limit: RateLimit, values: (name: string) => string, nowMs: number): RateLimitVerdict {
    const now = Math.floor(nowMs / 1000)
    const start = Math.floor(now / limit.window) * limit.window
    let headers: Record<string, string> = {}
    let exceeded = false
    if (this.windows.size > MAX_KEYS) this.prune(now)
    for (const template of limit.keys) {
      const key = `${projectId}|${limit.window}|${template.replace(/\{([^}]+)\}/g, (_, name: string) => values(name))}`
      let entry = this.windows.get(key)
      if (!entry || entry.start !== start) {
        entry = { start, count: 0 }
        this.windows.set(key, entry)
      }
      headers = {
        'X-RateLimit-Limit': String(limit.limit),
        'X-RateLimit-Remaining': String(Math.max(0, limit.limit - (entry.count + 1))),
        'X-RateLimit-Reset': String(start + limit.window),
      }
      if (entry.count >= limit.limit) exceeded = true
      entry.count++
    }
    return { headers, exceeded: this.enforce && exceeded }
  }

  /** Forgets every counter of a project (on reset). */
  forget(projectId: string): void {
    for (const key of this.windows.keys()) if (key.startsWith(`${projectId}|`)) this.windows.delete(key)
  }

  private prune(now: number): void {
    for (const [key, entry] of this.windows) {
      const window = Number(key.split('|')[1])
      if (entry.start + window <= now) this.windows.delete(key)
    }
  }
}
