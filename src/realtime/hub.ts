import type { ProjectTemplate } from '../config/appwrite-json.js'
import type { Caller } from '../core/caller.js'
import { formatDate, type Clock } from '../domain/dates.js'
import type { AppEvent } from '../events/bus.js'
import type { Project } from '../services/projects/project-registry.js'
import { deliveryOf, subscribedChannels } from './channels.js'

/** Where the hub hears about changes: the in-process bus today, a shared broker in the hosted mode. */
export interface EventSource {
  subscribe(listener: (event: AppEvent) => void): () => void
}

/** What the hub needs of a socket: sending text, how much is still queued, and dropping it. */
export interface RealtimeSocket {
  /** Writes ready-made, unmasked WebSocket frames as they are (one write for several). */
  writeFrames(frames: Buffer): void
  readonly bufferedAmount: number
  terminate(): void
}

/** A final, unmasked text frame around `payload` (RFC 6455 §5.2), built once per event for every socket. */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length
  const head = n < 126 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.from([0x81, 126, n >> 8, n & 0xff]) : Buffer.alloc(10)
  if (n >= 65536) {
    head[0] = 0x81
    head[1] = 127
    head.writeBigUInt64BE(BigInt(n), 2)
  }
  return Buffer.concat([head, payload])
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
  }

  remove(connection: RealtimeConnection): void {
    this.dirty.delete(connection)
    const conns = this.byProject.get(connection.project.id)
    conns?.delete(connection.id)
    if (conns?.size === 0) this.byProject.delete(connection.project.id)
  }

  /** A connection's caller changed (the `authentication` message): its channels and roles follow. */
  setCaller(connection: RealtimeConnection, caller: Caller): void {
    connection.caller = caller
    connection.roles = new Set(caller.roles)
    connection.channels = subscribedChannels(connection.requested, caller.user?.id ?? null)
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
    const bytes = textFrame(Buffer.from(text))
    for (const conn of this.connections(projectId)) if (conn.channels.has(channel)) this.send(conn, bytes)
  }

  private dispatch(event: AppEvent): void {
    const conns = this.byProject.get(event.projectId)
    if (!conns || conns.size === 0) return
    const delivery = deliveryOf(event, this.template)
    if (!delivery) return
    const text = textFrame(Buffer.from(JSON.stringify({
      type: 'event',
      data: { events: event.events, channels: delivery.channels, timestamp: formatDate(this.clock.now()), payload: delivery.payload },
    })))
    const anyone = delivery.roles.includes('any')
    for (const conn of conns.values()) {
      const refresh =
        (delivery.permissionsChangedFor !== null && conn.caller.user?.id === delivery.permissionsChangedFor) ||
        (delivery.permissionsChangedForRole !== undefined && conn.roles.has(delivery.permissionsChangedForRole))
      if (!refresh && !delivery.channels.some((c) => conn.channels.has(c))) continue
      const deliver = () => {
        if (!delivery.channels.some((c) => conn.channels.has(c))) return
        if (anyone || delivery.roles.some((role) => conn.roles.has(role))) this.send(conn, text)
      }
      // Nothing queued for this socket: deliver now, with no promise per socket (the common case, and the hot one).
      if (!refresh && conn.pending === 0) {
        deliver()
        continue
      }
      conn.pending++
      conn.queue = conn.queue
        .then(async () => {
          if (refresh) this.setCaller(conn, await conn.reauthenticate())
          deliver()
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
      const wait = this.lastFlush + FLUSH_GAP_MS - performance.now()
      if (wait <= 0) setImmediate(this.flush)
      else setTimeout(this.flush, wait).unref()
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false
    this.lastFlush = performance.now()
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
      conn.socket.writeFrames(frames.length === 1 ? frames[0]! : Buffer.concat(frames))
    }
    this.dirty.clear()
  }
}
