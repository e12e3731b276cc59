import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../app.js'
import { emptyTemplate } from '../config/appwrite-json.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'

const TOKEN = 'a-control-token-for-tests'
const MESSAGES = '/_emulator/projects/p/messages'

async function appWith(controlToken: string | null): Promise<App> {
  const app = await buildApp({ store: SqliteStore.open(':memory:'), template: emptyTemplate(), controlToken })
  await app.server.ready()
  return app
}

describe('control API guard', () => {
  let open: App
  let guarded: App
  beforeAll(async () => {
    open = await appWith(null)
    guarded = await appWith(TOKEN)
  })
  afterAll(async () => {
    await open.server.close()
    await guarded.server.close()
  })

  const rows: { name: string; app: () => App; remoteAddress: string; headers?: Record<string, string>; status: number; type?: string }[] = [
    { name: 'without a token, a remote client is refused', app: () => open, remoteAddress: '203.0.113.7', status: 401, type: 'general_access_forbidden' },
    { name: 'without a token, X-Forwarded-For through a local proxy is refused', app: () => open, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' }, status: 401, type: 'general_access_forbidden' },
    { name: 'without a token, Forwarded is refused', app: () => open, remoteAddress: '127.0.0.1', headers: { forwarded: 'for=203.0.113.7' }, status: 401, type: 'general_access_forbidden' },
    { name: 'without a token, X-Real-IP is refused', app: () => open, remoteAddress: '::1', headers: { 'x-real-ip': '203.0.113.7' }, status: 401, type: 'general_access_forbidden' },
    { name: 'with a token, loopback without it is refused', app: () => guarded, remoteAddress: '127.0.0.1', status: 401, type: 'general_unauthorized_scope' },
    { name: 'with a token, a wrong token is refused', app: () => guarded, remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${TOKEN}x` }, status: 401, type: 'general_unauthorized_scope' },
    { name: 'with a token, a Basic header is refused', app: () => guarded, remoteAddress: '127.0.0.1', headers: { authorization: `Basic ${TOKEN}` }, status: 401, type: 'general_unauthorized_scope' },
    { name: 'without a token, a direct loopback client is served', app: () => open, remoteAddress: '127.0.0.1', status: 200 },
    { name: 'with a token, a remote client holding it is served', app: () => guarded, remoteAddress: '203.0.113.7', headers: { authorization: `Bearer ${TOKEN}` }, status: 200 },
    { name: 'with a token, a proxied client holding it is served', app: () => guarded, remoteAddress: '127.0.0.1', headers: { authorization: `bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.7' }, status: 200 },
  ]
  it.each(rows)('$name', async ({ app, remoteAddress, headers, status, type }) => {
    const res = await app().server.inject({ method: 'GET', url: MESSAGES, remoteAddress, headers })
    expect(res.statusCode).toBe(status)
    const body = JSON.parse(res.body)
    if (type) expect(body).toMatchObject({ type, version: '1.5.11' })
    else expect(body).toMatchObject({ total: 0 })
  })

  it('the client API is not guarded', async () => {
    const res = await guarded.server.inject({ method: 'GET', url: '/v1/locale', remoteAddress: '203.0.113.7', headers: { 'x-appwrite-project': 'p', 'x-forwarded-for': '198.51.100.1' } })
    expect(res.statusCode).toBe(200)
  })
})
