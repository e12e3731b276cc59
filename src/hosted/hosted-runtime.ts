import { randomBytes } from 'node:crypto'
import type { HostedOptions } from '../config/hosted-options.js'
import { DiskBlobStore } from '../files/disk-blob-store.js'
import type { BlobStore } from '../files/blob-store.js'
import type { Services } from '../services/index.js'
import { metaOnce, type Store } from '../store/types.js'
import type { PostgresStore } from '../store/postgres/postgres-store.js'
import { applyRequestQuota, applyStoreQuotas } from './quotas.js'

/** What the hosted options open before the app is built, and what they attach to it afterwards. */
export interface HostedRuntime {
  /** The PostgreSQL store (`--store`), or null to keep SQLite. */
  store: Store | null
  /** The key for files at rest, shared through the store so every process reads every file; null for the default. */
  storageKey: Buffer | null
  /** Puts `--project-quota`'s document and storage quotas on `store`; returns the blob store to use (`--files` or `fallback`). */
  prepare(store: Store, fallback: BlobStore): BlobStore
  /** Connects `--bus` to the built services: realtime hears every process's events, rate limits count in Redis. */
  attach(services: Services, onError: (error: unknown) => void): Promise<void>
  close(): Promise<void>
}

/** Opens what `--store`, `--bus`, `--files` and `--project-quota` name; pg and ioredis load only here, so SQLite starts as fast as before. */
export async function openHosted(options: HostedOptions): Promise<HostedRuntime> {
  let store: Store | null = null
  let pgStore: PostgresStore | null = null
  let storageKey: Buffer | null = null
  if (options.store) {
    const { PostgresStore } = await import('../store/postgres/postgres-store.js')
    try {
      store = pgStore = await PostgresStore.connect(options.store)
    } catch (error) {
      throw new Error(`cannot use the PostgreSQL store at ${redactUrl(options.store)} (--store): ${(error as Error).message}`, { cause: error })
    }
    storageKey = await sharedStorageKey(store)
  }
  const closers: (() => Promise<void>)[] = []
  return {
    store,
    storageKey,
    prepare(target, fallback) {
      const blobs = options.files ? new DiskBlobStore(options.files) : fallback
      return options.projectQuota ? applyStoreQuotas(options.projectQuota, target, blobs) : blobs
    },
    async attach(services, onError) {
      if (options.projectQuota) applyRequestQuota(options.projectQuota, services.rateLimiter)
      if (!options.bus) return
      const [{ RedisEventSource }, { RedisRateCounter }, { RedisInvalidation }] = await Promise.all([
        import('../events/redis-bus.js'), import('./redis-rate-counter.js'), import('./redis-invalidation.js'),
      ])
      try {
        const events = await RedisEventSource.connect(options.bus, services.bus, onError)
        closers.push(() => events.close())
        services.realtime.listen(events)
        const counter = await RedisRateCounter.connect(options.bus, onError)
        closers.push(() => counter.close())
        services.rateLimiter.share(counter)
        // The PostgreSQL read cache, only with a bus: without one, nothing would tell this process of others' writes.
        if (pgStore) {
          const database = await metaOnce(pgStore, 'cluster_id', () => randomBytes(8).toString('hex'))
          const link = await RedisInvalidation.connect(options.bus, database, onError)
          closers.push(() => link.close())
          link.deliverTo(pgStore.useReadCache(link))
        }
      } catch (error) {
        await Promise.allSettled(closers.map((close) => close()))
        throw new Error(`cannot use the Redis bus at ${redactUrl(options.bus)} (--bus): ${(error as Error).message}`, { cause: error })
      }
    },
    async close() {
      await Promise.allSettled(closers.map((close) => close()))
    },
  }
}

/** The AES key for files at rest, made once per database by whichever process starts first. */
async function sharedStorageKey(store: Store): Promise<Buffer> {
  return Buffer.from(await metaOnce(store, 'storage_key', () => randomBytes(32).toString('hex')), 'hex')
}

/** A URL without its password, for messages. */
export const redactUrl = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
