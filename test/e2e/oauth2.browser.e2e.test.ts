import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { chromiumStatus, launchChromium, type BrowserProfile } from '../harness/browser.js'

/**
 * OAuth2 in a real browser: a small app page on its own origin loads the official web SDK's browser build, calls
 * `account.createOAuth2Session` / `createOAuth2Token`, and a person (Playwright) fills in the emulator's stand-in
 * sign-in page. The app and the emulator are on 127.0.0.1 with different ports: cross-origin but same-site, as an
 * app on localhost with a local Appwrite is.
 */

const status = chromiumStatus()
const sdkSource = readFileSync(join(dirname(createRequire(import.meta.url).resolve('appwrite/package.json')), 'dist', 'iife', 'sdk.js'), 'utf8')

let emulator: RunningEmulator
let appServer: Server
let appOrigin: string

/** The app page for one project: two buttons that start the flows, and `window.account` for the test. */
function appPage(project: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test app</title><script src="/sdk.js"></script></head>
<body>
<h1>Test app</h1>
<button id="session">Sign in with GitHub</button>
<button id="token">Get a GitHub token</button>
<script>
  const client = new Appwrite.Client().setEndpoint(${JSON.stringify(emulator.url)}).setProject(${JSON.stringify(project)});
  window.account = new Appwrite.Account(client);
  const here = location.origin + location.pathname;
  document.getElementById('session').onclick = () => account.createOAuth2Session('github', here + '?landed=success', here + '?landed=failure', ['read:user']);
  document.getElementById('token').onclick = () => account.createOAuth2Token('github', here + '?landed=token', here + '?landed=failure');
</script>
</body></html>`
}

beforeAll(async () => {
  if (!status.run) return
  emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent' })
  appServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname
    const project = /^\/app\/([A-Za-z0-9]+)\/$/.exec(path)?.[1]
    if (path === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(sdkSource)
    else if (project) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(appPage(project))
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve))
  const address = appServer.address()
  appOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterAll(async () => {
  await new Promise((resolve) => appServer?.close(resolve))
  await emulator?.stop()
})

/** Opens the app, presses one of its buttons and waits for the emulator's sign-in page. */
async function openSignIn(page: Page, project: string, button: 'Sign in with GitHub' | 'Get a GitHub token') {
  await page.goto(`${appOrigin}/app/${project}/`)
  await page.getByRole('button', { name: button }).click()
  await page.waitForURL(`${emulator.origin}/_emulator/oauth2/github/authorize?state=*`)
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in with GitHub')
  expect(await page.locator('.note').textContent()).toContain('Appwrite emulator standing in for GitHub')
}

/** Fills the sign-in page as a person would and presses Continue. */
async function signIn(page: Page, email: string, name: string) {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Continue' }).click()
}

describe.skipIf(!status.run)('OAuth2 in headless Chromium through the web SDK', () => {
  const project = 'OAuthBrowser'
  let browser: BrowserProfile
  let octoId: string

  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('session flow: the sign-in page, then the app is signed in by cookie', async () => {
    const page = await browser.context.newPage()
    await openSignIn(page, project, 'Sign in with GitHub')
    expect(await page.getByText('read:user').count()).toBe(1)
    await signIn(page, 'octo@example.test', 'Octo Cat')
    await page.waitForURL(`${appOrigin}/app/${project}/?landed=success`)

    const account = await page.evaluate(() => (window as any).account.get())
    expect(account).toMatchObject({ email: 'octo@example.test', name: 'Octo Cat', emailVerification: true })
    octoId = account.$id
    const session = await page.evaluate(() => (window as any).account.getSession('current'))
    expect(session).toMatchObject({ provider: 'github', factors: ['email', 'oauth2'], current: true })
    const identities = await page.evaluate(() => (window as any).account.listIdentities())
    expect(identities).toMatchObject({ total: 1, identities: [{ provider: 'github', providerEmail: 'octo@example.test', userId: octoId }] })
    const names = (await browser.context.cookies(emulator.origin)).map((c) => c.name)
    expect(names, 'the session cookie reached the browser').toContain(`a_session_${project.toLowerCase()}_legacy`)
    await page.close()
  })

  it('cancel: back at failure with the error, still a guest', async () => {
    await browser.context.clearCookies()
    const page = await browser.context.newPage()
    await openSignIn(page, project, 'Sign in with GitHub')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.waitForURL(`${appOrigin}/app/${project}/?landed=failure&error=*`)
    const error = await page.evaluate(() => JSON.parse(new URLSearchParams(location.search).get('error')!))
    expect(error).toMatchObject({ type: 'user_oauth2_provider_error', code: 424 })
    const guest = await page.evaluate(() => (window as any).account.get().then(() => 'signed in', (e: { code: number }) => e.code))
    expect(guest).toBe(401)
    await page.close()
  })

  it('token flow in a fresh browser: the same email is the same user, and the token becomes a session', async () => {
    const fresh = await launchChromium()
    try {
      const page = await fresh.context.newPage()
      await openSignIn(page, project, 'Get a GitHub token')
      expect(await page.getByText('a one-time token').count()).toBe(1)
      await signIn(page, 'OCTO@example.test', 'Someone Else')
      await page.waitForURL(`${appOrigin}/app/${project}/?landed=token&secret=*`)
      const query = await page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)))
      expect(query.userId).toBe(octoId)
      expect(query.secret).toMatch(/^[0-9a-f]{64}$/)
      expect((await fresh.context.cookies(emulator.origin)).length, 'the token flow sets no cookie').toBe(0)

      const session = await page.evaluate(({ userId, secret }) => (window as any).account.createSession(userId, secret), query)
      expect(session).toMatchObject({ userId: octoId, provider: 'oauth2', factors: ['email'] })
      const account = await page.evaluate(() => (window as any).account.get())
      expect(account).toMatchObject({ $id: octoId, name: 'Octo Cat' })
    } finally {
      await fresh.close()
    }
  })

  it('an anonymous visitor who signs in with GitHub keeps the same $id, now with an email (BEHAVIORS §12)', async () => {
    const fresh = await launchChromium()
    try {
      const page = await fresh.context.newPage()
      // Same-site, as an app on localhost with a local emulator is: the browser carries the anonymous session's cookie
      // on the navigation to the sign-in. (Cross-site, the session lives only in the SDK's localStorage fallback,
      // which a navigation cannot carry, on Appwrite as here.)
      await page.goto(`${appOrigin}/app/${project}/`)
      const anonymous = await page.evaluate(() => (window as any).account.createAnonymousSession())
      expect(anonymous).toMatchObject({ provider: 'anonymous' })
      await page.getByRole('button', { name: 'Sign in with GitHub' }).click()
      await page.waitForURL(`${emulator.origin}/_emulator/oauth2/github/authorize?state=*`)
      expect(await page.locator('body').textContent(), 'the page says whom the identity joins').toContain('signed in to the app as an anonymous account')
      await signIn(page, 'visitor@example.test', 'Visitor')
      await page.waitForURL(`${appOrigin}/app/${project}/?landed=success`)
      const account = await page.evaluate(() => (window as any).account.get())
      expect(account).toMatchObject({ $id: anonymous.userId, email: 'visitor@example.test', name: 'Visitor' })
      const sessions = await page.evaluate(() => (window as any).account.listSessions())
      expect(sessions.sessions.map((s: { provider: string }) => s.provider), 'the anonymous session was replaced').toEqual(['github'])
    } finally {
      await fresh.close()
    }
  })
})
