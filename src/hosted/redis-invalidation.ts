import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { InvalidationLink, ReadCache } from '../store/postgres/read-cache.js'

/**
 * The channel on which processes sharing a database say which projects a committed transaction changed; `database`
 * is an ID kept in that database's meta, so clusters on other databases sharing the Redis never wait for each other.
 */
export const invalidationChannel = (database: string) => `appwrite-emulator:${database}:invalidate`
/** How long a write waits for a process that received its invalidation but does not confirm it. */
const ACK_TIMEOUT_MS = 2000

interface WireInvalidation {
  origin: string
  id: number
  projects: string[]
}

/**
 * The PostgreSQL read cache's link between processes, over Redis pub/sub (docs/decisions/hosted-mode.md, "Read
 * cache"). `publish` sends the projects a transaction changed; PUBLISH answers how many subscribers received the
 * message (this process's own among them), and `publish` resolves once each has confirmed: another process applies
 * the invalidation to its cache and then answers on this process's own channel, this one counts its echo. So when
 * a write's response leaves, no process serves what the write replaced. A process that does not confirm within
 * ACK_TIMEOUT_MS is reported and not waited for (it is stalled or gone).
 * While the subscriber is not subscribed, `live` is false (reads go to PostgreSQL), and every disconnect resets
 * the cache, since messages published meanwhile are lost.
 */
export class RedisInvalidation implements InvalidationLink {
  readonly origin = randomBytes(8).toString('hex')
  private readonly channel: string
  private readonly ackChannel: string
  private readonly publisher: Redis
  private readonly subscriber: Redis
  private cache: ReadCache | null = null
  private subscribed = false
  private closing = false
  private lastId = 0
  /** Confirmations still awaited, by message ID. */
  private readonly waiting = new Map<number, { confirmed: number; expected: number | null; done: () => void }>()

  private constructor(
    url: string,
    database: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.channel = invalidationChannel(database)
    this.ackChannel = `${this.channel}:ack:${this.origin}`
    this.publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 })
    // Subscribed by hand on every (re)connection, so `live` turns true only once the subscription is in place.
    this.subscriber = new Redis(url, { lazyConnect: true, autoResubscribe: false })
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error) => onError(error))
    this.subscriber.on('message', (channel: string, text: string) => this.receive(channel, text))
    this.subscriber.on('close', () => {
      this.subscribed = false
      this.cache?.reset()
    })
    this.subscriber.on('ready', () => {
      if (!this.subscribed && !this.closing) this.subscribe().catch(onError)
    })
  }

  /** Connects and subscribes for the database `database` names; rejects when Redis does not answer. */
  static async connect(url: string, database: string, onError: (error: unknown) => void): Promise<RedisInvalidation> {
    const link = new RedisInvalidation(url, database, onError)
    try {
      await Promise.all([link.publisher.connect(), link.subscriber.connect()])
      await link.subscribe()
    } catch (error) {
      await link.close()
      throw error
    }
    return link
  }

  private async subscribe(): Promise<void> {
    await this.subscriber.subscribe(this.channel, this.ackChannel)
    this.subscribed = true
  }

  get live(): boolean {
    return this.subscribed
  }

  /** The cache that other processes' messages invalidate. */
  deliverTo(cache: ReadCache): void {
    this.cache = cache
  }

  private receive(channel: string, text: string): void {
    if (channel === this.ackChannel) return this.confirmed(Number(text))
    let wire: WireInvalidation
    try {
      wire = JSON.parse(text) as WireInvalidation
    } catch (error) {
      return this.onError(error)
    }
    if (wire.origin === this.origin) return this.confirmed(wire.id)
    if (Array.isArray(wire.projects)) this.cache?.invalidate(wire.projects.map(String))
    this.publisher.publish(`${this.channel}:ack:${wire.origin}`, String(wire.id)).catch(this.onError)
  }

  private confirmed(id: number): void {
    const wait = this.waiting.get(id)
    if (!wait) return
    wait.confirmed++
    // Before PUBLISH's own answer the count is not known yet; `publish` checks again then.
    if (wait.expected !== null && wait.confirmed >= wait.expected) wait.done()
  }

  async publish(projectIds: string[]): Promise<void> {
    const id = ++this.lastId
    let timer: NodeJS.Timeout | undefined
    let wait!: { confirmed: number; expected: number | null; done: () => void }
    const confirmed = new Promise<void>((resolve) => {
      wait = { confirmed: 0, expected: null, done: () => (this.waiting.delete(id), clearTimeout(timer), resolve()) }
    })
    this.waiting.set(id, wait)
    try {
      const receivers = await this.publisher.publish(this.channel, JSON.stringify({ origin: this.origin, id, projects: projectIds } satisfies WireInvalidation))
      wait.expected = receivers
      if (wait.confirmed >= receivers) return wait.done()
      timer = setTimeout(() => {
        this.onError(new Error(`read cache: ${receivers - wait.confirmed} of ${receivers} processes did not confirm an invalidation of ${projectIds.join(', ')} within ${ACK_TIMEOUT_MS} ms`))
        wait.done()
      }, ACK_TIMEOUT_MS)
      await confirmed
    } catch (error) {
      wait.done()
      // The write has committed and cannot be taken back; the other processes' subscribers have most likely lost
      // Redis too, which resets their caches.
      this.onError(error)
    }
  }

  async close(): Promise<void> {
    this.closing = true
    this.cache = null
    for (const wait of [...this.waiting.values()]) wait.done()
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()])
  }
}
