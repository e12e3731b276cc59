/**
 * How processes sharing one database tell each other that a project's rows changed (src/hosted/redis-invalidation.ts
 * over Redis). The cache is only as fresh as this link lets it be, so the link promises two things:
 * - `publish` resolves once every other process with a live link has applied the invalidation to its cache (or a
 *   bounded wait for one that does not answer has passed);
 * - `live` is false while this process may be missing invalidations (disconnected); the cache then reads
 *   PostgreSQL and keeps nothing, and the link resets the cache when it goes down.
 */
export interface InvalidationLink {
  publish(projectIds: string[]): Promise<void>
  readonly live: boolean
}

interface Entry {
  generation: number
  epoch: number
  size: number
  value: unknown
}

/** What a fill read: the value to hand out (frozen: every later hit shares it), and about how many bytes it holds. */
export interface Loaded<T> {
  value: T
  size: number
}


/**
 * A per-process cache of the rows that reads outside transactions fetch (records by ID or filter, documents by ID,
 * relationship lookups), shared across processes by an InvalidationLink (docs/decisions/hosted-mode.md, "Read
 * cache"). The consistency rule:
 * - a write transaction that touched project P bumps P's generation here after its COMMIT, and the transaction
 *   resolves (so the write's response is sent) only once every other process has bumped it too (`link.publish`);
 * - a read serves an entry only if its project's generation is still the one it was filled under;
 * - a fill stores its rows only if the generation did not move while PostgreSQL answered.
 * So a read that starts after a write's response, on any process, sees that write; reads cost no round trip. Granularity is the project:
 * any committed write in P empties P's entries (lazily; the generation check drops them).
 * Values are frozen and shared between requests, as SQLite's caches share theirs (so the services' render caches,
 * keyed by object, hit on PostgreSQL too).
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>()
  private readonly generations = new Map<string, number>()
  /** Bumped when invalidations may have been lost (the link disconnected): every entry is then stale. */
  private epoch = 0
  private bytes = 0

  constructor(
    private readonly link: InvalidationLink,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  private generation(projectId: string): number {
    return this.generations.get(projectId) ?? 0
  }

  /** The value for `key` in `projectId`: from the cache when still valid, else from `load` (kept when nothing moved meanwhile). */
  async read<T>(projectId: string, key: string, load: () => Promise<Loaded<T>>): Promise<T> {
    // The link cannot vouch for freshness (Redis down): read PostgreSQL and keep nothing.
    if (!this.link.live) return (await load()).value
    const id = `${projectId}\0${key}`
    const generation = this.generation(projectId)
    const epoch = this.epoch
    const hit = this.entries.get(id)
    if (hit && hit.generation === generation && hit.epoch === epoch) {
      // Most recently used last, so eviction takes the oldest.
      this.entries.delete(id)
      this.entries.set(id, hit)
      return hit.value as T
    }
    const { value, size } = await load()
    if (this.generation(projectId) === generation && this.epoch === epoch) this.store(id, { generation, epoch, size: size + 64 + id.length, value })
    return value
  }

  private store(id: string, entry: Entry): void {
    const old = this.entries.get(id)
    if (old) {
      this.bytes -= old.size
      this.entries.delete(id)
    }
    if (entry.size > this.maxBytes / 16) return
    this.entries.set(id, entry)
    this.bytes += entry.size
    for (const [key, oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(key)
      this.bytes -= oldest.size
    }
  }

  /** Another process (or this one) changed these projects: their entries are stale from now on. */
  invalidate(projectIds: Iterable<string>): void {
    for (const projectId of projectIds) this.generations.set(projectId, this.generation(projectId) + 1)
  }

  /** Invalidations may have been lost: nothing cached so far is trusted. */
  reset(): void {
    this.epoch++
    this.entries.clear()
    this.bytes = 0
  }

  /** A transaction that touched `projectIds` committed here: drop them locally at once, then tell the others. */
  async committed(projectIds: Iterable<string>): Promise<void> {
    const ids = [...projectIds]
    if (ids.length === 0) return
    this.invalidate(ids)
    await this.link.publish(ids)
  }
}
