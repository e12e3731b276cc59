import { targetModel } from '../../domain/models.js'
import type { SubscriberRecord, TargetRecord, TopicRecord } from '../../store/types.js'

/** Subscriber model: `{$id, $createdAt, $updatedAt, targetId, target, userId, userName, topicId, providerType}`. */
export function subscriberModel(s: SubscriberRecord, target: TargetRecord, userName: string) {
  return {
    $id: s.id,
    $createdAt: s.createdAt,
    $updatedAt: s.updatedAt,
    targetId: s.targetId,
    target: targetModel(target),
    userId: s.userId,
    userName,
    topicId: s.topicId,
    providerType: s.providerType,
  }
}

/** Topic model (a server-side model in 1.5; the control API shows it): `{$id, …, name, emailTotal, smsTotal, pushTotal, subscribe}`. */
export function topicModel(t: TopicRecord) {
  return {
    $id: t.id,
    $createdAt: t.createdAt,
    $updatedAt: t.updatedAt,
    name: t.name,
    emailTotal: t.emailTotal,
    smsTotal: t.smsTotal,
    pushTotal: t.pushTotal,
    subscribe: t.subscribe,
  }
}

export type SubscriberModel = ReturnType<typeof subscriberModel>
export type TopicModel = ReturnType<typeof topicModel>
