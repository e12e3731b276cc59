import { describe, expect, it } from 'vitest'
import { createTestApp, PROJECT, USERS } from '../../../test/harness/app.js'
import { emailTarget, subscribe } from './testing/scenarios.js'
import { messagingTemplate } from './testing/fixture.js'

describe('topics from appwrite.json', () => {
  it('exist in every project, with their counters at 0, and come back clean after a reset', async () => {
    const app = await createTestApp({ template: messagingTemplate() })
    try {
      for (const project of [PROJECT, 'other-project']) {
        const res = await app.request({ method: 'GET', url: `/_emulator/projects/${project}/topics`, project: null })
        expect(res.status).toBe(200)
        expect(res.body.total).toBe(4)
        expect(res.body.topics[0]).toEqual({
          $id: 'news',
          $createdAt: '2024-05-01T10:20:30.123+00:00',
          $updatedAt: '2024-05-01T10:20:30.123+00:00',
          name: 'News',
          emailTotal: 0,
          smsTotal: 0,
          pushTotal: 0,
          subscribe: ['users'],
          subscribers: [],
        })
        expect(res.body.topics.map((t: { $id: string }) => t.$id)).toEqual(['news', 'crew-news', 'alice-only', 'closed'])
      }
      const alice = await app.signIn(USERS.alice)
      const target = await emailTarget(app, alice)
      await subscribe(app, alice, 'news', target, 'sub1')
      const listed = await app.request({ method: 'GET', url: `/_emulator/projects/${PROJECT}/topics`, project: null })
      expect(listed.body.topics[0]).toMatchObject({ emailTotal: 1, subscribers: [{ $id: 'sub1', targetId: target, userId: 'alice', topicId: 'news', providerType: 'email' }] })
      expect((await app.request({ method: 'DELETE', url: `/_emulator/projects/${PROJECT}`, project: null })).status).toBe(204)
      const reset = await app.request({ method: 'GET', url: `/_emulator/projects/${PROJECT}/topics`, project: null })
      expect(reset.body.topics[0]).toMatchObject({ $id: 'news', emailTotal: 0, subscribers: [] })
      expect(await app.store.subscribers.list(PROJECT)).toEqual([])
    } finally {
      await app.close()
    }
  })

  it('the control route answers loopback clients only and refuses impossible project IDs', async () => {
    const app = await createTestApp({ template: messagingTemplate() })
    try {
      const remote = await app.server.inject({ method: 'GET', url: `/_emulator/projects/${PROJECT}/topics`, remoteAddress: '10.1.2.3' })
      expect([remote.statusCode, JSON.parse(remote.body).type]).toEqual([401, 'general_access_forbidden'])
      const bad = await app.request({ method: 'GET', url: '/_emulator/projects/_bad/topics', project: null })
      expect([bad.status, bad.body.type]).toEqual([404, 'project_not_found'])
    } finally {
      await app.close()
    }
  })

  it('a project without topics lists none', async () => {
    const app = await createTestApp()
    try {
      const res = await app.request({ method: 'GET', url: `/_emulator/projects/${PROJECT}/topics`, project: null })
      expect(res.body).toEqual({ total: 0, topics: [] })
    } finally {
      await app.close()
    }
  })
})
