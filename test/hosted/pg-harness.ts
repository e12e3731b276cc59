import { describe, it } from 'vitest'
import { probePostgres, probeRedis } from '../harness/pg-servers.js'

export { createDatabase, namedDatabase, PG_ADMIN_URL, probePostgres, probeRedis, REDIS_URL, type FreshDatabase } from '../harness/pg-servers.js'

const inCi = () => process.env.CI === 'true'

/**
 * `describe` for tests that need servers: when one does not answer, the block is skipped with the reason printed,
 * or, with `CI=true`, fails with it.
 */
export function describeWith(servers: ('postgres' | 'redis')[], name: string, body: () => void): void {
  const reasons = [servers.includes('postgres') ? probePostgres() : null, servers.includes('redis') ? probeRedis() : null]
  // Probed before collection (vitest awaits top-level promises through `await` in the caller).
  describe(name, async () => {
    const reason = (await Promise.all(reasons)).find((r) => r !== null) ?? null
    if (reason === null) return body()
    if (inCi()) {
      it('needs its servers (CI=true)', () => {
        throw new Error(reason)
      })
      return
    }
    console.warn(`skipped "${name}": ${reason}`)
    it.skip(`skipped: ${reason}`, () => {})
  })
}
