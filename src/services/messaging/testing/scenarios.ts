// Test support for the messaging service (used by its *.test.ts files only).
import { expect } from 'vitest'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { scenarios, type Scenario } from '../../../../test/harness/scenarios.js'
import { messagingTemplate } from './fixture.js'

export const TOPICS = '/v1/messaging/topics'
export const NOW = '2024-05-01T10:20:30.123+00:00'

/** `scenarios()` of the shared harness, against an app built from the topics fixture. */
export function messagingScenarios(title: string, rows: Scenario[]): void {
  scenarios(title, rows, { template: messagingTemplate })
}

/** The ID of the email target the user got at sign-up. */
export async function emailTarget(app: TestApp, cookie: string): Promise<string> {
  const account = await app.request({ method: 'GET', url: '/v1/account', cookie })
  const target = account.body.targets.find((t: { providerType: string }) => t.providerType === 'email')
  if (!target) throw new Error(`no email target: ${account.text}`)
  return target.$id
}

/** A push target of the signed-in user. */
export async function pushTarget(app: TestApp, cookie: string, targetId: string, identifier = `token-${targetId}`): Promise<string> {
  const res = await app.request({ method: 'POST', url: '/v1/account/targets/push', cookie, body: { targetId, identifier } })
  if (res.status !== 201) throw new Error(res.text)
  return res.body.$id
}

/** Subscribes a target and returns the subscriber's ID. */
export async function subscribe(app: TestApp, cookie: string, topicId: string, targetId: string, subscriberId = 'unique()'): Promise<string> {
  const res = await app.request({ method: 'POST', url: `${TOPICS}/${topicId}/subscribers`, cookie, body: { subscriberId, targetId } })
  if (res.status !== 201) throw new Error(res.text)
  return res.body.$id
}

/** One topic as the control API shows it. */
export async function controlTopic(app: TestApp, topicId: string, project = PROJECT) {
  const res = await app.request({ method: 'GET', url: `/_emulator/projects/${project}/topics`, project: null })
  expect(res.status).toBe(200)
  const topic = res.body.topics.find((t: { $id: string }) => t.$id === topicId)
  if (!topic) throw new Error(`no topic ${topicId}: ${res.text}`)
  return topic as { emailTotal: number; smsTotal: number; pushTotal: number; subscribers: { $id: string; targetId: string; userId: string; providerType: string }[] }
}

/** The three counters of a topic, `[email, sms, push]`. */
export async function totals(app: TestApp, topicId: string): Promise<[number, number, number]> {
  const t = await controlTopic(app, topicId)
  return [t.emailTotal, t.smsTotal, t.pushTotal]
}
