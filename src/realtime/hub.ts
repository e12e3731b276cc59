import type { ProjectTemplate } from '../config/appwrite-json.js'
import type { Caller } from '../core/caller.js'
import { formatDate, type Clock } from '../domain/dates.js'
import type { AppEvent } from '../events/bus.js'
import type { Project } from '../services/projects/project-registry.js'
import { deliveryOf, subscribedChannels } from './channels.js'
import { EventFrames } from './frames.js'

/** Where the hub hears about changes: the in-process bus today, a shared broker in the hosted mode. */
export interface EventSource {
  subscribe(listener: (event: AppEvent) => void): () => void
}

/** What the hub needs of a socket: sending text, how much is still queued, and dropping it. */
export interface RealtimeSocket {
  /** Writes ready-made, unmasked WebSocket frames as they are (one write for several). */
  writeFrames(frames: Buffer): void
  readonly bufferedAmount: number
  /** The compression window the socket negotiated with permessage-deflate, or null when it did not. */
  readonly deflateWindow: number | null
  terminate(): void
}


/** One open realtime connection. */
export interface RealtimeConnection {
  id: string
  project: Project
  socket: RealtimeSocket
  /** The channels as the client asked for them; `channels` is derived from them and the current user. */
  requested: string[]
  channels: Set<string>
  caller: Caller
  roles: Set<string>
  connectedAt: string
  /** Works out the caller again from the credentials the connection holds (cookie, fallback, JWT or session). */
  reauthenticate(): Promise<Caller>
  /** Deliveries and role refreshes for this socket, one after another, in the order events were published. */
  queue: Promise<void>
  /** How many steps wait in `queue`; while any do, new deliveries queue behind them to keep the order. */
  pending: number
  /** Frames waiting for the next flush; null when none. */
  outbox: Buffer[] | null
  /** Who the connection is for delivery purposes, shared with every connection alike (set by the hub). */
  audience?: Audience
}

/**
 * Connections with the same channels and roles get the same deliveries, so the hub decides once per event for
 * each distinct audience (often one: a thousand guests on one channel) and not once per socket.
 */
interface Audience {
  readonly key: string
  readonly channels: Set<string>
  readonly roles: Set<string>
  users: number
  /** The event the decision below was made for, and the decision. */
  decidedFor: number
  receives: boolean
}

/** A socket whose send buffer passes this is too slow to keep: it is dropped rather than grow memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
/**
 * The shortest time between two flushes. After a quiet spell an event goes out on the next turn of the loop;
 * under a stream of writes, the events of this window share one write per socket, so the cost of a fan-out to
 * many sockets is paid per window and not per event.
 */
const FLUSH_GAP_MS = 25
/**
 * When a flush itself takes long (thousands of sockets), the gap grows so flushing stays under a fifth of the
 * time, up to this bound; the delivery latency stays well inside 100 ms.
 */
const MAX_FLUSH_GAP_MS = 60

/**
 * The realtime hub: every open connection by project, and the fan-out of bus events to the ones allowed to read
 * them. The bus listener only queues work, so a write's response never waits for delivery; each connection's
 * queue keeps commit order, and a connection whose user an event concerns (a membership, a deleted session)
 * has its roles worked out again before that event is filtered.
 */
export class RealtimeHub {
  private readonly byProject = new Map<string, Map<string, RealtimeConnection>>()
  /** Sockets with frames waiting; flushed once per turn of the event loop, so a burst of writes costs one syscall per socket. */
  private readonly dirty = new Set<RealtimeConnection>()
  private flushScheduled = false
  private lastFlush = 0
  private flushGap = FLUSH_GAP_MS
  private readonly audiences = new Map<string, Audience>()
  private eventSeq = 0
  private unsubscribe: (() => void) | null = null

  constructor(
    private readonly template: ProjectTemplate,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts listening to `source`; returns a function that stops. */
  listen(source: EventSource): () => void {
    this.unsubscribe?.()
    this.unsubscribe = source.subscribe((event) => this.dispatch(event))
    return () => {
      this.unsubscribe?.()
      this.unsubscribe = null
    }
  }

  add(connection: RealtimeConnection): void {
    let conns = this.byProject.get(connection.project.id)
    if (!conns) this.byProject.set(connection.project.id, (conns = new Map()))
    conns.set(connection.id, connection)
    this.join(connection)
  }

  /** Puts `connection` in the audience its channels and roles make (a new one when nobody else shares them). */
  private join(connection: RealtimeConnection): void {
    const key = `${[...connection.channels].sort().join('\u0000')}\u0001${[...connection.roles].sort().join('\u0000')}`
    if (connection.audience?.key === key) return
    this.leave(connection)
    let audience = this.audiences.get(key)
    if (!audience) {
      audience = { key, channels: connection.channels, roles: connection.roles, users: 0, decidedFor: 0, receives: false }
      this.audiences.set(key, audience)
    }
    audience.users++
    connection.audience = audience
  }

  private leave(connection: RealtimeConnection): void {
    const audience = connection.audience
    if (!audience) return
    connection.audience = undefined
    if (--audience.users === 0) this.audiences.delete(audience.key)
  }

  remove(connection: RealtimeConnection): void {
    this.dirty.delete(connection)
    this.leave(connection)
    const conns = this.byProject.get(connection.project.id)
    conns?.delete(connection.id)
    if (conns?.size === 0) this.byProject.delete(connection.project.id)
  }

  /** A connection's caller changed (the `authentication` message): its channels and roles follow. */
  setCaller(connection: RealtimeConnection, caller: Caller): void {
    connection.caller = caller
    connection.roles = new Set(caller.roles)
    connection.channels = subscribedChannels(connection.requested, caller.user?.id ?? null)
    if (this.byProject.get(connection.project.id)?.get(connection.id) === connection) this.join(connection)
  }

  /** The projects with open connections. */
  projectIds(): string[] {
    return [...this.byProject.keys()]
  }

  /** The open connections of a project, for the control API and the console. */
  connections(projectId: string): RealtimeConnection[] {
    return [...(this.byProject.get(projectId)?.values() ?? [])]
  }

  /** Sends `text` to every connection of `projectId` subscribed to `channel`, e.g. the console's test channel. */
  broadcast(projectId: string, channel: string, text: string): void {
    const frames = new EventFrames(Buffer.from(text))
    for (const conn of this.connections(projectId)) if (conn.channels.has(channel)) this.send(conn, frames.for(conn.socket.deflateWindow))
  }

  private dispatch(event: AppEvent): void {
    const conns = this.byProject.get(event.projectId)
    if (!conns || conns.size === 0) return
    const delivery = deliveryOf(event, this.template)
    if (!delivery) return
    const frames = new EventFrames(Buffer.from(JSON.stringify({
      type: 'event',
      data: { events: event.events, channels: delivery.channels, timestamp: formatDate(this.clock.now()), payload: delivery.payload },
    })))
    const anyone = delivery.roles.includes('any')
    const seq = ++this.eventSeq
    const receives = (channels: Set<string>, roles: Set<string>) =>
      delivery.channels.some((c) => channels.has(c)) && (anyone || delivery.roles.some((role) => roles.has(role)))
    const refreshes = delivery.permissionsChangedFor !== null || delivery.permissionsChangedForRole !== undefined
    for (const conn of conns.values()) {
      const refresh =
        refreshes &&
        ((delivery.permissionsChangedFor !== null && conn.caller.user?.id === delivery.permissionsChangedFor) ||
          (delivery.permissionsChangedForRole !== undefined && conn.roles.has(delivery.permissionsChangedForRole)))
      // Nothing queued for this socket: decide now, once per audience, with no promise per socket (the hot path).
      if (!refresh && conn.pending === 0) {
        const audience = conn.audience!
        if (audience.decidedFor !== seq) {
          audience.decidedFor = seq
          audience.receives = receives(audience.channels, audience.roles)
        }
        if (audience.receives) this.send(conn, frames.for(conn.socket.deflateWindow))
        continue
      }
      if (!refresh && !delivery.channels.some((c) => conn.channels.has(c))) continue
      conn.pending++
      conn.queue = conn.queue
        .then(async () => {
          if (refresh) this.setCaller(conn, await conn.reauthenticate())
          if (receives(conn.channels, conn.roles)) this.send(conn, frames.for(conn.socket.deflateWindow))
        })
        .catch(this.onError)
        .finally(() => conn.pending--)
    }
  }

  private send(conn: RealtimeConnection, frame: Buffer): void {
    if (conn.outbox) conn.outbox.push(frame)
    else {
      conn.outbox = [frame]
      this.dirty.add(conn)
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true
      const wait = this.lastFlush + this.flushGap - performance.now()
      if (wait <= 0) setImmediate(this.flush)
      else setTimeout(this.flush, wait).unref()
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false
    const started = performance.now()
    this.lastFlush = started
    // Sockets of one audience usually wait for the same frames: they share one concatenated buffer.
    let lastFrames: Buffer[] | null = null
    let lastBytes: Buffer | null = null
    for (const conn of this.dirty) {
      const frames = conn.outbox
      conn.outbox = null
      if (!frames) continue
      // A client that does not read what it was sent is dropped rather than let its buffer grow.
      if (conn.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        conn.socket.terminate()
        this.remove(conn)
        continue
      }
      if (!lastFrames || !sameFrames(lastFrames, frames)) {
        lastFrames = frames
        lastBytes = frames.length === 1 ? frames[0]! : Buffer.concat(frames)
      }
      conn.socket.writeFrames(lastBytes!)
    }
    this.dirty.clear()
    this.flushGap = Math.min(MAX_FLUSH_GAP_MS, Math.max(FLUSH_GAP_MS, 5 * (performance.now() - started)))
  }
}

function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
