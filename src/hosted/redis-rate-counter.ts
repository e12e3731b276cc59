import { Redis } from 'ioredis'
import type { RateCounter } from '../core/rate-limit.js'

const PREFIX = 'appwrite-emulator:rate:'

/**
 * Rate-limit windows in Redis, shared by every process: one `INCR` per key (and its expiry) in a single
 * MULTI, so a window counts every process's hits and disappears after it ends.
 */
export class RedisRateCounter implements RateCounter {
  private constructor(private readonly redis: Redis) {}

  static async connect(url: string, onError: (error: unknown) => void): Promise<RedisRateCounter> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 })
    redis.on('error', onError)
    try {
      await redis.connect()
    } catch (error) {
      redis.disconnect()
      throw error
    }
    return new RedisRateCounter(redis)
  }

  async increment(keys: string[], ttlSeconds: number): Promise<number[]> {
    const multi = this.redis.multi()
    // Keys carry their window's start, so a fresh key per window; the expiry only tidies up.
    for (const key of keys) multi.incr(PREFIX + key).expire(PREFIX + key, ttlSeconds + 1)
    const results = (await multi.exec()) ?? []
    return keys.map((_, i) => {
      const [error, value] = results[i * 2] ?? [new Error('no reply'), 0]
      if (error) throw error
      return Number(value)
    })
  }

  async forget(projectId: string): Promise<void> {
    let cursor = '0'
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${PREFIX}${projectId.replace(/[*?[\]\\]/g, '\\$&')}|*`, 'COUNT', 500)
      cursor = next
      if (keys.length) await this.redis.del(...keys)
    } while (cursor !== '0')
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => {})
  }
}
