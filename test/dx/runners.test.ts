import { afterEach, describe, expect, it } from 'vitest'
import { controlClient, freshProjectId, projectPer } from '../../src/testing/control.js'
import { setupEmulator } from '../../src/testing/vitest-setup.js'
import jestSetup, { globalTeardown } from '../../src/testing/jest-setup.js'
import { useEmulator as jestEmulator } from '../../src/testing/jest.js'
import { isValidKey } from '../../src/domain/ids.js'

const signUp = (url: string, projectId: string, email: string) =>
  fetch(`${url}/account`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-appwrite-project': projectId },
    body: JSON.stringify({ userId: 'unique()', email, password: 'correct horse battery' }),
  })

const savedEnv = { ...process.env }
afterEach(() => {
  for (const key of ['APPWRITE_ENDPOINT', 'APPWRITE_EMULATOR_ORIGIN', 'APPWRITE_EMULATOR_CONTROL_TOKEN']) {
    if (savedEnv[key] === undefined) delete process.env[key]
    else process.env[key] = savedEnv[key]
  }
})

describe('appwrite-emulator/vitest/setup', () => {
  it('starts one emulator, provides its URL and control token, and the control client reaches it', async () => {
    const provided: Record<string, unknown> = {}
    const teardown = await setupEmulator({ logLevel: 'silent' })({ provide: (key, value) => void (provided[key] = value) })
    const info = provided.appwriteEmulator as { url: string; origin: string; controlToken: string }
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    expect(info.controlToken).toMatch(/^[0-9a-f]{48}$/)
    expect(process.env.APPWRITE_ENDPOINT).toBe(info.url)
    // The control API wants the token; the client sends it.
    expect((await fetch(`${info.origin}/_emulator/projects/p/messages`)).status).toBe(401)
    const emulator = controlClient(info)
    expect(await emulator.control('GET', '/_emulator/health')).toMatchObject({ status: 'pass' })
    const project = freshProjectId('runners')
    expect((await signUp(info.url, project, 'ada@example.com')).status).toBe(201)
    expect((await signUp(info.url, project, 'ada@example.com')).status).toBe(409)
    await emulator.reset(project)
    expect((await signUp(info.url, project, 'ada@example.com')).status).toBe(201)
    expect(await emulator.messages(project)).toEqual([])
    await expect(emulator.control('GET', '/_emulator/nothing-here')).rejects.toThrow(/GET \/_emulator\/nothing-here answered 404/)
    await teardown()
    await expect(fetch(`${info.origin}/_emulator/health`)).rejects.toThrow()
  })
})

describe('appwrite-emulator/jest', () => {
  it('globalSetup passes the emulator in the environment, the helpers read it, globalTeardown stops it', async () => {
    await jestSetup()
    const { APPWRITE_ENDPOINT, APPWRITE_EMULATOR_ORIGIN, APPWRITE_EMULATOR_CONTROL_TOKEN } = process.env
    expect(APPWRITE_ENDPOINT).toBe(`${APPWRITE_EMULATOR_ORIGIN}/v1`)
    expect(APPWRITE_EMULATOR_CONTROL_TOKEN).toHaveLength(48)
    const emulator = jestEmulator()
    expect(emulator.url).toBe(APPWRITE_ENDPOINT)
    expect(await emulator.control('GET', '/_emulator/health')).toMatchObject({ status: 'pass' })
    await globalTeardown()
    await expect(fetch(`${APPWRITE_EMULATOR_ORIGIN}/_emulator/health`)).rejects.toThrow()
  })
})

describe('fresh project IDs', () => {
  it('are valid Appwrite IDs, different each time, per test or once per file', () => {
    const ids = new Set(Array.from({ length: 50 }, () => freshProjectId('a very long prefix with spaces!')))
    expect(ids.size).toBe(50)
    for (const id of ids) expect(isValidKey(id)).toBe(true)
    const hooks: Record<'beforeAll' | 'beforeEach', (() => void)[]> = { beforeAll: [], beforeEach: [] }
    const fake = { beforeAll: (fn: () => void) => hooks.beforeAll.push(fn), beforeEach: (fn: () => void) => hooks.beforeEach.push(fn) }
    const perTest = projectPer(fake, 'test')
    const perFile = projectPer(fake, 'file')
    expect(() => perTest.id).toThrow(/read \.id inside a hook or test/)
    hooks.beforeAll.forEach((f) => f())
    hooks.beforeEach.forEach((f) => f())
    const [test1, file1] = [perTest.id, perFile.id]
    hooks.beforeEach.forEach((f) => f())
    expect(perTest.id).not.toBe(test1)
    expect(perFile.id).toBe(file1)
  })
})
