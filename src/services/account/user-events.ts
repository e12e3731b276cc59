import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'

/** Announces `users.<id>.<action>` (e.g. `create`, `update.name`) with its audit entry, after the change commits. */
export function publishUserEvent(
  bus: EventBus,
  caller: Caller,
  userId: string,
  action: string,
  payload: object,
  audit: string,
): Promise<void> {
  return bus.publish({
    projectId: caller.project.id,
    pattern: `users.[userId].${action}`,
    params: { userId },
    payload: payload as Record<string, unknown>,
    caller,
    audit: { event: audit, userId },
  })
}
