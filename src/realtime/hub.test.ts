import { describe, expect, it } from 'vitest'
import type { Caller } from '../core/caller.js'
import { parseAppwriteJson } from '../config/appwrite-json.js'
import type { AppEvent } from '../events/bus.js'
import type { Project } from '../services/projects/project-registry.js'
import { subscribedChannels } from './channels.js'
import { RealtimeHub, type RealtimeConnection } from './hub.js'

/** The hub's grouping and ordering, with sockets that record what was written to them. */
const template = parseAppwriteJson({}, '/hub/appwrite.json')
const project = { id: 'p', name: 'p', isConsole: false, template } as unknown as Project

function setup() {
  let listener: (event: AppEvent) => void = () => {}
  const hub = new RealtimeHub(template, { now: () => Date.parse('2026-01-01T00:00:00Z') }, (e) => { throw e })
  hub.listen({ subscribe: (l) => ((listener = l), () => {}) })
  const publish = (name: string, params: Record<string, string>, payload: Record<string, unknown> = {}) =>
    listener({ projectId: 'p', name, params, events: [name], payload, caller: {} as Caller })
  return { hub, publish }
}

function connection(id: string, userId: string | null, reauthenticate?: () => Promise<Caller>) {
  const writes: Buffer[] = []
  const roles = userId ? ['any', 'users', `user:${userId}`] : ['any', 'guests']
  const caller = { user: userId ? { id: userId } : null, roles } as unknown as Caller
  const conn: RealtimeConnection = {
    id,
    project,
    socket: { writeFrames: (b) => writes.push(b), bufferedAmount: 0, deflateWindow: null, terminate: () => {} },
    requested: ['account'],
    channels: subscribedChannels(['account'], userId),
    caller,
    roles: new Set(roles),
    connectedAt: '',
    reauthenticate: reauthenticate ?? (async () => caller),
    queue: Promise.resolve(),
    pending: 0,
    outbox: null,
  }
  /** The events written so far, in order, by their `payload.n`. */
  const received = () =>
    writes.flatMap((bytes) => {
      const out: number[] = []
      for (let at = 0; at < bytes.length; ) {
        const len7 = bytes[at + 1]! & 0x7f
        const head = len7 === 126 ? 4 : 2
        const length = len7 === 126 ? bytes.readUInt16BE(at + 2) : len7
        out.push(JSON.parse(bytes.subarray(at + head, at + head + length).toString()).data.payload.n)
        at += head + length
      }
      return out
    })
  return { conn, writes, received }
}

const settle = () => new Promise((r) => setTimeout(r, 80))

describe('realtime hub', () => {
  it('sockets of one audience get one buffer, written once per flush; others are filtered by role', async () => {
    const { hub, publish } = setup()
    const a = connection('a', 'u1')
    const b = connection('b', 'u1')
    const c = connection('c', 'u2')
    for (const x of [a, b, c]) hub.add(x.conn)
    for (let n = 1; n <= 3; n++) publish('users.u1.update.prefs', { userId: 'u1' }, { n })
    await settle()
    expect(a.received()).toEqual([1, 2, 3])
    expect(b.received()).toEqual([1, 2, 3])
    expect(a.writes.length).toBe(1)
    // The very same bytes object: concatenated once for the audience.
    expect(a.writes[0]).toBe(b.writes[0])
    expect(c.received()).toEqual([])
  })

  it('a connection with a step in its queue gets the events before and during it in order, then rejoins with no duplicates', async () => {
    const { hub, publish } = setup()
    const a = connection('a', 'u1')
    const b = connection('b', 'u1')
    hub.add(a.conn)
    hub.add(b.conn)
    publish('users.u1.update.prefs', { userId: 'u1' }, { n: 1 })
    let release!: () => void
    const step = hub.inOrder(a.conn, () => new Promise<void>((r) => (release = r)))
    publish('users.u1.update.prefs', { userId: 'u1' }, { n: 2 })
    await settle()
    // b had both; a had the one published before its step, and waits for the step to go on.
    expect(b.received()).toEqual([1, 2])
    expect(a.received()).toEqual([1])
    release()
    await step
    await settle()
    publish('users.u1.update.prefs', { userId: 'u1' }, { n: 3 })
    await settle()
    expect(a.received()).toEqual([1, 2, 3])
    expect(b.received()).toEqual([1, 2, 3])
  })

  it('an event that changes a user\'s roles refreshes their sockets first; a user who lost access stops receiving', async () => {
    const { hub, publish } = setup()
    const signedOut = { user: null, roles: ['any', 'guests'] } as unknown as Caller
    const a = connection('a', 'u1', async () => signedOut)
    const b = connection('b', 'u1')
    hub.add(a.conn)
    hub.add(b.conn)
    publish('users.u1.update.prefs', { userId: 'u1' }, { n: 1 })
    // A session event refreshes u1's sockets: a is now a guest (its account channel no longer names u1).
    publish('users.u1.sessions.s1.delete', { userId: 'u1', sessionId: 's1' }, { n: 2 })
    publish('users.u1.update.prefs', { userId: 'u1' }, { n: 3 })
    await settle()
    expect(a.received()).toEqual([1])
    expect(b.received()).toEqual([1, 2, 3])
    expect(a.conn.roles.has('guests')).toBe(true)
  })

  it('a removed socket gets nothing more and leaves no audience behind', async () => {
    const { hub, publish } = setup()
    const a = connection('a', 'u1')
    hub.add(a.conn)
    publish('users.u1.update.prefs', { userId: 'u1' }, { n: 1 })
    hub.remove(a.conn)
    await settle()
    expect(a.received()).toEqual([])
    expect(hub.projectIds()).toEqual([])
  })
})
