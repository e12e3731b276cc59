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
  /** Frames for this socket alone waiting for the next flush (they go before its audience's); null when none. */
  outbox: Buffer[] | null
  /** The audience it belongs to while nothing is queued for it (set by the hub). */
  audience?: Audience
  /** How many of its audience's waiting frames were there before it joined, and are not for it. */
  skip?: number
}

/**
 * Connections of a project with the same channels, roles and compression get the same deliveries, so the hub
 * decides and queues once per event for each audience (often one: a thousand guests on one channel), not once
 * per socket; a flush writes the audience's frames, concatenated once, to every member. A connection with steps
 * in its queue (a role refresh, a sign-in) leaves its audience until the queue drains, taking the frames it
 * was due, so its order is kept.
 */
interface Audience {
  readonly key: string
  readonly channels: Set<string>
  readonly roles: Set<string>
  readonly deflateWindow: number | null
  readonly members: Set<RealtimeConnection>
  /** Frames for every member, waiting for the next flush; null when none. */
  outbox: Buffer[] | null
}

/** A project's connections, and how they are grouped for delivery. */
interface ProjectConnections {
  all: Map<string, RealtimeConnection>
  audiences: Map<string, Audience>
  /** Connections with steps queued: each is delivered to through its own queue. */
  queued: Set<RealtimeConnection>
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
  private readonly byProject = new Map<string, ProjectConnections>()
  /** Audiences and sockets with frames waiting for the next flush. */
  private readonly dirtyAudiences = new Set<Audience>()
  private readonly dirty = new Set<RealtimeConnection>()
  private flushScheduled = false
  private lastFlush = 0
  private flushGap = FLUSH_GAP_MS
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
    let project = this.byProject.get(connection.project.id)
    if (!project) this.byProject.set(connection.project.id, (project = { all: new Map(), audiences: new Map(), queued: new Set() }))
    project.all.set(connection.id, connection)
    if (connection.pending > 0) project.queued.add(connection)
    else this.join(project, connection)
  }

  remove(connection: RealtimeConnection): void {
    const project = this.byProject.get(connection.project.id)
    if (!project || project.all.get(connection.id) !== connection) return
    this.leave(project, connection)
    this.dirty.delete(connection)
    connection.outbox = null
    project.all.delete(connection.id)
    project.queued.delete(connection)
    if (project.all.size === 0) this.byProject.delete(connection.project.id)
  }

  /** A connection's caller changed (the `authentication` message): its channels and roles follow. */
  setCaller(connection: RealtimeConnection, caller: Caller): void {
    connection.caller = caller
    connection.roles = new Set(caller.roles)
    connection.channels = subscribedChannels(connection.requested, caller.user?.id ?? null)
    const project = this.projectOf(connection)
    if (project && connection.audience) {
      this.leave(project, connection)
      this.join(project, connection)
    }
  }

  /**
   * Runs `step` for `connection` after the deliveries queued before it, and delivers what comes meanwhile after
   * it (the `authentication` message uses it, so events published before a sign-in are filtered as before).
   */
  inOrder(connection: RealtimeConnection, step: () => Promise<void>): Promise<void> {
    const project = this.projectOf(connection)
    if (project) this.hold(project, connection)
    return this.enqueue(connection, step)
  }

  /** The projects with open connections. */
  projectIds(): string[] {
    return [...this.byProject.keys()]
  }

  /** The open connections of a project, for the control API and the console. */
  connections(projectId: string): RealtimeConnection[] {
    return [...(this.byProject.get(projectId)?.all.values() ?? [])]
  }

  /** Sends `text` to every connection of `projectId` subscribed to `channel`, e.g. the console's test channel. */
  broadcast(projectId: string, channel: string, text: string): void {
    const project = this.byProject.get(projectId)
    if (!project) return
    const frames = new EventFrames(Buffer.from(text))
    for (const audience of project.audiences.values()) if (audience.channels.has(channel)) this.sendAll(audience, frames.for(audience.deflateWindow))
    for (const conn of project.queued) if (conn.channels.has(channel)) this.send(conn, frames.for(conn.socket.deflateWindow))
  }

  private projectOf(connection: RealtimeConnection): ProjectConnections | undefined {
    const project = this.byProject.get(connection.project.id)
    return project?.all.get(connection.id) === connection ? project : undefined
  }

  /** Puts `connection` in the audience its channels, roles and compression make (a new one when nobody shares them). */
  private join(project: ProjectConnections, connection: RealtimeConnection): void {
    const window = connection.socket.deflateWindow
    const key = `${window}\u0001${[...connection.channels].sort().join('\u0000')}\u0001${[...connection.roles].sort().join('\u0000')}`
    let audience = project.audiences.get(key)
    if (!audience) {
      audience = { key, channels: connection.channels, roles: connection.roles, deflateWindow: window, members: new Set(), outbox: null }
      project.audiences.set(key, audience)
    }
    audience.members.add(connection)
    connection.audience = audience
    // Frames already waiting for the audience were published before it joined.
    connection.skip = audience.outbox?.length ?? 0
  }

  /** Takes `connection` out of its audience, with the audience's waiting frames it was due as its own. */
  private leave(project: ProjectConnections, connection: RealtimeConnection): void {
    const audience = connection.audience
    if (!audience) return
    const due = audience.outbox?.slice(connection.skip ?? 0) ?? []
    for (const frame of due) this.send(connection, frame)
    audience.members.delete(connection)
    connection.audience = undefined
    connection.skip = 0
    if (audience.members.size === 0) {
      project.audiences.delete(audience.key)
      this.dirtyAudiences.delete(audience)
    }
  }

  /** Delivers to `connection` through its own queue from now on, until the queue drains. */
  private hold(project: ProjectConnections, connection: RealtimeConnection): void {
    if (project.queued.has(connection)) return
    this.leave(project, connection)
    project.queued.add(connection)
  }

  private enqueue(connection: RealtimeConnection, step: () => Promise<void>): Promise<void> {
    connection.pending++
    const run = connection.queue.then(step)
    connection.queue = run.catch(this.onError).finally(() => {
      if (--connection.pending > 0) return
      const project = this.projectOf(connection)
      if (project?.queued.delete(connection)) this.join(project, connection)
    })
    return run
  }

  private dispatch(event: AppEvent): void {
    const project = this.byProject.get(event.projectId)
    if (!project) return
    const delivery = deliveryOf(event, this.template)
    if (!delivery) return
    const frames = new EventFrames(Buffer.from(JSON.stringify({
      type: 'event',
      data: { events: event.events, channels: delivery.channels, timestamp: formatDate(this.clock.now()), payload: delivery.payload },
    })))
    const anyone = delivery.roles.includes('any')
    const receives = (channels: Set<string>, roles: Set<string>) =>
      delivery.channels.some((c) => channels.has(c)) && (anyone || delivery.roles.some((role) => roles.has(role)))
    // Connections whose user or role the event changes have their roles worked out again before it is filtered.
    const { permissionsChangedFor: user, permissionsChangedForRole: role } = delivery
    const refreshed = new Set<RealtimeConnection>()
    if (user !== null || role !== undefined) {
      for (const conn of project.all.values()) {
        if ((user !== null && conn.caller.user?.id === user) || (role !== undefined && conn.roles.has(role))) {
          refreshed.add(conn)
          this.hold(project, conn)
        }
      }
    }
    for (const audience of project.audiences.values()) {
      if (receives(audience.channels, audience.roles)) this.sendAll(audience, frames.for(audience.deflateWindow))
    }
    for (const conn of project.queued) {
      const refresh = refreshed.has(conn)
      if (!refresh && !delivery.channels.some((c) => conn.channels.has(c))) continue
      void this.enqueue(conn, async () => {
        if (refresh) this.setCaller(conn, await conn.reauthenticate())
        if (receives(conn.channels, conn.roles)) this.send(conn, frames.for(conn.socket.deflateWindow))
      })
    }
  }

  private sendAll(audience: Audience, frame: Buffer): void {
    if (audience.outbox) audience.outbox.push(frame)
    else {
      audience.outbox = [frame]
      this.dirtyAudiences.add(audience)
    }
    this.schedule()
  }

  private send(conn: RealtimeConnection, frame: Buffer): void {
    if (conn.outbox) conn.outbox.push(frame)
    else {
      conn.outbox = [frame]
      this.dirty.add(conn)
    }
    this.schedule()
  }

  private schedule(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    const wait = this.lastFlush + this.flushGap - performance.now()
    if (wait <= 0) setImmediate(this.flush)
    else setTimeout(this.flush, wait).unref()
  }

  private readonly flush = (): void => {
    this.flushScheduled = false
    const started = performance.now()
    this.lastFlush = started
    for (const audience of this.dirtyAudiences) {
      const frames = audience.outbox
      audience.outbox = null
      if (!frames) continue
      const shared = frames.length === 1 ? frames[0]! : Buffer.concat(frames)
      for (const conn of audience.members) {
        const skip = conn.skip ?? 0
        conn.skip = 0
        if (!conn.outbox && skip === 0) this.write(conn, shared)
        else {
          // Its own frames first (they are older), then the audience's from when it joined.
          const own = conn.outbox ?? []
          conn.outbox = null
          this.dirty.delete(conn)
          this.write(conn, Buffer.concat([...own, ...frames.slice(skip)]))
        }
      }
    }
    this.dirtyAudiences.clear()
    for (const conn of this.dirty) {
      const frames = conn.outbox
      conn.outbox = null
      if (frames) this.write(conn, frames.length === 1 ? frames[0]! : Buffer.concat(frames))
    }
    this.dirty.clear()
    this.flushGap = Math.min(MAX_FLUSH_GAP_MS, Math.max(FLUSH_GAP_MS, 5 * (performance.now() - started)))
  }

  /** Writes to a socket, or drops a client that does not read what it was sent rather than let its buffer grow. */
  private write(conn: RealtimeConnection, bytes: Buffer): void {
    if (bytes.length === 0) return
    if (conn.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      conn.socket.terminate()
      this.remove(conn)
      return
    }
    conn.socket.writeFrames(bytes)
  }
}
