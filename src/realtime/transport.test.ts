import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { buildApp, type App } from '../app.js'
import { parseAppwriteJson } from '../config/appwrite-json.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'

/** The realtime protocol as Appwrite 1.5 speaks it (BEHAVIORS §21), frame by frame over a real socket. */

let app: App
let base = ''
let cookie = ''
let session = ''
const PROJECT = 'rt'

beforeAll(async () => {
  const template = parseAppwriteJson(
    {
      databases: [{ $id: 'main', name: 'Main' }],
      collections: [
        { $id: 'open', databaseId: 'main', name: 'Open', $permissions: ['read("any")', 'create("any")', 'update("any")', 'delete("any")'], attributes: [{ key: 'title', type: 'string', size: 50 }], indexes: [] },
        { $id: 'private', databaseId: 'main', name: 'Private', documentSecurity: true, $permissions: ['create("users")'], attributes: [{ key: 'title', type: 'string', size: 50 }], indexes: [] },
      ],
    },
    '/rt/appwrite.json',
  )
  app = await buildApp({ store: SqliteStore.open(':memory:'), template })
  await app.server.listen({ port: 0, host: '127.0.0.1' })
  base = `127.0.0.1:${(app.server.server.address() as { port: number }).port}`
  const headers = { 'x-appwrite-project': PROJECT, 'content-type': 'application/json' }
  await fetch(`http://${base}/v1/account`, { method: 'POST', headers, body: JSON.stringify({ userId: 'alice', email: 'alice@example.test', password: 'alice-password' }) })
  const res = await fetch(`http://${base}/v1/account/sessions/email`, { method: 'POST', headers, body: JSON.stringify({ email: 'alice@example.test', password: 'alice-password' }) })
  cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  session = decodeURIComponent(/a_session_rt=([^;]+)/.exec(cookie)![1]!)
})
afterAll(async () => {
  await app?.server.close()
})

interface Socket {
  ws: WebSocket
  /** The next frame, parsed (bounded wait). */
  next(): Promise<any>
  closed: Promise<number>
  send(data: unknown): void
}

function connect(query: string, headers: Record<string, string> = {}): Promise<Socket> {
  const ws = new WebSocket(`ws://${base}/v1/realtime?${query}`, { headers })
  const frames: any[] = []
  const waiting: ((f: any) => void)[] = []
  ws.on('message', (data) => {
    const parsed = JSON.parse(String(data))
    const w = waiting.shift()
    if (w) w(parsed)
    else frames.push(parsed)
  })
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    ws.on('error', reject)
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        send: (data) => ws.send(typeof data === 'string' || Buffer.isBuffer(data) ? (data as string) : JSON.stringify(data)),
        next: () =>
          frames.length
            ? Promise.resolve(frames.shift())
            : new Promise((res, rej) => {
                const t = setTimeout(() => rej(new Error('no frame within 3 s')), 3000)
                waiting.push((f) => {
                  clearTimeout(t)
                  res(f)
                })
              }),
      }),
    )
  })
}

/** Whether a frame arrives within `ms`; for "does not receive" checks. */
async function quiet(socket: Socket, ms = 300): Promise<boolean> {
  return Promise.race([socket.next().then(() => false, () => true), new Promise<boolean>((r) => setTimeout(() => r(true), ms))])
}

const createDoc = (collection: string, body: unknown, withCookie = true) =>
  fetch(`http://${base}/v1/databases/main/collections/${collection}/documents`, {
    method: 'POST',
    headers: { 'x-appwrite-project': PROJECT, 'content-type': 'application/json', ...(withCookie && { cookie }) },
    body: JSON.stringify(body),
  })

describe('realtime handshake', () => {
  it('an invalid project ID: error 1008 and the socket closes', async () => {
    const s = await connect('project=!!&channels[]=documents')
    expect(await s.next()).toEqual({ type: 'error', data: { code: 1008, message: 'Missing or unknown project ID' } })
    expect(await s.closed).toBe(1008)
  })

  it('an unregistered Origin: error 1008 with Appwrite\'s message, and the socket closes', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=documents`, { origin: 'https://appwrite.unknown' })
    expect(await s.next()).toEqual({
      type: 'error',
      data: { code: 1008, message: 'Invalid Origin. Register your new client (appwrite.unknown) as a new Web platform on your project console dashboard' },
    })
    expect(await s.closed).toBe(1008)
  })

  it('a registered Origin (localhost) connects; the console project is not origin-checked', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=documents`, { origin: 'http://localhost:5173' })
    expect((await s.next()).type).toBe('connected')
    s.ws.close()
    const c = await connect('channels[]=tests', { origin: 'https://appwrite.unknown' })
    expect((await c.next()).type).toBe('connected')
    c.ws.close()
  })

  it('no channels: error 1008 and the socket closes', async () => {
    const s = await connect(`project=${PROJECT}`)
    expect(await s.next()).toEqual({ type: 'error', data: { code: 1008, message: 'Missing channels' } })
    expect(await s.closed).toBe(1008)
  })

  it('a guest: connected with the channels and no user; account.* channels are dropped', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=documents&channels[]=account&channels[]=account.alice`)
    expect(await s.next()).toEqual({ type: 'connected', data: { channels: ['documents', 'account'], user: null } })
    s.ws.close()
  })

  it('a session cookie: connected as the user, account expanded to account.<userId>', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=account`, { cookie })
    const connected = await s.next()
    expect(connected).toMatchObject({ type: 'connected', data: { channels: ['account', 'account.alice'], user: { $id: 'alice', email: 'alice@example.test' } } })
    expect(connected.data.user).not.toHaveProperty('password')
    s.ws.close()
  })

  it('hundreds of channels (as many as 16 KB of headers hold) are taken without a crash', async () => {
    const many = Array.from({ length: 900 }, (_, i) => `channels[]=c${i}`).join('&')
    const s = await connect(`project=${PROJECT}&${many}`)
    const connected = await s.next()
    expect(connected.type).toBe('connected')
    expect(connected.data.channels.length).toBe(900)
    s.ws.close()
  })
})

describe('realtime messages', () => {
  it('each malformed message gets its 1003 error and the socket stays open', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=documents`)
    await s.next()
    const rows: [unknown, string][] = [
      ['not json', 'Message format is not valid.'],
      [Buffer.from([0, 1, 2]), 'Message format is not valid.'],
      [{}, 'Message format is not valid.'],
      [{ type: 'ping' }, 'Message type is not valid.'],
      [{ type: 'authentication', data: {} }, 'Payload is not valid.'],
      [{ type: 'authentication', data: 'x' }, 'Payload is not valid.'],
      [{ type: 'authentication', data: { session: 'bm9wZQ==' } }, 'Session is not valid.'],
    ]
    for (const [message, text] of rows) {
      s.send(message)
      expect(await s.next(), JSON.stringify(message)).toEqual({ type: 'error', data: { code: 1003, message: text } })
    }
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.ws.close()
  })

  it('authentication signs the socket in and the user starts receiving their private events', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=documents`)
    await s.next()
    s.send({ type: 'authentication', data: { session } })
    expect(await s.next()).toMatchObject({ type: 'response', data: { to: 'authentication', success: true, user: { $id: 'alice' } } })
    expect((await createDoc('private', { documentId: 'p1', data: { title: 'mine' } })).status).toBe(201)
    const event = await s.next()
    expect(event).toMatchObject({ type: 'event', data: { channels: ['documents', 'databases.main.collections.private.documents', 'databases.main.collections.private.documents.p1'], payload: { $id: 'p1', title: 'mine' } } })
    expect(event.data.events).toContain('databases.main.collections.private.documents.p1.create')
    expect(event.data.events).toContain('databases.*.collections.*.documents.*')
    expect(event.data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/)
    s.ws.close()
  })

  it('an oversized frame closes the socket with 1009', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=documents`)
    await s.next()
    s.send('x'.repeat(70 * 1024))
    expect(await s.closed).toBe(1009)
  })
})

describe('realtime delivery', () => {
  it('a guest gets public documents but never a private one', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=documents`)
    await s.next()
    expect((await createDoc('private', { documentId: 'p2', data: { title: 'secret' } })).status).toBe(201)
    expect((await createDoc('open', { documentId: 'o1', data: { title: 'public' } }, false)).status).toBe(201)
    const event = await s.next()
    expect(event.data.payload).toMatchObject({ $id: 'o1' })
    expect(await quiet(s)).toBe(true)
    s.ws.close()
  })

  it('the control API lists open connections with user and channels', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=account&channels[]=files`, { cookie })
    await s.next()
    const res = await fetch(`http://${base}/_emulator/projects/${PROJECT}/realtime`)
    const body = await res.json()
    expect(body.connections).toContainEqual(expect.objectContaining({ userId: 'alice', channels: ['account', 'account.alice', 'files'], connectedAt: expect.any(String) }))
    s.ws.close()
  })

  it('a signed-out socket stops receiving account events', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=account`, { cookie })
    await s.next()
    const patch = (body: unknown, c: string) => fetch(`http://${base}/v1/account/name`, { method: 'PATCH', headers: { 'x-appwrite-project': PROJECT, 'content-type': 'application/json', cookie: c }, body: JSON.stringify(body) })
    expect((await patch({ name: 'Alice' }, cookie)).status).toBe(200)
    expect((await s.next()).data.events).toContain('users.alice.update.name')
    // A second session signs out the first; the socket that held it hears nothing of alice after.
    const other = await fetch(`http://${base}/v1/account/sessions/email`, { method: 'POST', headers: { 'x-appwrite-project': PROJECT, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@example.test', password: 'alice-password' }) })
    const otherCookie = other.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    expect((await s.next()).data.events).toContain('users.alice.sessions.*.create')
    const del = await fetch(`http://${base}/v1/account/sessions/current`, { method: 'DELETE', headers: { 'x-appwrite-project': PROJECT, cookie } })
    expect(del.status).toBe(204)
    expect((await patch({ name: 'Alice B' }, otherCookie)).status).toBe(200)
    expect(await quiet(s)).toBe(true)
    s.ws.close()
  })
})

describe('realtime limits under --rate-limits', () => {
  let limited: App
  let origin = ''
  beforeAll(async () => {
    limited = await buildApp({ store: SqliteStore.open(':memory:'), template: parseAppwriteJson({}, '/rt/appwrite.json'), rateLimits: true })
    await limited.server.listen({ port: 0, host: '127.0.0.1' })
    origin = `127.0.0.1:${(limited.server.server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await limited?.server.close()
  })

  const open = (query: string) =>
    new Promise<{ ws: WebSocket; first: Promise<any>; closed: Promise<number> }>((resolve, reject) => {
      const ws = new WebSocket(`ws://${origin}/v1/realtime?${query}`)
      const first = new Promise<any>((res) => ws.once('message', (d) => res(JSON.parse(String(d)))))
      const closed = new Promise<number>((res) => ws.on('close', (code) => res(code)))
      ws.on('error', reject)
      ws.on('open', () => resolve({ ws, first, closed }))
    })

  it('the 129th connection from one IP within a minute gets 1013 and is closed', async () => {
    const sockets = []
    for (let i = 0; i < 128; i++) sockets.push(await open(`project=${PROJECT}&channels[]=documents`))
    for (const s of sockets) expect((await s.first).type).toBe('connected')
    const refused = await open(`project=${PROJECT}&channels[]=documents`)
    expect(await refused.first).toEqual({ type: 'error', data: { code: 1013, message: 'Too many requests' } })
    expect(await refused.closed).toBe(1013)
    for (const s of sockets) s.ws.close()
  })

  it('the 33rd message on one connection within a minute gets 1013, and the socket stays open', async () => {
    limited.services.rateLimiter.forget('')
    const s = await open(`project=${PROJECT}&channels[]=documents`)
    expect((await s.first).type).toBe('connected')
    const frames: any[] = []
    s.ws.on('message', (d) => frames.push(JSON.parse(String(d))))
    for (let i = 0; i < 33; i++) s.ws.send(JSON.stringify({ type: 'ping' }))
    for (let i = 0; i < 100 && frames.length < 33; i++) await new Promise((r) => setTimeout(r, 10))
    expect(frames.slice(0, 32).every((f) => f.data.code === 1003)).toBe(true)
    expect(frames[32]).toEqual({ type: 'error', data: { code: 1013, message: 'Too many messages.' } })
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.ws.close()
  })
})

describe('realtime compression (permessage-deflate)', () => {
  /** A raw socket that offers `extensions` and returns the upgrade's response and the frames after it. */
  async function rawSocket(extensions: string | null) {
    const { connect: tcp } = await import('node:net')
    const [host, port] = base.split(':')
    const socket = tcp({ host, port: Number(port) })
    let bytes = Buffer.alloc(0)
    socket.on('data', (chunk) => (bytes = Buffer.concat([bytes, chunk])))
    await new Promise((r) => socket.once('connect', r))
    socket.write(
      `GET /v1/realtime?project=${PROJECT}&channels[]=databases.main.collections.open.documents HTTP/1.1\r\nHost: ${base}\r\n` +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
        (extensions ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : '') +
        '\r\n',
    )
    /** The frames after the handshake once `count` of them arrived (bounded wait). */
    const frames = async (count: number) => {
      for (let i = 0; i < 300; i++) {
        const end = bytes.indexOf('\r\n\r\n')
        const parsed: { first: number; payload: Buffer }[] = []
        let at = end + 4
        while (end >= 0 && at + 2 <= bytes.length) {
          const len7 = bytes[at + 1]! & 0x7f
          const head = len7 === 126 ? 4 : 2
          const length = len7 === 126 ? bytes.readUInt16BE(at + 2) : len7
          if (at + head + length > bytes.length) break
          parsed.push({ first: bytes[at]!, payload: bytes.subarray(at + head, at + head + length) })
          at += head + length
        }
        if (parsed.length >= count) return { head: bytes.subarray(0, end).toString(), frames: parsed }
        await new Promise((r) => setTimeout(r, 10))
      }
      throw new Error('frames did not arrive within 3 s')
    }
    return { frames, close: () => socket.destroy() }
  }
  const inflate = async (payload: Buffer) => {
    const { constants, inflateRawSync } = await import('node:zlib')
    return JSON.parse(inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH }).toString())
  }

  it('a client that offers it gets events compressed (RSV1) that inflate to the same message; one that does not gets them plain', async () => {
    const browserLike = await rawSocket('permessage-deflate; client_max_window_bits')
    const plain = await rawSocket(null)
    await browserLike.frames(1)
    await plain.frames(1)
    expect((await createDoc('open', { documentId: 'zipped', data: { title: 'compressed' } })).status).toBe(201)
    const a = await browserLike.frames(2)
    const b = await plain.frames(2)
    expect(a.head).toMatch(/sec-websocket-extensions: permessage-deflate; server_no_context_takeover/i)
    expect(b.head).not.toMatch(/sec-websocket-extensions/i)
    // `connected` goes out plain on both; the event is compressed only where it was negotiated.
    expect(a.frames[0]!.first).toBe(0x81)
    expect(a.frames[1]!.first).toBe(0xc1)
    expect(b.frames[1]!.first).toBe(0x81)
    const zipped = await inflate(a.frames[1]!.payload)
    expect(zipped).toEqual(JSON.parse(b.frames[1]!.payload.toString()))
    expect(zipped).toMatchObject({ type: 'event', data: { payload: { $id: 'zipped', title: 'compressed' } } })
    browserLike.close()
    plain.close()
  })

  it('the ws client (as the SDK uses it in Node) negotiates it and reads events as before', async () => {
    const s = await connect(`project=${PROJECT}&channels[]=databases.main.collections.open.documents`)
    expect(s.ws.extensions).toContain('permessage-deflate')
    expect((await s.next()).type).toBe('connected')
    expect((await createDoc('open', { documentId: 'zipped2', data: { title: 'via ws' } })).status).toBe(201)
    expect(await s.next()).toMatchObject({ type: 'event', data: { payload: { $id: 'zipped2', title: 'via ws' } } })
    s.ws.close()
  })
})
