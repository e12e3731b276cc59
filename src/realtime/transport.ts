import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { RawData, WebSocket, WebSocketServer } from 'ws'
import { lazyRequire } from '../lazy.js'
import type { Caller, ClientInfo } from '../core/caller.js'
import { runOperation } from '../core/operation.js'
import { firstHeader, resolveCaller, type RawHeaders } from '../core/resolve-caller.js'
import type { RouteDefinition } from '../core/route.js'
import { cookieName } from '../core/session-transport.js'
import { registrationHint } from '../core/platforms.js'
import { formatDate } from '../domain/dates.js'
import { parseQueryString } from '../http/body.js'
import type { Services } from '../services/index.js'
import { subscribedChannels } from './channels.js'
import { deflateWindowOf } from './frames.js'
import type { RealtimeConnection, RealtimeHub, RealtimeSocket } from './hub.js'

/** The largest frame a client may send; a bigger one closes the socket with 1009, as the server's limit does. */
const MAX_FRAME_BYTES = 64 * 1024
// Appwrite's abuse limits for realtime (app/realtime.php): connections per IP, messages per connection.
const CONNECTIONS_PER_MINUTE = { limit: 128, window: 60, keys: ['url:{url},ip:{ip}'] }
const MESSAGES_PER_MINUTE = { limit: 32, window: 60, keys: ['url:{url},connection:{connection}'] }
const TEST_EVENT_MS = 5000
// The WebSocket library loads on the first upgrade, not at start-up.
const loadWs = lazyRequire<typeof import('ws')>('ws')

class RealtimeError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

const frame = (type: string, data: unknown) => JSON.stringify({ type, data })
const errorFrame = (code: number, message: string) => frame('error', { code, message })

/**
 * Appwrite's realtime server at `/v1/realtime`, on the API's own port (BEHAVIORS §21): the handshake resolves the
 * project and user from the upgrade request as REST does, `connected` lists the channels and the user, the
 * `authentication` message signs the socket in through the operation core (`account.get`), and the hub delivers
 * events. Error frames are `{"type":"error","data":{"code","message"}}`; only 1008 (and the open-time 1013) close.
 */
export function registerRealtime(server: FastifyInstance, services: Services, hub: RealtimeHub, routes: readonly RouteDefinition[]): void {
  const accountGet = routes.find((r) => r.operation === 'account.get')!
  let wss: WebSocketServer | null = null

  /** The signed-in user's Account model through the core, or null for a guest or a session that is not valid. */
  const accountOf = async (headers: RawHeaders, client: ClientInfo): Promise<Record<string, unknown> | null> => {
    const outcome = await runOperation(accountGet, { input: {}, headers, client }, services)
    return outcome.ok ? (outcome.result.body as Record<string, unknown>) : null
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? ''
    const path = url.split('?', 1)[0]!.replace(/\/+$/, '')
    if (path !== '/v1/realtime') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      return
    }
    socket.on('error', () => socket.destroy())
    wss ??= new (loadWs().WebSocketServer)({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: DEFLATE, clientTracking: false })
    wss.handleUpgrade(req, socket, head, (ws) => {
      open(ws, req).catch((error) => {
        server.log.error({ err: error }, 'realtime connection failed')
        ws.close(1011)
      })
    })
  }
  server.server.on('upgrade', onUpgrade)

  async function open(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const rawQuery = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : ''
    let query: Record<string, unknown> = {}
    try {
      query = parseQueryString(rawQuery)
    } catch {
      query = {}
    }
    const client: ClientInfo = {
      ip: req.socket.remoteAddress ?? '',
      userAgent: firstHeader(req.headers, 'user-agent') ?? '',
      origin: firstHeader(req.headers, 'origin') ?? null,
      hostname: (firstHeader(req.headers, 'host') ?? '').replace(/:\d+$/, ''),
      protocol: 'http',
    }
    const closeWith = (code: number, message: string) => {
      ws.send(errorFrame(code, message))
      ws.close(code, message)
    }
    const project = typeof query.project === 'string' ? query.project : firstHeader(req.headers, 'x-appwrite-project')
    // Counted per IP across projects, as Appwrite keeps this limit in the console's database.
    const limit = services.rateLimiter.hit('', CONNECTIONS_PER_MINUTE, (name) => (name === 'url' ? '/v1/realtime' : client.ip), services.clock.now())
    if (limit.exceeded) return closeWith(1013, 'Too many requests')

    // The upgrade's own credentials: session cookie (or its legacy twin), fallback cookies, JWT, as REST reads them.
    let credentials: RawHeaders = { ...req.headers, ...(project !== undefined && { 'x-appwrite-project': project }) }
    const authenticate = async (): Promise<Caller> => {
      try {
        return (await resolveCaller({ headers: credentials, client, input: project ? { project } : {} }, services)).caller
      } catch {
        // A JWT that does not verify leaves the socket a guest's, rather than failing the upgrade.
        return (await resolveCaller({ headers: { 'x-appwrite-project': project }, client, input: project ? { project } : {} }, services)).caller
      }
    }
    let caller: Caller
    try {
      caller = await authenticate()
    } catch {
      return closeWith(1008, 'Missing or unknown project ID')
    }
    // The Origin (not the Referer) must be a registered platform, except on the console project (app/realtime.php).
    if (!caller.project.isConsole) {
      const refusal = services.platforms.checkOrigin(false, client.origin, null, client.hostname)
      if (refusal !== null) {
        services.log.warn(registrationHint('origin', client.origin!, false))
        return closeWith(1008, refusal)
      }
    }
    const requested = channelList(query.channels)
    if (requested.length === 0) return closeWith(1008, 'Missing channels')

    const connection: RealtimeConnection = {
      id: randomUUID(),
      project: caller.project,
      socket: socketOf(ws),
      requested,
      channels: subscribedChannels(requested, caller.user?.id ?? null),
      caller,
      roles: new Set(caller.roles),
      connectedAt: formatDate(services.clock.now()),
      reauthenticate: authenticate,
      queue: Promise.resolve(),
      pending: 0,
      outbox: null,
    }
    const user = caller.user ? await accountOf(credentials, client) : null
    ws.send(frame('connected', { channels: [...connection.channels], user }))
    // Events start after `connected`, so nothing reaches the client before it.
    hub.add(connection)
    ws.on('close', () => hub.remove(connection))
    ws.on('error', () => hub.remove(connection))

    ws.on('message', (data: RawData) => {
      handleMessage(data).catch((error: unknown) => {
        if (error instanceof RealtimeError) {
          ws.send(errorFrame(error.code, error.message))
          if (error.code === 1008) ws.close(1008, error.message)
        } else {
          server.log.error({ err: error }, 'realtime message failed')
          ws.send(errorFrame(1011, 'Server Error'))
        }
      })
    })

    async function handleMessage(data: RawData): Promise<void> {
      const verdict = services.rateLimiter.hit(connection.project.id, MESSAGES_PER_MINUTE, (name) => (name === 'url' ? '/v1/realtime' : connection.id), services.clock.now())
      if (verdict.exceeded) throw new RealtimeError(1013, 'Too many messages.')
      let message: unknown
      try {
        message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'))
      } catch {
        message = null
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message) || (!('type' in message) && !('data' in message))) {
        throw new RealtimeError(1003, 'Message format is not valid.')
      }
      const { type, data: payload } = message as { type?: unknown; data?: unknown }
      if (type !== 'authentication') throw new RealtimeError(1003, 'Message type is not valid.')
      if (typeof payload !== 'object' || payload === null || !('session' in payload)) throw new RealtimeError(1003, 'Payload is not valid.')
      const session = (payload as { session: unknown }).session
      if (typeof session !== 'string' || session === '') throw new RealtimeError(1003, 'Session is not valid.')
      // The session as a cookie, run through `account.get` in the core: exactly what REST would accept.
      const headers: RawHeaders = { 'x-appwrite-project': connection.project.id, cookie: `${cookieName(connection.project.id)}=${encodeURIComponent(session)}` }
      const account = await accountOf(headers, client)
      if (!account) throw new RealtimeError(1003, 'Session is not valid.')
      credentials = headers
      // Queued behind deliveries in flight, so events published before the sign-in are filtered as the guest's.
      await hub.inOrder(connection, async () => hub.setCaller(connection, await authenticate()))
      ws.send(frame('response', { to: 'authentication', success: true, user: account }))
    }
  }

  // Appwrite's test channel: guests of the console project subscribed to `tests` hear from it every 5 s.
  const tests = setInterval(() => {
    hub.broadcast('console', 'tests', JSON.stringify({ type: 'event', data: { events: ['test.event'], channels: ['tests'], timestamp: formatDate(services.clock.now()), payload: { response: 'WS:/v1/realtime:passed' } } }))
  }, TEST_EVENT_MS)
  tests.unref()
  // Before the HTTP server closes: it waits for every connection, upgraded sockets included.
  server.addHook('preClose', (done) => {
    clearInterval(tests)
    server.server.off('upgrade', onUpgrade)
    for (const ws of openSockets(hub)) ws.terminate()
    done()
  })
}

/**
 * permessage-deflate (RFC 7692), which browsers and `ws` clients offer. The hub compresses each event once for
 * every socket (src/realtime/frames.ts), so the fan-out moves about a fifth of the bytes. `ws` itself never
 * compresses (its threshold is out of reach), so it keeps no deflate stream per socket and its own small
 * messages stay synchronous, in order with the hub's frames.
 * deviation: Appwrite's realtime server does not negotiate permessage-deflate; clients see the same messages.
 */
const DEFLATE = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  threshold: Number.MAX_SAFE_INTEGER,
}

/**
 * The hub's view of a `ws` socket. Event frames are written to the TCP socket under it, several in one write:
 * `ws` has no public way to send ready-made frames; the hub builds them final, compressed where negotiated.
 */
function socketOf(ws: WebSocket): RealtimeSocket {
  const raw = (ws as unknown as { _socket: { write(data: Buffer): boolean } })._socket
  const deflateWindow = deflateWindowOf(ws.extensions)
  return {
    deflateWindow,
    writeFrames: (frames) => {
      if (ws.readyState === ws.OPEN) raw.write(frames)
    },
    get bufferedAmount() {
      return ws.bufferedAmount
    },
    terminate: () => ws.terminate(),
  }
}

function* openSockets(hub: RealtimeHub): Generator<{ terminate(): void }> {
  for (const projectId of hub.projectIds()) for (const conn of hub.connections(projectId)) yield conn.socket
}

/** `channels[]` from the query string: strings only, once each, whatever shape the parser gave them. */
function channelList(raw: unknown): string[] {
  const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : []
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))]
}
