import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { AvatarsService } from './avatars-service.js'

let server: Server
let base: string
let png: Buffer
const ICO = Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0, 0, 0, 0, 22, 0, 0, 0])

beforeAll(async () => {
  png = await sharp({ create: { width: 300, height: 150, channels: 3, background: '#3366cc' } }).png().toBuffer()
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    const send = (status: number, type: string, body: string | Buffer) => res.writeHead(status, { 'content-type': type }).end(body)
    switch (path) {
      case '/photo.png':
        return send(200, 'image/png', png)
      case '/text.txt':
        return send(200, 'text/plain', 'not an image')
      case '/gone.png':
        return send(404, 'text/html', '<html>missing</html>')
      case '/empty.png':
        return send(200, 'image/png', '')
      case '/page-with-icons':
        return send(
          200,
          'text/html',
          `<html><head><link rel="icon" href="/small.png" sizes="16x16"><LINK REL="Shortcut Icon" HREF="/big.png" SIZES="64X64"><link rel="apple-touch-icon" href="/huge.png" sizes="512x512"></head></html>`,
        )
      case '/small.png':
        return send(200, 'image/png', png)
      case '/big.png':
        return send(200, 'image/png', png)
      case '/plain-page':
        return send(200, 'text/html', '<html><head><title>no icons</title></head></html>')
      case '/favicon.ico':
        return send(200, 'image/x-icon', ICO)
      case '/html-icon-page':
        return send(200, 'text/html', '<link rel="icon" href="/fake.ico">')
      case '/fake.ico':
        return send(200, 'text/html', '<html>soft 404</html>')
      case '/broken-icon-page':
        return send(200, 'text/html', '<link rel="icon" href="/text.png">')
      case '/text.png':
        return send(200, 'image/png', 'garbage')
      case '/empty-page':
        return send(200, 'text/html', '')
      default:
        return send(404, 'text/plain', 'no')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const clock = { now: () => Date.parse('2024-05-01T00:00:00Z') }
const service = () => new AvatarsService({ clock, allowPrivateUrls: true })

async function errorType(call: Promise<unknown>): Promise<string> {
  try {
    await call
  } catch (error) {
    if (error instanceof AppwriteException) return `${error.type}${error.message === 'Favicon not found' ? ' (Favicon not found)' : ''}`
    throw error
  }
  throw new Error('expected an AppwriteException')
}

describe('AvatarsService.image', () => {
  it('fetches, crops to cover and answers PNG; the second call is a cache hit', async () => {
    const avatars = service()
    const first = await avatars.image('p', `${base}/photo.png`, 100, 80)
    expect(first).toMatchObject({ contentType: 'image/png', cache: 'miss' })
    expect(await sharp(first.data).metadata()).toMatchObject({ format: 'png', width: 100, height: 80 })
    expect((await avatars.image('p', `${base}/photo.png`, 100, 80)).cache).toBe('hit')
    expect((await avatars.image('other-project', `${base}/photo.png`, 100, 80)).cache).toBe('miss')
  })

  it('keeps the aspect ratio for a zero side', async () => {
    const { data } = await service().image('p', `${base}/photo.png`, 0, 50)
    expect(await sharp(data).metadata()).toMatchObject({ width: 100, height: 50 })
  })

  it('answers avatar_image_not_found for an error status, an empty body or a body that is not an image', async () => {
    expect(await errorType(service().image('p', `${base}/gone.png`, 10, 10))).toBe('avatar_image_not_found')
    expect(await errorType(service().image('p', `${base}/empty.png`, 10, 10))).toBe('avatar_image_not_found')
    expect(await errorType(service().image('p', `${base}/text.txt`, 10, 10))).toBe('avatar_image_not_found')
  })

  it('answers avatar_remote_url_failed when the fetch fails or is refused', async () => {
    const closedPort = `http://127.0.0.1:9/a.png`
    expect(await errorType(service().image('p', closedPort, 10, 10))).toBe('avatar_remote_url_failed')
    expect(await errorType(new AvatarsService({ clock, allowPrivateUrls: false }).image('p', `${base}/photo.png`, 10, 10))).toBe('avatar_remote_url_failed')
  })
})

describe('AvatarsService.favicon', () => {
  it('takes the largest rel=icon / shortcut icon (not apple-touch-icon) as a 56×56 PNG', async () => {
    const icon = await service().favicon('p', `${base}/page-with-icons`)
    expect(icon).toMatchObject({ contentType: 'image/png', cache: 'miss' })
    expect(await sharp(icon.data).metadata()).toMatchObject({ format: 'png', width: 56, height: 56 })
  })

  it('falls back to /favicon.ico and returns it as is', async () => {
    const icon = await service().favicon('p', `${base}/plain-page`)
    expect(icon.contentType).toBe('image/x-icon')
    expect(icon.data.equals(ICO)).toBe(true)
  })

  it('treats an HTML page served as .ico as not found', async () => {
    expect(await errorType(service().favicon('p', `${base}/html-icon-page`))).toBe('avatar_icon_not_found (Favicon not found)')
  })

  it('answers avatar_icon_not_found for an icon that does not decode', async () => {
    expect(await errorType(service().favicon('p', `${base}/broken-icon-page`))).toBe('avatar_icon_not_found')
  })

  it('answers avatar_remote_url_failed for an empty page or a failed fetch', async () => {
    expect(await errorType(service().favicon('p', `${base}/empty-page`))).toBe('avatar_remote_url_failed')
    expect(await errorType(service().favicon('p', 'http://127.0.0.1:9/'))).toBe('avatar_remote_url_failed')
  })
})

describe('initials and QR codes rendered once per params', () => {
  it('the same params answer the same bytes, still without a cache label; other params render anew', async () => {
    const avatars = new AvatarsService({ clock: { now: () => 0 }, allowPrivateUrls: false })
    const guest = { user: null } as never
    const a = await avatars.initials(guest, { name: 'Ada Lovelace', width: 64, height: 64, background: '' })
    const b = await avatars.initials(guest, { name: 'Ada Lovelace', width: 64, height: 64, background: '' })
    expect(b.cache).toBeNull()
    expect(b.data.equals(a.data)).toBe(true)
    const other = await avatars.initials(guest, { name: 'Grace Hopper', width: 64, height: 64, background: '' })
    expect(other.data.equals(a.data)).toBe(false)
    const q1 = await avatars.qr({ text: 'https://example.test', size: 64, margin: 1 })
    const q2 = await avatars.qr({ text: 'https://example.test', size: 64, margin: 1 })
    expect(q2.cache).toBeNull()
    expect(q2.data.equals(q1.data)).toBe(true)
    expect((await avatars.qr({ text: 'https://example.test', size: 65, margin: 1 })).data.equals(q1.data)).toBe(false)
  })
})
