/** A generated image and its content type. */
export interface CachedImage {
  contentType: string
  data: Buffer
}

/**
 * Appwrite's `cache` label in memory: generated images by key, least recently used dropped first, bounded by
 * total bytes and entry count so a stream of distinct requests cannot grow the process without limit.
 */
export class ImageCache {
  private readonly entries = new Map<string, CachedImage & { storedAt: number }>()
  private bytes = 0

  constructor(
    private readonly limits: { maxBytes: number; maxEntries: number; ttlMs: number } = { maxBytes: 64 * 1024 * 1024, maxEntries: 2000, ttlMs: 30 * 24 * 3600 * 1000 },
  ) {}

  get(key: string, nowMs: number): CachedImage | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    if (nowMs - entry.storedAt > this.limits.ttlMs) {
      this.bytes -= entry.data.length
      return undefined
    }
    this.entries.set(key, entry)
    return { contentType: entry.contentType, data: entry.data }
  }

  set(key: string, image: CachedImage, nowMs: number): void {
    if (image.data.length > this.limits.maxBytes) return
    const previous = this.entries.get(key)
    if (previous) {
      this.entries.delete(key)
      this.bytes -= previous.data.length
    }
    this.entries.set(key, { ...image, storedAt: nowMs })
    this.bytes += image.data.length
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.limits.maxBytes && this.entries.size <= this.limits.maxEntries) break
      this.entries.delete(oldest)
      this.bytes -= entry.data.length
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes }
  }
}
