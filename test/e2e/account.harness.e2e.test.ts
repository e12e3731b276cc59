import type { IncomingMessage } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { appwriteError, CookieJar, ResponseRecorder, sdkUser } from '../harness/sdk.js'
import { sharedAvailable } from '../harness/shared.js'
import { assertResponsesMatchSpec } from '../harness/spec.js'

/**
 * The SDK harness itself, through account calls: users are isolated, nothing process-wide is patched, the SDK's
 * multipart path uses Node's FormData, and the recorder sees what the SDK saw.
 */

let emulator: RunningEmulator
const recorder = new ResponseRecorder()
let n = 0
const project = () => `harness${++n}`
const nodeFormData = globalThis.FormData

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent' })
})
afterAll(async () => {
  await emulator?.stop()
})
afterEach(async () => {
  const records = await recorder.take()
  if (sharedAvailable('checking harness responses against client-openapi3.json')) assertResponsesMatchSpec(records)
})

describe('SDK harness', () => {
  it('gives each user its own SDK realm, localStorage and cookie jar, and patches no globals', async () => {
    const projectId = project()
    const alice = sdkUser(emulator, projectId, { name: 'alice', recorder })
    const bob = sdkUser(emulator, projectId, { name: 'bob', recorder })
    expect(alice.sdk).not.toBe(bob.sdk)
    expect(alice.sdk.AppwriteException).not.toBe(bob.sdk.AppwriteException)
    for (const name of ['window', 'localStorage', 'WebSocket', 'Appwrite']) expect(name in globalThis, name).toBe(false)
    expect(globalThis.FormData).toBe(nodeFormData)

    await alice.account.create('alice', 'alice@example.test', 'password123')
    await alice.account.createEmailPasswordSession('alice@example.test', 'password123')
    expect(alice.fallback).toMatch(/^\{"a_session_harness\d+":/)
    expect(bob.fallback).toBeNull()
    expect(bob.cookies.names()).toEqual([])
    const error = await appwriteError(bob.account.get())
    expect(error).toBeInstanceOf(bob.sdk.AppwriteException)
    expect(error.type).toBe('general_unauthorized_scope')
  })

  it('sends multipart bodies through Node\'s FormData, files included', async () => {
    const projectId = project()
    const carol = sdkUser(emulator, projectId, { name: 'carol', recorder })
    await carol.account.create('carol', 'carol@example.test', 'password123')
    await carol.account.createEmailPasswordSession('carol@example.test', 'password123')
    // The SDK's own multipart branch (used by storage uploads): the form-data package would fail on a web File.
    const renamed = await carol.client.call(
      'patch',
      new URL(`${emulator.url}/account/name`),
      { 'content-type': 'multipart/form-data' },
      { name: 'Carol Multipart', attachment: new File(['hello'], 'hello.txt', { type: 'text/plain' }) },
    )
    expect(renamed).toMatchObject({ name: 'Carol Multipart' })
  })

  it('runs client.subscribe over ws with the user\'s cookies and window.setTimeout', async () => {
    // No realtime server in the emulator yet: a bare ws server stands in and answers as Appwrite's would.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise<void>((resolve) => wss.once('listening', resolve))
    const port = (wss.address() as { port: number }).port
    const handshakes: IncomingMessage[] = []
    const messages: unknown[] = []
    wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      handshakes.push(request)
      socket.on('message', (data) => messages.push(JSON.parse(String(data))))
      socket.send(JSON.stringify({ type: 'connected', data: { channels: ['account'], user: null } }))
      socket.send(JSON.stringify({ type: 'event', data: { events: ['users.x.update'], channels: ['account'], timestamp: '2024-05-01 10:20:30.123', payload: { ok: true } } }))
    })
    try {
      const projectId = project()
      const erin = sdkUser(emulator, projectId, { name: 'erin', recorder })
      await erin.account.create('erin', 'erin@example.test', 'password123')
      await erin.account.createEmailPasswordSession('erin@example.test', 'password123')
      erin.client.setEndpointRealtime(`ws://127.0.0.1:${port}/v1`)
      const received = new Promise<unknown>((resolve) => {
        const unsubscribe = erin.client.subscribe('account', (event) => {
          unsubscribe()
          resolve(event)
        })
      })
      expect(await received).toMatchObject({ channels: ['account'], payload: { ok: true } })
      const [handshake] = handshakes
      expect(handshake!.url).toBe(`/v1/realtime?project=${projectId}&channels%5B%5D=account`)
      expect(handshake!.headers.cookie).toContain(`a_session_${projectId}=`)
      // `connected` said user: null, so the SDK authenticates with its stored fallback session.
      const fallback = JSON.parse(erin.fallback!)[`a_session_${projectId}`]
      await expect.poll(() => messages).toEqual([{ type: 'authentication', data: { session: fallback } }])
      erin.close()
    } finally {
      await new Promise((resolve) => wss.close(resolve))
    }
  })

  it('records every response with its operation, status and parsed JSON body', async () => {
    const projectId = project()
    const own = new ResponseRecorder()
    const dave = sdkUser(emulator, projectId, { name: 'dave', recorder: own })
    await appwriteError(dave.account.get())
    await dave.account.createAnonymousSession()
    await dave.account.deleteSession('current')
    const seen = await own.take()
    expect(seen.map((r) => [r.user, r.method, r.path, r.status])).toEqual([
      ['dave', 'GET', '/v1/account', 401],
      ['dave', 'POST', '/v1/account/sessions/anonymous', 201],
      ['dave', 'DELETE', '/v1/account/sessions/current', 204],
    ])
    expect(seen[0]!.body).toMatchObject({ type: 'general_unauthorized_scope', code: 401 })
    expect(seen[2]).toMatchObject({ text: '', body: undefined })
    expect(await own.take(), 'take() empties the recorder').toEqual([])
    if (sharedAvailable('checking harness responses against client-openapi3.json')) assertResponsesMatchSpec(seen)
  })
})

describe('CookieJar', () => {
  const url = new URL('http://127.0.0.1:1234/v1/account')
  let now = Date.parse('2024-05-01T00:00:00Z')
  const jar = () => new CookieJar(() => now)

  it('keeps host-only cookies for their host and path, and sends them back', () => {
    const j = jar()
    j.store(url, ['a=1; path=/; httponly', 'b=2; path=/v1/account', 'c=3; path=/other'])
    expect(j.header(url)).toBe('a=1; b=2')
    expect(j.header(new URL('http://127.0.0.2:1234/v1/account'))).toBe('')
    expect(j.header(new URL('http://127.0.0.1:1234/v1/accounts'))).toBe('a=1')
  })

  it('expires cookies by date or Max-Age, and PHP\'s "deleted" cookie removes the old one', () => {
    const j = jar()
    j.store(url, ['s=abc; expires=Thu, 01 Jan 2026 00:00:00 GMT; path=/', 't=1; Max-Age=60; path=/'])
    expect(j.names().sort()).toEqual(['s', 't'])
    j.store(url, ['s=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/'])
    expect(j.names()).toEqual(['t'])
    now += 61_000
    expect(j.header(url)).toBe('')
  })

  it('honours Domain and refuses a domain the host is not in', () => {
    const j = jar()
    const api = new URL('http://api.example.test/v1/account')
    j.store(api, ['d=1; domain=.example.test; path=/', 'x=1; domain=.elsewhere.test; path=/'])
    expect(j.header(new URL('http://cloud.example.test/v1'))).toBe('d=1')
    expect(j.names()).toEqual(['d'])
  })

  it('stores and sends nothing when disabled', () => {
    const j = jar()
    j.enabled = false
    j.store(url, ['a=1; path=/'])
    expect(j.names()).toEqual([])
    j.enabled = true
    j.store(url, ['a=1; path=/'])
    j.enabled = false
    expect(j.header(url)).toBe('')
  })
})
