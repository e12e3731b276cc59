import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.js'
import { parseAppwriteJson } from '../../src/config/appwrite-json.js'
import { routeTable } from '../../src/services/routes.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { rng, type Rng } from '../harness/rng.js'

/**
 * Seeded, bounded malformed requests over every route, sent over a real socket so the HTTP parser is in the path.
 * Every answer is a success or Appwrite's JSON error (`{message, code, type, version}`), never a 5xx outside the
 * types Appwrite itself answers with 500, and the server is alive at the end. `npm run fuzz` sends 20,000.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 3000)
const SEED = Number(process.env.FUZZ_SEED ?? 20261201)
const CONCURRENCY = 8
// Catalogue entries with code 0: Appwrite answers them with 500 on purpose (BEHAVIORS §3).
const APPWRITE_500_TYPES = new Set(['user_email_not_verified', 'user_phone_not_verified', 'user_email_not_found', 'user_invalid_challenge'])


/** encodeURIComponent, with a lone surrogate sent as the raw bytes PHP would see. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s)
  } catch {
    return '%ED%A0%80'
  }
}
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
const STRINGS = ['', ' ', 'unique()', 'x', 'current', '../../etc/passwd', '%00', '\u0000', '😀'.repeat(50), 'a'.repeat(300), '{"method":"equal"}', 'read("any")', 'null', '-1', 'true', '<script>', "'; DROP TABLE x; --", 'é', '\ud800']
function value(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 10)) {
    case 0: return r.pick(STRINGS)
    case 1: return r.int(2) ? r.int(1e6) : -r.next() * 1e308
    case 2: return r.chance(0.5)
    case 3: return null
    case 4: return 'x'.repeat(r.int(5000))
    case 5: return r.pick(['equal("a", ["b"])', '{"method":"limit","values":[5000]}', '{"method":"cursorAfter","values":["nope"]}', '{"method":"select","values":[1]}'])
    case 6: return Array.from({ length: r.int(4) }, () => value(r, depth + 1))
    case 7: return Object.fromEntries(Array.from({ length: r.int(4) }, (_, i) => [r.pick(['$id', 'a', '__proto__', 'constructor', `k${i}`]), value(r, depth + 1)]))
    case 8: return JSON.parse(deep(1 + r.int(3000)))
    default: return r.pick(['a@example.test', '+15555550100', 'http://localhost/x', 'Password123!', '2024-01-01T00:00:00.000+00:00'])
  }
}

function pathFor(r: Rng, path: string): string {
  return path.replace(/:(\w+)/g, () =>
    r.pick(['x', 'current', 'totp', 'github', 'us', 'visa', 'ch', 'open', 'main', 'notes', 'team1', 'default', '%ff', '%2e%2e', 'a'.repeat(200), '%00', encodeURIComponent('😀'), 'unique()']),
  )
}

const BOUNDARY = 'fuzzBoundary'
function multipart(r: Rng, params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => {
    const asFile = r.chance(0.3)
    return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"${asFile ? '; filename="f.txt"\r\nContent-Type: text/plain' : ''}\r\n\r\n${typeof v === 'string' ? v : JSON.stringify(v)}\r\n`
  })
  const body = parts.join('')
  return r.pick([`${body}--${BOUNDARY}--\r\n`, body, `${body}--wrong--\r\n`, body.slice(0, Math.max(0, body.length - r.int(20)))])
}

interface Probe {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
}

function probe(r: Rng, cookie: string): Probe {
  const route = r.pick(routeTable)
  const method = r.chance(0.9) ? route.method : r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
  const names = [...Object.keys(route.params), ...(r.chance(0.2) ? ['project', 'queries', 'unknown'] : [])]
  const params = Object.fromEntries(names.filter(() => r.chance(0.7)).map((n) => [n, value(r)]))
  const headers: Record<string, string> = {}
  if (r.chance(0.9)) headers['x-appwrite-project'] = r.pick(['fuzz', 'fuzz', 'fuzz', 'console', '', '!!', 'fuzz2'])
  if (r.chance(0.5)) headers.cookie = cookie
  if (r.chance(0.05)) headers.cookie = r.pick(['a_session_fuzz=%%%', 'a_session_fuzz=eyJpZCI6MX0=', `a_session_fuzz=${'x'.repeat(5000)}`])
  if (r.chance(0.05)) headers['x-fallback-cookies'] = r.pick(['{', '[]', '{"a_session_fuzz":1}', 'null'])
  if (r.chance(0.05)) headers['x-appwrite-jwt'] = r.pick(['x', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.'])
  if (r.chance(0.05)) headers['x-appwrite-timestamp'] = r.pick(['yesterday', '0', '2024-01-01'])
  if (r.chance(0.05)) headers['content-range'] = r.pick(['bytes 0-10/5', 'bytes x', 'bytes 5-1/10', 'bytes 0-0/0'])
  if (r.chance(0.05)) headers.range = r.pick(['bytes=0-', 'bytes=5-1', 'items=0-1', 'bytes=-1'])
  if (r.chance(0.05)) headers['x-appwrite-response-format'] = r.pick(['1.4.0', '0.15', 'abc'])
  let path = pathFor(r, route.path)
  let body: string | undefined
  if (method === 'GET' || method === 'HEAD') {
    const query = Object.entries(params).map(([k, v]) => `${enc(k)}${Array.isArray(v) ? '[]' : ''}=${enc(typeof v === 'string' ? v : JSON.stringify(v))}`)
    if (query.length) path += `?${query.join('&')}`
    if (r.chance(0.1)) path += r.pick(['&queries[0][a][b][c][d][e][f]=1', '&%zz=1', '&a[]=1&a[x]=2'])
  }
  const kind = r.int(10)
  if (method !== 'GET' && method !== 'HEAD' && kind < 5) {
    headers['content-type'] = 'application/json'
    const json = JSON.stringify(params)
    body = r.pick([json, json.slice(0, Math.max(1, json.length - r.int(10))), '[1,2]', 'null', `{"a":${deep(5000)}}`])
  } else if (kind < 7) {
    headers['content-type'] = r.pick([`multipart/form-data; boundary=${BOUNDARY}`, 'multipart/form-data', `multipart/form-data; boundary=${'b'.repeat(300)}`])
    body = multipart(r, params)
  } else if (kind < 8) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = Object.entries(params).map(([k, v]) => `${k}=${enc(String(v))}`).join('&') + r.pick(['', '&%', '&a[b][c][d][e][f][g]=1'])
  } else if (kind < 9) {
    headers['content-type'] = r.pick(['text/plain', 'application/xml', 'application/graphql', 'image/png', ';;;'])
    body = r.pick(['hello', '<a/>', '\u0000\u0001', '{"query":"{ x }"}'])
  }
  return { method, path, headers, body }
}

let app: App
let port = 0
let cookie = ''

function send(p: Probe): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: p.method, path: p.path, headers: { ...p.headers, ...(p.body !== undefined && { 'content-length': Buffer.byteLength(p.body) }) }, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(p.body)
  })
}

/** What is wrong with an answer, or null. */
function problem(p: Probe, res: { status: number; contentType: string; text: string }): string | null {
  let body: { message?: unknown; code?: unknown; type?: unknown; version?: unknown } | null = null
  if (res.contentType.startsWith('application/json') && res.text) {
    try {
      body = JSON.parse(res.text)
    } catch {
      return 'a JSON content type with a body that does not parse'
    }
  }
  if (res.status >= 500 && !(body && APPWRITE_500_TYPES.has(String(body.type)))) return `a ${res.status}: ${res.text.slice(0, 200)}`
  if (res.status >= 400 && p.method !== 'HEAD') {
    // OAuth2's routes answer failures with an HTML page, as Appwrite's `error` label makes them.
    if (res.contentType.startsWith('text/html') && /oauth2/.test(p.path)) return null
    if (!body || typeof body.message !== 'string' || body.code !== res.status || typeof body.type !== 'string' || body.version !== '1.5.11') {
      return `an error not in Appwrite's shape: ${res.status} ${res.contentType} ${res.text.slice(0, 200)}`
    }
  }
  return null
}

beforeAll(async () => {
  const template = parseAppwriteJson(
    {
      databases: [{ $id: 'main', name: 'Main' }],
      collections: [{ $id: 'notes', databaseId: 'main', name: 'Notes', $permissions: ['read("any")', 'create("any")', 'update("any")', 'delete("any")'], attributes: [{ key: 'title', type: 'string', size: 100 }], indexes: [] }],
      buckets: [{ $id: 'open', name: 'Open', $permissions: ['read("any")', 'create("any")', 'update("any")', 'delete("any")'] }],
      teams: [{ $id: 'team1', name: 'Team' }],
    },
    '/fuzz/appwrite.json',
  )
  app = await buildApp({ store: SqliteStore.open(':memory:'), template })
  await app.server.listen({ port: 0, host: '127.0.0.1' })
  port = (app.server.server.address() as { port: number }).port
  const headers = { 'x-appwrite-project': 'fuzz', 'content-type': 'application/json' }
  await send({ method: 'POST', path: '/v1/account', headers, body: JSON.stringify({ userId: 'fuzzer', email: 'fuzzer@example.test', password: 'fuzzer-password' }) })
  const session = await fetch(`http://127.0.0.1:${port}/v1/account/sessions/email`, { method: 'POST', headers, body: JSON.stringify({ email: 'fuzzer@example.test', password: 'fuzzer-password' }) })
  cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
})

afterAll(async () => {
  await app?.server.close()
})

describe(`fuzz: ${TOTAL} seeded malformed requests (seed ${SEED})`, () => {
  it('never answers a 5xx outside Appwrite\'s own, always in Appwrite\'s error shape, and stays alive', async () => {
    const r = rng(SEED)
    const probes = Array.from({ length: TOTAL }, () => probe(r, cookie))
    const problems: string[] = []
    let next = 0
    const worker = async () => {
      while (next < probes.length) {
        const index = next++
        const p = probes[index]!
        try {
          const found = problem(p, await send(p))
          if (found) problems.push(`#${index} ${p.method} ${p.path.slice(0, 120)} [${p.headers['content-type'] ?? '-'}]: ${found}`)
        } catch (error) {
          problems.push(`#${index} ${p.method} ${p.path.slice(0, 120)}: ${(error as Error).message}`)
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    expect(problems.slice(0, 20)).toEqual([])
    const health = await fetch(`http://127.0.0.1:${port}/_emulator/health`)
    expect(health.status).toBe(200)
  }, 600_000)

  it('raw malformed requests get a complete Appwrite error and the server stays up', async () => {
    const raws = [
      'GET /v1/locale HTTP/9\r\n\r\n',
      `GET /v1/locale HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`,
      'POST /v1/account HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /v1/account HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      '\u0000\u0001\u0002\r\n\r\n',
    ]
    for (const text of raws) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1')
        let data = ''
        const timer = setTimeout(() => socket.destroy(), 3000)
        socket.on('data', (c) => (data += c.toString('latin1')))
        socket.on('close', () => {
          clearTimeout(timer)
          resolve(data)
        })
        socket.on('error', () => undefined)
        socket.write(text)
      })
      expect(answer, JSON.stringify(text.slice(0, 40))).toMatch(/^HTTP\/1\.1 4\d\d [\s\S]*"version":"1\.5\.11"/)
    }
    expect((await fetch(`http://127.0.0.1:${port}/_emulator/health`)).status).toBe(200)
  })
})
