import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { resolveOptions } from '../../src/config/options.js'
import { sdkUser, type SdkUser } from '../harness/sdk.js'

/**
 * Issue 7's avatars through the official web SDK: the SDK builds each URL, the bytes are fetched as a browser
 * would and decoded to check the real format and size; QR codes are scanned back; remote images come from a
 * local server that the URL guard refuses by default and allows with `--allow-private-urls`.
 */

const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default

let guarded: RunningEmulator
let open: RunningEmulator
let site: Server
let siteUrl = ''
const PROJECT = 'avatars-e2e'

beforeAll(async () => {
  ;[guarded, open] = await Promise.all([
    startEmulator({ port: 0, inMemory: true, logLevel: 'silent' }),
    startEmulator({ port: 0, inMemory: true, logLevel: 'silent', allowPrivateUrls: true }),
  ])
  const photo = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#2a9d8f' } }).jpeg().toBuffer()
  site = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    if (path === '/photo.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo)
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><link rel="icon" type="image/png" href="/icon.png" sizes="32x32"></head></html>')
    if (path === '/icon.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(photo)
    if (path === '/forever') return res.writeHead(302, { location: '/forever' }).end()
    if (path === '/page.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end('no image here')
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
})
afterAll(async () => {
  site?.closeAllConnections()
  site?.close()
  await Promise.all([guarded?.stop(), open?.stop()])
})

const users: SdkUser[] = []
afterAll(() => users.forEach((u) => u.close()))
function browser(emulator: RunningEmulator) {
  const user = sdkUser(emulator, PROJECT, { name: 'guest' })
  users.push(user)
  return user
}

/** Fetches what an SDK URL points at and decodes it. */
async function load(url: URL) {
  const res = await fetch(url)
  const data = Buffer.from(await res.arrayBuffer())
  const json = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(data.toString()) : undefined
  return { res, data, json, meta: json ? undefined : await sharp(data).metadata() }
}

describe('icons through the SDK', () => {
  it('every browser code is a PNG of the asked size', async () => {
    const { sdk, client } = browser(guarded)
    const avatars = new sdk.Avatars(client)
    const codes = Object.values(sdk.Browser)
    expect(codes).toHaveLength(14)
    for (const code of codes) {
      const { res, meta } = await load(avatars.getBrowser(code, 64, 48, 90))
      expect(res.status, code).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
      expect(meta, code).toMatchObject({ format: 'png', width: 64, height: 48 })
    }
  })

  it('every credit card code is a PNG, and the second request is a cache hit', async () => {
    const { sdk, client } = browser(guarded)
    const avatars = new sdk.Avatars(client)
    const codes = Object.values(sdk.CreditCard)
    expect(codes).toHaveLength(16)
    for (const code of codes) {
      if (code === 'censosud') {
        // SDK 14.0.1 keeps an old misspelling; the 1.5 server's WhiteList has `cencosud`, so Appwrite refuses it too.
        expect((await load(avatars.getCreditCard(code))).json).toMatchObject({ code: 400, type: 'general_argument_invalid' })
        continue
      }
      const { res, meta } = await load(avatars.getCreditCard(code))
      expect(res.headers.get('x-appwrite-cache'), code).toBe('miss')
      expect(meta, code).toMatchObject({ format: 'png', width: 100, height: 100 })
    }
    const cencosud = new URL(avatars.getCreditCard(sdk.CreditCard.Visa).toString().replace('/visa?', '/cencosud?'))
    expect((await load(cencosud)).meta).toMatchObject({ format: 'png', width: 100, height: 100 })
    const again = await load(avatars.getCreditCard(sdk.CreditCard.Visa))
    expect(again.res.headers.get('x-appwrite-cache')).toBe('hit')
    expect(again.res.headers.get('expires')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
  })

  it('every flag code is a PNG; a zero height follows the flag shape', async () => {
    const { sdk, client } = browser(guarded)
    const avatars = new sdk.Avatars(client)
    // SDK 14.0.1's Flag enum predates French Polynesia (`pf`), which the 1.5 spec lists: 194 + 1.
    const codes = [...Object.values(sdk.Flag), 'pf' as (typeof sdk.Flag)[keyof typeof sdk.Flag]]
    expect(new Set(codes).size).toBe(195)
    for (const code of codes) {
      const { res, meta } = await load(avatars.getFlag(code, 40, 0))
      expect(res.status, code).toBe(200)
      expect(meta, code).toMatchObject({ format: 'png', width: 40, height: 30 })
    }
  })

  it('an out-of-range size comes back as an AppwriteException-shaped error', async () => {
    const { sdk, client } = browser(guarded)
    const { res, json } = await load(new sdk.Avatars(client).getFlag(sdk.Flag.Germany, 2001))
    expect(res.status).toBe(400)
    expect(json).toMatchObject({ type: 'general_argument_invalid', code: 400, version: '1.5.11' })
  })
})

describe('initials and QR codes through the SDK', () => {
  it('draws initials at the asked size with transparent letters', async () => {
    const { sdk, client } = browser(guarded)
    const { res, data, meta } = await load(new sdk.Avatars(client).getInitials('Ada Lovelace', 240, 120))
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(meta).toMatchObject({ format: 'png', width: 240, height: 120, hasAlpha: true })
    const stats = await sharp(data).stats()
    expect(stats.channels[3]!.min).toBe(0)
    expect(stats.channels[3]!.max).toBe(255)
  })

  it("uses the signed-in user's name when no name is given", async () => {
    const user = browser(guarded)
    await user.account.create(user.sdk.ID.unique(), 'grace@example.test', 'grace-password-1', 'Grace Hopper')
    await user.account.createEmailPasswordSession('grace@example.test', 'grace-password-1')
    const url = new user.sdk.Avatars(user.client).getInitials(undefined, 50, 50)
    // A browser sends the session cookie with the image request.
    const res = await fetch(url, { headers: { cookie: user.cookies.header(url) } })
    const { data, info } = await sharp(Buffer.from(await res.arrayBuffer())).raw().toBuffer({ resolveWithObject: true })
    // G (71) + H (72) = 143: digit 3, blue #68A3FE.
    expect([...data.subarray(0, 3)]).toEqual([0x68, 0xa3, 0xfe])
    expect(info.width).toBe(50)
  })

  it('a QR code scans back to its text; download makes it an attachment', async () => {
    const { sdk, client } = browser(guarded)
    const text = 'appwrite://emulator?q=übung&n=42'
    const { res, data, meta } = await load(new sdk.Avatars(client).getQR(text, 320, 2, true))
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="qr.png"')
    expect(meta).toMatchObject({ format: 'png', width: 320, height: 320 })
    const raw = await sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
    expect(jsQR(new Uint8ClampedArray(raw.data), raw.info.width, raw.info.height)?.data).toBe(text)
  })
})

describe('remote images and the URL guard', () => {
  it('refuses a 127.0.0.1 image by default', async () => {
    const { sdk, client } = browser(guarded)
    const { res, json } = await load(new sdk.Avatars(client).getImage(`${siteUrl}/photo.jpg`))
    expect(res.status).toBe(404)
    expect(json).toMatchObject({ type: 'avatar_remote_url_failed' })
  })

  it('refuses a 127.0.0.1 favicon by default', async () => {
    const { sdk, client } = browser(guarded)
    const { res, json } = await load(new sdk.Avatars(client).getFavicon(siteUrl))
    expect(res.status).toBe(404)
    expect(json).toMatchObject({ type: 'avatar_remote_url_failed' })
  })

  it('fetches and crops it with --allow-private-urls (default 400×400)', async () => {
    const { sdk, client } = browser(open)
    const avatars = new sdk.Avatars(client)
    expect((await load(avatars.getImage(`${siteUrl}/photo.jpg`))).meta).toMatchObject({ format: 'png', width: 400, height: 400 })
    const wide = await load(avatars.getImage(`${siteUrl}/photo.jpg`, 320, 0))
    expect(wide.meta).toMatchObject({ width: 320, height: 180 })
    expect(wide.res.headers.get('x-appwrite-cache')).toBe('miss')
    expect((await load(avatars.getImage(`${siteUrl}/photo.jpg`, 320, 0))).res.headers.get('x-appwrite-cache')).toBe('hit')
  })

  it('finds a favicon from the page as a 56×56 PNG with --allow-private-urls', async () => {
    const { sdk, client } = browser(open)
    const { res, meta } = await load(new sdk.Avatars(client).getFavicon(siteUrl))
    expect(res.status).toBe(200)
    expect(meta).toMatchObject({ format: 'png', width: 56, height: 56 })
  })

  it('answers Appwrite errors for endless redirects, missing images and non-images', async () => {
    const { sdk, client } = browser(open)
    const avatars = new sdk.Avatars(client)
    expect((await load(avatars.getImage(`${siteUrl}/forever`))).json).toMatchObject({ code: 404, type: 'avatar_remote_url_failed' })
    expect((await load(avatars.getImage(`${siteUrl}/missing.png`))).json).toMatchObject({ code: 404, type: 'avatar_image_not_found' })
    expect((await load(avatars.getImage(`${siteUrl}/page.txt`))).json).toMatchObject({ code: 404, type: 'avatar_image_not_found' })
  })
})

describe('--allow-private-urls', () => {
  it('is off by default and read from APPWRITE_EMULATOR_ALLOW_PRIVATE_URLS', () => {
    expect(resolveOptions({}, {}).allowPrivateUrls).toBe(false)
    expect(resolveOptions({}, { APPWRITE_EMULATOR_ALLOW_PRIVATE_URLS: 'true' }).allowPrivateUrls).toBe(true)
    expect(resolveOptions({ allowPrivateUrls: false }, { APPWRITE_EMULATOR_ALLOW_PRIVATE_URLS: 'true' }).allowPrivateUrls).toBe(false)
  })
})
