import { describe, expect, it } from 'vitest'
import { buildApp } from '../../app.js'
import { emptyTemplate } from '../../config/appwrite-json.js'
import { SqliteStore } from '../../store/sqlite/sqlite-store.js'
import { FakeClock } from '../../../test/harness/app.js'

async function appWith(options: { maxProjects?: number; projectTtlMs?: number }) {
  const clock = new FakeClock()
  const store = SqliteStore.open(':memory:')
  const app = await buildApp({ store, template: emptyTemplate(), clock, ...options })
  await app.server.ready()
  const locale = (project: string) => app.server.inject({ method: 'GET', url: '/v1/locale', headers: { 'x-appwrite-project': project } })
  return { app, clock, store, locale }
}

describe('bounded tenants', () => {
  it('refuses a new project past --max-projects with project_not_found, and serves the existing ones', async () => {
    const { app, locale } = await appWith({ maxProjects: 3 })
    for (const id of ['p1', 'p2', 'p3']) expect((await locale(id)).statusCode).toBe(200)
    const refused = await locale('p4')
    expect(refused.statusCode).toBe(404)
    expect(JSON.parse(refused.body)).toMatchObject({ type: 'project_not_found', code: 404, version: '1.5.11', message: expect.stringContaining('--max-projects') })
    expect((await locale('p2')).statusCode).toBe(200)
    // A reset project is still one project, not a new one.
    expect((await app.server.inject({ method: 'DELETE', url: '/_emulator/projects/p1' })).statusCode).toBe(204)
    expect((await locale('p4')).statusCode).toBe(404)
    await app.server.close()
  })

  it('drops projects idle past --project-ttl, with their data, and frees their place', async () => {
    const { app, clock, store, locale } = await appWith({ maxProjects: 2, projectTtlMs: 60_000 })
    const signUp = (project: string) =>
      app.server.inject({ method: 'POST', url: '/v1/account', headers: { 'x-appwrite-project': project, 'content-type': 'application/json' }, payload: { userId: 'u', email: 'u@example.test', password: 'password123' } })
    expect((await signUp('idle')).statusCode).toBe(201)
    expect((await locale('busy')).statusCode).toBe(200)
    clock.advance(45_000)
    expect((await locale('busy')).statusCode).toBe(200)
    clock.advance(30_000)
    expect(await app.services.projects.dropIdle()).toEqual(['idle'])
    expect((await store.projectIds()).sort()).toEqual(['busy'])
    expect(await store.users.count('idle')).toBe(0)
    expect((await locale('fresh')).statusCode).toBe(200)
    // The dropped project starts over when it is named again (within the bound).
    expect((await locale('idle')).statusCode).toBe(404)
    await app.server.close()
  })
})
