import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Caller } from '../core/caller.js'
import type { EventSource } from '../realtime/hub.js'
import type { AppEvent, EventBus } from './bus.js'

/** The channel every emulator process sharing one Redis publishes its events on. */
export const EVENTS_CHANNEL = 'appwrite-emulator:events'

/** What crosses Redis: the event without its caller, except the caller's user ID (realtime reads nothing else). */
interface WireEvent {
  origin: string
  projectId: string
  name: string
  params: Record<string, string>
  events: string[]
  payload: Record<string, unknown>
  userId: string | null
}

/**
 * The realtime hub's event source across processes: events published on this process's bus reach local listeners
 * at once and go to Redis pub/sub; events other processes published arrive from Redis. Only realtime listens
 * here; audit logs, messaging and function triggers stay on the local bus, so each runs once, where the write
 * happened.
 */
export class RedisEventSource implements EventSource {
  /** Tells this process's own messages apart when Redis echoes them back. */
  readonly origin = randomBytes(8).toString('hex')
  private readonly listeners = new Set<(event: AppEvent) => void>()
  private readonly publisher: Redis
  private readonly subscriber: Redis
  private readonly stopLocal: () => void

  private constructor(
    url: string,
    local: EventBus,
    private readonly onError: (error: unknown) => void,
  ) {
    this.publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 })
    this.subscriber = new Redis(url, { lazyConnect: true })
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error) => onError(error))
    this.subscriber.on('message', (_channel: string, text: string) => this.receive(text))
    this.stopLocal = local.subscribe((event) => {
      this.deliver(event)
      this.publisher.publish(EVENTS_CHANNEL, JSON.stringify(this.wire(event))).catch(onError)
    })
  }

  /** Connects both Redis clients and subscribes; rejects when Redis does not answer. */
  static async connect(url: string, local: EventBus, onError: (error: unknown) => void): Promise<RedisEventSource> {
    const source = new RedisEventSource(url, local, onError)
    try {
      await Promise.all([source.publisher.connect(), source.subscriber.connect()])
      await source.subscriber.subscribe(EVENTS_CHANNEL)
    } catch (error) {
      await source.close()
      throw error
    }
    return source
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private wire(event: AppEvent): WireEvent {
    return {
      origin: this.origin, projectId: event.projectId, name: event.name, params: { ...event.params },
      events: event.events, payload: event.payload, userId: event.caller.user?.id ?? null,
    }
  }

  private receive(text: string): void {
    let wire: WireEvent
    try {
      wire = JSON.parse(text) as WireEvent
    } catch (error) {
      return this.onError(error)
    }
    if (wire.origin === this.origin) return
    // deviation: a remote event's caller is only its user ID; the hub reads no more of it.
    const caller = { user: wire.userId === null ? null : { id: wire.userId } } as unknown as Caller
    this.deliver({ projectId: wire.projectId, name: wire.name, params: wire.params, events: wire.events, payload: wire.payload, caller })
  }

  private deliver(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        this.onError(error)
      }
    }
  }

  async close(): Promise<void> {
    this.stopLocal()
    this.listeners.clear()
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()])
  }
}
