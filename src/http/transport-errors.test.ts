import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../app.js'
import { emptyTemplate } from '../config/appwrite-json.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'

let app: App
let port = 0
beforeAll(async () => {
  app = await buildApp({ store: SqliteStore.open(':memory:'), template: emptyTemplate() })
  await app.server.listen({ port: 0, host: '127.0.0.1' })
  port = (app.server.server.address() as { port: number }).port
})
afterAll(async () => {
  await app.server.close()
})

/** Sends raw bytes and reads the whole answer (the server closes or the answer is complete), bounded in time. */
function raw(request: string): Promise<{ status: number; headers: string; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no complete answer: ${data.slice(0, 200)}`))
    }, 5000)
    const done = () => {
      const split = data.indexOf('\r\n\r\n')
      const head = data.slice(0, split)
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN)
      const body = data.slice(split + 4)
      if (split < 0 || !(Buffer.byteLength(body) >= length)) return false
      clearTimeout(timer)
      socket.destroy()
      resolve({ status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) })
      return true
    }
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1')
      done()
    })
    socket.on('end', () => done())
    socket.on('error', () => done())
    socket.write(request)
  })
}

const appwriteError = (status: number, type: string) => ({ status, body: { code: status, type, version: '1.5.11', message: expect.any(String) } })

describe('answers from below the router are Appwrite errors', () => {
  it('headers over 16 KB: 431 with an error body', async () => {
    const res = await raw(`GET /v1/locale HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`)
    expect(res).toMatchObject(appwriteError(431, 'general_argument_invalid'))
  })

  it('a malformed request line: 400 with an error body', async () => {
    const res = await raw('GET /v1/locale HTTP/9\r\n\r\n')
    expect(res).toMatchObject(appwriteError(400, 'general_argument_invalid'))
  })

  it('a request without Host is served like any other', async () => {
    const res = await raw('GET /v1/locale HTTP/1.1\r\nX-Appwrite-Project: p\r\nConnection: close\r\n\r\n')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ countryCode: '--' })
  })

  it('an invalid percent-escape in the path: 400 with an error body', async () => {
    const res = await raw('GET /v1/teams/%ff HTTP/1.1\r\nHost: localhost\r\nX-Appwrite-Project: p\r\nConnection: close\r\n\r\n')
    expect(res).toMatchObject(appwriteError(400, 'general_argument_invalid'))
    expect(res.headers).toMatch(/server: Appwrite/i)
  })

  it('an over-long path param reaches its route and its validator', async () => {
    const res = await raw(`GET /v1/account/sessions/${'x'.repeat(3000)} HTTP/1.1\r\nHost: localhost\r\nX-Appwrite-Project: p\r\nConnection: close\r\n\r\n`)
    expect(res).toMatchObject(appwriteError(401, 'general_unauthorized_scope'))
  })

  it('a JSON body on a GET is ignored: GET reads the query string only', async () => {
    const body = '{"name":'
    const res = await raw(`GET /v1/locale HTTP/1.1\r\nHost: localhost\r\nX-Appwrite-Project: p\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
    expect(res.status).toBe(200)
    const empty = await raw('GET /v1/locale HTTP/1.1\r\nHost: localhost\r\nX-Appwrite-Project: p\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    expect(empty.status).toBe(200)
  })
})
