import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPublicAddress } from './address-guard.js'
import { fetchRemote, RemoteFetchError, type FetchLimits } from './remote-fetch.js'

let server: Server
let base: string
let port: number
const hits: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!)
    const url = new URL(req.url!, 'http://x')
    switch (url.pathname) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('hello')
        return
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end()
        return
      case '/hop':
        res.writeHead(301, { location: '/ok' }).end()
        return
      case '/to-other-loopback':
        res.writeHead(302, { location: `http://127.0.0.2:${port}/ok` }).end()
        return
      case '/to-metadata':
        res.writeHead(302, { location: 'http://metadata.test/latest/meta-data/' }).end()
        return
      case '/big':
        res.writeHead(200, { 'content-length': String(2048) }).end(Buffer.alloc(2048))
        return
      case '/big-chunked':
        res.writeHead(200)
        res.write(Buffer.alloc(1000))
        res.end(Buffer.alloc(1000))
        return
      case '/slow':
        return // never answers
      default:
        res.writeHead(404).end('missing')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const limits = (over: Partial<FetchLimits> = {}): FetchLimits => ({
  timeoutMs: 2000,
  maxBytes: 1024 * 1024,
  maxRedirects: 3,
  allowPrivate: false,
  userAgent: 'test',
  ...over,
})

async function failure(call: Promise<unknown>): Promise<RemoteFetchError> {
  try {
    await call
  } catch (error) {
    if (error instanceof RemoteFetchError) return error
    throw error
  }
  throw new Error('expected the fetch to fail')
}

describe('isPublicAddress', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '::1', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '224.0.0.1', 'not an ip'])(
    'refuses %s',
    (address) => expect(isPublicAddress(address)).toBe(false),
  )
  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => expect(isPublicAddress(address)).toBe(true))
})

describe('fetchRemote', () => {
  it('refuses loopback by default, before connecting', async () => {
    const before = hits.length
    expect((await failure(fetchRemote(`${base}/ok`, limits()))).reason).toBe('refused')
    expect((await failure(fetchRemote(`http://localhost:${port}/ok`, limits()))).reason).toBe('refused')
    expect(hits.length).toBe(before)
  })

  it('refuses a name that resolves to a private or metadata address', async () => {
    const resolve = async () => [{ address: '169.254.169.254', family: 4 }]
    expect((await failure(fetchRemote('http://metadata.test/', limits({ resolve })))).reason).toBe('refused')
    const mixed = async () => [{ address: '8.8.8.8', family: 4 }, { address: '10.0.0.1', family: 4 }]
    expect((await failure(fetchRemote('http://mixed.test/', limits({ resolve: mixed })))).reason).toBe('refused')
  })

  it('refuses other schemes', async () => {
    expect((await failure(fetchRemote('file:///etc/passwd', limits({ allowPrivate: true })))).reason).toBe('refused')
  })

  it('fetches a private address when allowed, following redirects', async () => {
    const res = await fetchRemote(`${base}/hop`, limits({ allowPrivate: true }))
    expect(res).toMatchObject({ status: 200, contentType: 'text/plain', url: `${base}/ok` })
    expect(res.body.toString()).toBe('hello')
  })

  it('checks every redirect target again', async () => {
    const onlyThisServer = { isAllowedAddress: (a: string) => a === '127.0.0.1' }
    expect((await fetchRemote(`${base}/ok`, limits(onlyThisServer))).status).toBe(200)
    expect((await failure(fetchRemote(`${base}/to-other-loopback`, limits(onlyThisServer)))).reason).toBe('refused')
    const resolve = async () => [{ address: '169.254.169.254', family: 4 }]
    expect((await failure(fetchRemote(`${base}/to-metadata`, limits({ ...onlyThisServer, resolve })))).reason).toBe('refused')
  })

  it('stops a redirect loop', async () => {
    const before = hits.length
    expect((await failure(fetchRemote(`${base}/loop`, limits({ allowPrivate: true })))).reason).toBe('too_many_redirects')
    expect(hits.length - before).toBe(4)
  })

  it('stops a body over the size limit, declared or streamed', async () => {
    const declared = await failure(fetchRemote(`${base}/big`, limits({ allowPrivate: true, maxBytes: 1024 })))
    expect(declared.reason, declared.message).toBe('too_large')
    expect((await failure(fetchRemote(`${base}/big-chunked`, limits({ allowPrivate: true, maxBytes: 1024 })))).reason).toBe('too_large')
  })

  it('gives up after the time limit', async () => {
    const started = Date.now()
    expect((await failure(fetchRemote(`${base}/slow`, limits({ allowPrivate: true, timeoutMs: 200 })))).reason).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('reports a name that does not resolve', async () => {
    const resolve = async () => {
      throw new Error('ENOTFOUND')
    }
    expect((await failure(fetchRemote('http://nowhere.test/', limits({ resolve })))).reason).toBe('unresolvable')
  })

  it('returns non-2xx answers for the caller to judge', async () => {
    expect((await fetchRemote(`${base}/missing`, limits({ allowPrivate: true }))).status).toBe(404)
  })
})
