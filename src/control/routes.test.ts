import { describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/harness/app.js'

describe('control API', () => {
  it('refuses clients that are not on loopback', async () => {
    const app = await createTestApp()
    const res = await app.server.inject({ method: 'GET', url: '/_emulator/projects/p/messages', remoteAddress: '10.1.2.3' })
    expect(res.statusCode).toBe(401)
    expect(JSON.parse(res.body).type).toBe('general_access_forbidden')
    const ok = await app.server.inject({ method: 'GET', url: '/_emulator/health', remoteAddress: '::1' })
    expect(ok.statusCode).toBe(200)
    await app.close()
  })

  it('rejects project IDs that cannot exist', async () => {
    const app = await createTestApp()
    const res = await app.request({ method: 'DELETE', url: '/_emulator/projects/_bad' })
    expect([res.status, res.body.type]).toEqual([404, 'project_not_found'])
    await app.close()
  })

  it('reset wipes one project only', async () => {
    const app = await createTestApp()
    const create = (project: string) => app.request({ method: 'POST', url: '/v1/account', project, body: { userId: 'u', email: 'u@example.test', password: 'password123' } })
    await create('a')
    await create('b')
    expect((await app.request({ method: 'DELETE', url: '/_emulator/projects/a' })).status).toBe(204)
    expect((await create('a')).status).toBe(201)
    expect((await create('b')).status).toBe(409)
    await app.close()
  })
})
