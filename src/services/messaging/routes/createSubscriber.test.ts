import { expect } from 'vitest'
import { PROJECT, USERS } from '../../../../test/harness/app.js'
import { controlTopic, emailTarget, messagingScenarios, NOW, pushTarget, subscribe, TOPICS, totals } from '../testing/scenarios.js'

const url = (topicId: string) => `${TOPICS}/${topicId}/subscribers`

messagingScenarios('messaging.createSubscriber', [
  {
    name: 'guest is refused',
    request: { method: 'POST', url: url('news'), body: { subscriberId: 'unique()', targetId: 'whatever' } },
    expect: { status: 401, type: 'general_unauthorized_scope', message: 'User (role: guests) missing scope (subscribers.write)' },
  },
  {
    name: 'subscriberId is required',
    as: 'alice',
    request: { method: 'POST', url: url('news'), body: { targetId: 'whatever' } },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "subscriberId" is not optional.' },
  },
  {
    name: 'a bad subscriberId is reported before a bad topicId, as Appwrite declares them',
    as: 'alice',
    request: { method: 'POST', url: url('_bad'), body: { subscriberId: '_x', targetId: 'whatever' } },
    expect: { status: 400, message: /^Invalid `subscriberId` param: Parameter must contain at most 36 chars/ },
  },
  {
    name: 'a bad topicId',
    as: 'alice',
    request: { method: 'POST', url: url('_bad'), body: { subscriberId: 'unique()', targetId: 'whatever' } },
    expect: { status: 400, message: /^Invalid `topicId` param: UID must contain at most 36 chars/ },
  },
  {
    name: 'targetId is required',
    as: 'alice',
    request: { method: 'POST', url: url('news'), body: { subscriberId: 'unique()' } },
    expect: { status: 400, message: 'Param "targetId" is not optional.' },
  },
  {
    name: 'an unknown topic, checked before the target',
    as: 'alice',
    request: { method: 'POST', url: url('nope'), body: { subscriberId: 'unique()', targetId: 'nope' } },
    expect: { status: 404, type: 'topic_not_found', message: 'Topic with the request ID could not be found.' },
  },
  {
    name: "a caller none of whose roles is in the topic's subscribe list, checked before the target",
    as: 'alice',
    request: { method: 'POST', url: url('crew-news'), body: { subscriberId: 'unique()', targetId: 'nope' } },
    expect: {
      status: 401,
      type: 'user_unauthorized',
      message: 'Missing "subscribe" permission for role "team:crew". Only "["any","users","user:alice","users\\/unverified","user:alice\\/unverified"]" scopes are allowed and "["team:crew"]" was given.',
    },
  },
  {
    name: "another user's topic",
    as: 'bob',
    request: { method: 'POST', url: url('alice-only'), body: { subscriberId: 'unique()', targetId: 'nope' } },
    expect: { status: 401, type: 'user_unauthorized', message: /^Missing "subscribe" permission for role "user:alice"/ },
  },
  {
    name: 'a topic nobody may subscribe to',
    as: 'alice',
    request: { method: 'POST', url: url('closed'), body: { subscriberId: 'unique()', targetId: 'nope' } },
    expect: { status: 401, type: 'user_unauthorized', message: "No permissions provided for action 'subscribe'" },
  },
  {
    name: 'an unknown target',
    as: 'alice',
    request: { method: 'POST', url: url('news'), body: { subscriberId: 'unique()', targetId: 'nope' } },
    expect: { status: 404, type: 'user_target_not_found', message: 'The target could not be found.' },
    async after(_res, app) {
      expect(await totals(app, 'news')).toEqual([0, 0, 0])
    },
  },
  {
    name: 'the same target twice on a topic',
    as: 'alice',
    async before(app, ctx) {
      ctx.target = await emailTarget(app, ctx.cookie!)
      await subscribe(app, ctx.cookie!, 'news', ctx.target as string, 'first')
    },
    request: (ctx) => ({ method: 'POST', url: url('news'), body: { subscriberId: 'second', targetId: ctx.target } }),
    expect: { status: 409, type: 'subscriber_already_exists' },
    async after(_res, app) {
      const topic = await controlTopic(app, 'news')
      expect(topic.subscribers.map((s) => s.$id), 'the first one stays, alone').toEqual(['first'])
      expect(topic.emailTotal, 'counted once').toBe(1)
    },
  },
  {
    name: 'a subscriber ID already taken on another topic',
    as: 'alice',
    async before(app, ctx) {
      ctx.target = await emailTarget(app, ctx.cookie!)
      await subscribe(app, ctx.cookie!, 'news', ctx.target as string, 'mine')
    },
    request: (ctx) => ({ method: 'POST', url: url('alice-only'), body: { subscriberId: 'mine', targetId: ctx.target } }),
    expect: { status: 409, type: 'subscriber_already_exists' },
    async after(_res, app) {
      expect(await totals(app, 'alice-only')).toEqual([0, 0, 0])
    },
  },
  {
    name: "subscribes the caller's email target and counts it",
    as: 'alice',
    async before(app, ctx) {
      ctx.target = await emailTarget(app, ctx.cookie!)
    },
    request: (ctx) => ({ method: 'POST', url: url('news'), body: { subscriberId: 'sub1', targetId: ctx.target } }),
    expect: { status: 201 },
    events: { 'topics.news.subscribers.sub1.create': 1, 'topics.*.subscribers.*.delete': 0 },
    async after(res, app, ctx) {
      expect(res.body).toEqual({
        $id: 'sub1',
        $createdAt: NOW,
        $updatedAt: NOW,
        targetId: ctx.target,
        target: {
          $id: ctx.target,
          $createdAt: NOW,
          $updatedAt: NOW,
          name: '',
          userId: 'alice',
          providerId: null,
          providerType: 'email',
          identifier: USERS.alice.email,
        },
        userId: 'alice',
        userName: 'Alice',
        topicId: 'news',
        providerType: 'email',
      })
      expect(await totals(app, 'news')).toEqual([1, 0, 0])
      expect((await app.store.subscribers.get(PROJECT, 'sub1'))?.permissions).toEqual(['read("user:alice")', 'delete("user:alice")'])
      const logs = await app.request({ method: 'GET', url: '/v1/account/logs', cookie: ctx.cookie })
      expect(logs.body.logs[0], 'the audit Appwrite writes for it').toMatchObject({ event: 'subscriber.create', userId: 'alice' })
    },
  },
  {
    name: 'a push target counts as push, with a unique() ID',
    as: 'alice',
    before: async (app, ctx) => void (await pushTarget(app, ctx.cookie!, 'phone1', 'device-token')),
    request: { method: 'POST', url: url('alice-only'), body: { subscriberId: 'unique()', targetId: 'phone1' } },
    expect: { status: 201, body: { targetId: 'phone1', providerType: 'push', topicId: 'alice-only', target: { $id: 'phone1', providerType: 'push', identifier: 'device-token' } } },
    async after(res, app) {
      expect(res.body.$id).toMatch(/^[0-9a-f]{20}$/)
      expect(await totals(app, 'alice-only')).toEqual([0, 0, 1])
    },
  },
  {
    name: 'an SMS target counts as sms',
    as: 'alice',
    async before(app, ctx) {
      const res = await app.request({ method: 'PATCH', url: '/v1/account/phone', cookie: ctx.cookie, body: { phone: '+15555550100', password: USERS.alice.password } })
      if (res.status !== 200) throw new Error(res.text)
      ctx.target = res.body.targets.find((t: { providerType: string }) => t.providerType === 'sms').$id
    },
    request: (ctx) => ({ method: 'POST', url: url('news'), body: { subscriberId: 'unique()', targetId: ctx.target } }),
    expect: { status: 201, body: { providerType: 'sms', target: { identifier: '+15555550100' } } },
    async after(_res, app) {
      expect(await totals(app, 'news')).toEqual([0, 1, 0])
    },
  },
  {
    name: "another user's target may be subscribed: the subscriber is the target owner's",
    as: 'bob',
    async before(app, ctx) {
      ctx.target = await emailTarget(app, await app.signIn(USERS.alice))
    },
    request: (ctx) => ({ method: 'POST', url: url('news'), body: { subscriberId: 'unique()', targetId: ctx.target } }),
    expect: { status: 201, body: { userId: 'alice', userName: 'Alice', target: { userId: 'alice' } } },
    async after(res, app) {
      expect((await app.store.subscribers.get(PROJECT, res.body.$id))?.permissions).toEqual(['read("user:alice")', 'delete("user:alice")'])
      expect(await totals(app, 'news')).toEqual([1, 0, 0])
    },
  },
  {
    name: 'a team member may subscribe to a topic for the team',
    as: 'alice',
    async before(app, ctx) {
      const team = await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.cookie, body: { teamId: 'crew', name: 'Crew' } })
      if (team.status !== 201) throw new Error(team.text)
      ctx.target = await emailTarget(app, ctx.cookie!)
    },
    request: (ctx) => ({ method: 'POST', url: url('crew-news'), body: { subscriberId: 'unique()', targetId: ctx.target } }),
    expect: { status: 201, body: { topicId: 'crew-news', userId: 'alice' } },
  },
  {
    name: 'one target on several topics, several targets on one topic',
    as: 'alice',
    async before(app, ctx) {
      ctx.email = await emailTarget(app, ctx.cookie!)
      await pushTarget(app, ctx.cookie!, 'phone1')
      await pushTarget(app, ctx.cookie!, 'phone2')
      await subscribe(app, ctx.cookie!, 'alice-only', ctx.email as string)
      await subscribe(app, ctx.cookie!, 'news', 'phone1')
      await subscribe(app, ctx.cookie!, 'news', 'phone2')
    },
    request: (ctx) => ({ method: 'POST', url: url('news'), body: { subscriberId: 'unique()', targetId: ctx.email } }),
    expect: { status: 201 },
    async after(_res, app) {
      expect(await totals(app, 'news')).toEqual([1, 0, 2])
      expect(await totals(app, 'alice-only')).toEqual([1, 0, 0])
    },
  },
])
