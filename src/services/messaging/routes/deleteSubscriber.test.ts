import { expect } from 'vitest'
import { PROJECT, USERS } from '../../../../test/harness/app.js'
import { controlTopic, emailTarget, messagingScenarios, pushTarget, subscribe, TOPICS, totals } from '../testing/scenarios.js'

const url = (topicId: string, subscriberId: string) => `${TOPICS}/${topicId}/subscribers/${subscriberId}`

messagingScenarios('messaging.deleteSubscriber', [
  {
    name: 'guest is refused',
    request: { method: 'DELETE', url: url('news', 'sub1') },
    expect: { status: 401, type: 'general_unauthorized_scope', message: 'User (role: guests) missing scope (subscribers.write)' },
  },
  {
    name: 'a bad subscriberId',
    as: 'alice',
    request: { method: 'DELETE', url: url('news', '_bad') },
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `subscriberId` param: UID must contain/ },
  },
  {
    name: 'an unknown topic',
    as: 'alice',
    async before(app, ctx) {
      await subscribe(app, ctx.cookie!, 'news', await emailTarget(app, ctx.cookie!), 'sub1')
    },
    request: { method: 'DELETE', url: url('nope', 'sub1') },
    expect: { status: 404, type: 'topic_not_found' },
  },
  {
    name: 'an unknown subscriber',
    as: 'alice',
    request: { method: 'DELETE', url: url('news', 'nope') },
    expect: { status: 404, type: 'subscriber_not_found', message: 'Subscriber with the request ID could not be found.' },
  },
  {
    name: 'a subscriber of another topic answers like a missing one',
    as: 'alice',
    async before(app, ctx) {
      await subscribe(app, ctx.cookie!, 'alice-only', await emailTarget(app, ctx.cookie!), 'sub1')
    },
    request: { method: 'DELETE', url: url('news', 'sub1') },
    expect: { status: 404, type: 'subscriber_not_found' },
    async after(_res, app) {
      expect(await totals(app, 'alice-only'), 'nothing removed').toEqual([1, 0, 0])
    },
  },
  {
    name: "another user's subscriber answers like a missing one",
    as: 'bob',
    async before(app) {
      const alice = await app.signIn(USERS.alice)
      await subscribe(app, alice, 'news', await emailTarget(app, alice), 'sub1')
    },
    request: { method: 'DELETE', url: url('news', 'sub1') },
    expect: { status: 404, type: 'subscriber_not_found' },
    async after(_res, app) {
      expect(await app.store.subscribers.get(PROJECT, 'sub1')).not.toBeNull()
      expect(await totals(app, 'news')).toEqual([1, 0, 0])
    },
  },
  {
    name: "whoever subscribed another user's target cannot remove it: only the target's owner can",
    as: 'bob',
    async before(app, ctx) {
      const alice = await app.signIn(USERS.alice)
      await subscribe(app, ctx.cookie!, 'news', await emailTarget(app, alice), 'sub1')
    },
    request: { method: 'DELETE', url: url('news', 'sub1') },
    expect: { status: 404, type: 'subscriber_not_found' },
    async after(_res, app) {
      const alice = await app.signIn(USERS.alice)
      expect((await app.request({ method: 'DELETE', url: url('news', 'sub1'), cookie: alice })).status, 'alice can').toBe(204)
      expect(await totals(app, 'news')).toEqual([0, 0, 0])
    },
  },
  {
    name: 'removes the subscriber and takes it off the count',
    as: 'alice',
    async before(app, ctx) {
      ctx.target = await emailTarget(app, ctx.cookie!)
      await subscribe(app, ctx.cookie!, 'news', ctx.target as string, 'sub1')
      await pushTarget(app, ctx.cookie!, 'phone1')
      await subscribe(app, ctx.cookie!, 'news', 'phone1', 'sub2')
    },
    request: { method: 'DELETE', url: url('news', 'sub1') },
    expect: { status: 204 },
    events: { 'topics.news.subscribers.sub1.delete': 1 },
    async after(res, app, ctx) {
      expect(res.text).toBe('')
      const topic = await controlTopic(app, 'news')
      expect([topic.emailTotal, topic.smsTotal, topic.pushTotal]).toEqual([0, 0, 1])
      expect(topic.subscribers.map((s) => s.$id)).toEqual(['sub2'])
      // Gone for good, and the target may subscribe again.
      expect((await app.request({ method: 'DELETE', url: url('news', 'sub1'), cookie: ctx.cookie })).body.type).toBe('subscriber_not_found')
      await subscribe(app, ctx.cookie!, 'news', ctx.target as string, 'sub1')
      expect(await totals(app, 'news')).toEqual([1, 0, 1])
    },
  },
  {
    name: 'a deleted push target leaves its topics, as the deletes worker does',
    as: 'alice',
    async before(app, ctx) {
      await pushTarget(app, ctx.cookie!, 'phone1')
      await subscribe(app, ctx.cookie!, 'news', 'phone1', 'sub1')
      await subscribe(app, ctx.cookie!, 'alice-only', 'phone1', 'sub2')
    },
    request: { method: 'DELETE', url: '/v1/account/targets/phone1/push' },
    expect: { status: 204 },
    async after(_res, app, ctx) {
      expect(await totals(app, 'news')).toEqual([0, 0, 0])
      expect(await totals(app, 'alice-only')).toEqual([0, 0, 0])
      expect(await app.store.subscribers.list(PROJECT)).toEqual([])
      expect((await app.request({ method: 'DELETE', url: url('news', 'sub1'), cookie: ctx.cookie })).body.type).toBe('subscriber_not_found')
    },
  },
])
