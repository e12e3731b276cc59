import type { RateLimit } from './route.js'

export interface RateLimitVerdict {
  headers: Record<string, string>
  exceeded: boolean
}

const MAX_KEYS = 100_000

/** Window counters several processes share (Redis in the hosted mode, src/hosted/redis-rate-counter.ts). */
export interface RateCounter {
  /** Adds one to each key (each lives `ttlSeconds`); resolves to the counts after the hit, in order. */
  increment(keys: string[], ttlSeconds: number): Promise<number[]>
  /** Forgets every counter of a project. */
  forget(projectId: string): Promise<void>
}

/**
 * Appwrite's abuse limits: a fixed window per key, counted in memory. The headers are computed whether or not
 * enforcement is on, as Appwrite sends them either way.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  private shared: RateCounter | null = null
  /** `--project-quota requests=N/window`: every request of a project counts, enforced with or without `--rate-limits`. */
  requestQuota: RateLimit | null = null

  /** @param enforce whether limits are enforced (`--rate-limits`); GraphQL's abuse limits follow it too. */
  constructor(readonly enforce: boolean) {}

  /** Counts the routes' limits in `counter` from now on, so every process sharing it counts the same windows. */
  share(counter: RateCounter): void {
    this.shared = counter
  }

  /**
   * A route's hit: in the shared counter when there is one (a promise then), else as `hit()` in memory.
   * Limits kept per connection (realtime messages) stay on `hit()`: a connection lives on one process.
   */
  count(projectId: string, limit: RateLimit, values: (name: string) => string, nowMs: number, enforce = this.enforce): RateLimitVerdict | Promise<RateLimitVerdict> {
    const shared = this.shared
    if (!shared) return this.hit(projectId, limit, values, nowMs, enforce)
    const start = Math.floor(Math.floor(nowMs / 1000) / limit.window) * limit.window
    const keys = limit.keys.map((template) => `${projectId}|${limit.window}|${start}|${template.replace(/\{([^}]+)\}/g, (_, name: string) => values(name))}`)
    return shared.increment(keys, limit.window).then((counts) => {
      const last = counts[counts.length - 1] ?? 1
      return {
        headers: {
          'X-RateLimit-Limit': String(limit.limit),
          'X-RateLimit-Remaining': String(Math.max(0, limit.limit - last)),
          'X-RateLimit-Reset': String(start + limit.window),
        },
        exceeded: enforce && counts.some((n) => n > limit.limit),
      }
    })
  }

  /** Counts one hit for each key template of `limit`; `values` fills `{url}`, `{ip}`, `{param-x}`… */
  hit(projectId: string, limit: RateLimit, values: (name: string) => string, nowMs: number, enforce = this.enforce): RateLimitVerdict {
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
    return { headers, exceeded: enforce && exceeded }
  }

  /** Counts one request against the project's request quota; true when it is over. Null without a quota. */
  overQuota(projectId: string, nowMs: number): boolean | Promise<boolean> | null {
    const quota = this.requestQuota
    if (!quota) return null
    const verdict = this.count(projectId, quota, () => '', nowMs, true)
    return verdict instanceof Promise ? verdict.then((v) => v.exceeded) : verdict.exceeded
  }

  /** Forgets every counter of a project (on reset). */
  forget(projectId: string): void {
    this.shared?.forget(projectId).catch(() => {})
    for (const key of this.windows.keys()) if (key.startsWith(`${projectId}|`)) this.windows.delete(key)
  }

  private prune(now: number): void {
    for (const [key, entry] of this.windows) {
      const window = Number(key.split('|')[1])
      if (entry.start + window <= now) this.windows.delete(key)
    }
  }
}
