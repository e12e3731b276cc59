import type { Caller } from '../../core/caller.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import { resolveCustomId } from '../../domain/ids.js'
import { isAllowed } from '../../domain/permissions.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { AppEvent, EventBus } from '../../events/bus.js'
import { UniqueViolation, type Store, type SubscriberRecord, type TopicRecord } from '../../store/types.js'
import type { Project } from '../projects/project-registry.js'
import { subscribeRefusal, subscriberPermissions, TOTAL_OF } from './access.js'
import { subscriberModel, topicModel, type SubscriberModel, type TopicModel } from './models.js'

const TARGET_DELETED = /^users\.[^.]+\.targets\.([^.]+)\.delete$/

/** Topics from appwrite.json and their subscribers (BEHAVIORS §19). */
export class MessagingService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {}

  /**
   * `POST /messaging/topics/{id}/subscribers`: the topic must exist and list one of the caller's roles in
   * `subscribe`; the target must exist but may be anyone's (Appwrite does not check its owner). One subscriber
   * per target and topic; the topic's counter for the target's channel goes up by one.
   */
  async createSubscriber(caller: Caller, input: { subscriberId: string; topicId: string; targetId: string }): Promise<SubscriberModel> {
    const project = caller.project.id
    const now = formatDate(this.clock.now())
    const created = await this.store
      .transaction(async () => {
        const topic = await this.topic(project, input.topicId)
        const refusal = subscribeRefusal(caller.roles, topic.subscribe)
        if (refusal) throw new AppwriteException('user_unauthorized', refusal)
        const target = await this.store.targets.get(project, input.targetId)
        if (!target) throw new AppwriteException('user_target_not_found')
        const owner = await this.store.users.get(project, target.userId)
        const subscriber: SubscriberRecord = {
          id: resolveCustomId(input.subscriberId),
          createdAt: now,
          updatedAt: now,
          topicId: topic.id,
          targetId: target.id,
          userId: target.userId,
          providerType: target.providerType,
          permissions: subscriberPermissions(target.userId),
        }
        await this.store.subscribers.insert(project, subscriber)
        await this.count(project, topic, subscriber, +1)
        return subscriberModel(subscriber, target, owner?.name ?? '')
      })
      .catch((error) => {
        // The same ID, or the same target on the topic (a unique index in Appwrite too).
        throw error instanceof UniqueViolation ? new AppwriteException('subscriber_already_exists') : error
      })
    await this.publish(caller, created.topicId, created.$id, 'create', created, 'subscriber.create')
    return created
  }

  /**
   * `DELETE /messaging/topics/{id}/subscribers/{id}`: a subscriber the caller cannot read, or one of another
   * topic, answers like a missing one; the topic's counter goes down by one, never below 0.
   */
  async deleteSubscriber(caller: Caller, topicId: string, subscriberId: string): Promise<void> {
    const project = caller.project.id
    await this.store.transaction(async () => {
      const topic = await this.topic(project, topicId)
      const subscriber = await this.store.subscribers.get(project, subscriberId)
      if (!subscriber || !isAllowed(caller.roles, subscriber.permissions, 'read') || subscriber.topicId !== topic.id) {
        throw new AppwriteException('subscriber_not_found')
      }
      // The database's own check on delete; the same roles as read, so it holds whenever the read did.
      if (!isAllowed(caller.roles, subscriber.permissions, 'delete')) throw new AppwriteException('user_unauthorized')
      await this.store.subscribers.delete(project, subscriber.id)
      await this.count(project, topic, subscriber, -1)
    })
    // Appwrite writes no audit here: its label `subscriber/{request.$subscriberId}` names no request param.
    await this.publish(caller, topicId, subscriberId, 'delete', {}, null)
  }

  /** Creates the topics `appwrite.json` lists in a new (or reset) project, with no subscribers. */
  async provision(project: Project): Promise<void> {
    const now = formatDate(this.clock.now())
    for (const t of project.template.topics) {
      if (await this.store.topics.get(project.id, t.$id)) continue
      await this.store.topics.insert(project.id, {
        id: t.$id,
        createdAt: now,
        updatedAt: now,
        name: t.name,
        subscribe: [...t.subscribe],
        emailTotal: 0,
        smsTotal: 0,
        pushTotal: 0,
      })
    }
  }

  /**
   * A deleted target leaves every topic it was subscribed to, as Appwrite's deletes worker does after
   * `DELETE /account/targets/{id}/push` (DELETE_TYPE_TARGET), each topic's counter going down with it. The
   * worker does it a moment later; here it is done before the delete answers.
   */
  async onEvent(event: AppEvent): Promise<void> {
    const targetId = TARGET_DELETED.exec(event.name)?.[1]
    if (!targetId) return
    const project = event.projectId
    await this.store.transaction(async () => {
      for (const subscriber of await this.store.subscribers.list(project, { target_id: targetId })) {
        await this.store.subscribers.delete(project, subscriber.id)
        const topic = await this.store.topics.get(project, subscriber.topicId)
        if (topic) await this.count(project, topic, subscriber, -1)
      }
    })
  }

  /** Every topic of a project with its subscribers, oldest first, for the control API. */
  async topicsWithSubscribers(projectId: string): Promise<(TopicModel & { subscribers: Omit<SubscriberModel, 'target' | 'userName'>[] })[]> {
    const topics = await this.store.topics.list(projectId)
    return Promise.all(
      topics.map(async (topic) => ({
        ...topicModel(topic),
        subscribers: (await this.store.subscribers.list(projectId, { topic_id: topic.id })).map((s) => ({
          $id: s.id,
          $createdAt: s.createdAt,
          $updatedAt: s.updatedAt,
          targetId: s.targetId,
          userId: s.userId,
          topicId: s.topicId,
          providerType: s.providerType,
        })),
      })),
    )
  }

  /** The topic, read past permissions as Appwrite does (`Authorization::skip`). */
  private async topic(projectId: string, topicId: string): Promise<TopicRecord> {
    const topic = await this.store.topics.get(projectId, topicId)
    if (!topic) throw new AppwriteException('topic_not_found')
    return topic
  }

  /** `increaseDocumentAttribute` / `decreaseDocumentAttribute(min: 0)` on the counter of the subscriber's channel. */
  private async count(projectId: string, topic: TopicRecord, subscriber: SubscriberRecord, by: 1 | -1): Promise<void> {
    const total = TOTAL_OF[subscriber.providerType]
    const current = (await this.store.topics.get(projectId, topic.id)) ?? topic
    await this.store.topics.update(projectId, { ...current, [total]: Math.max(0, current[total] + by), updatedAt: formatDate(this.clock.now()) })
  }

  /** `topics.[topicId].subscribers.[subscriberId].*`: server events (webhooks, functions); realtime has no channel for them. */
  private publish(caller: Caller, topicId: string, subscriberId: string, action: 'create' | 'delete', payload: object, audit: string | null): Promise<void> {
    return this.bus.publish({
      projectId: caller.project.id,
      pattern: `topics.[topicId].subscribers.[subscriberId].${action}`,
      params: { topicId, subscriberId },
      payload: payload as Record<string, unknown>,
      caller,
      ...(audit && caller.user && { audit: { event: audit, userId: caller.user.id } }),
    })
  }
}
