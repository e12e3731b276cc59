import type { SubscriberRecord, TopicRecord } from '../../store/types.js'

/** The topic counter a subscriber of each provider type counts in. */
export const TOTAL_OF = { email: 'emailTotal', sms: 'smsTotal', push: 'pushTotal' } as const satisfies Record<SubscriberRecord['providerType'], keyof TopicRecord>

/** A subscriber's permissions: only the target's owner reads or deletes it (messaging.php). */
export function subscriberPermissions(userId: string): string[] {
  return [`read("user:${userId}")`, `delete("user:${userId}")`]
}

// PHP's json_encode escapes forward slashes (`users\/verified`), and the message below is built with it.
const phpJson = (value: readonly string[]) => JSON.stringify(value).replace(/\//g, '\\/')

/**
 * utopia's `Authorization('subscribe')` over a topic's `subscribe` roles: null when one of the caller's roles is
 * listed, otherwise the validator's description, which Appwrite sends as the `user_unauthorized` message.
 */
export function subscribeRefusal(callerRoles: readonly string[], subscribe: readonly string[]): string | null {
  if (subscribe.length === 0) return "No permissions provided for action 'subscribe'"
  if (subscribe.some((role) => callerRoles.includes(role))) return null
  // deviation: the roles are listed in the emulator's order, which may differ from Authorization::getRoles().
  return `Missing "subscribe" permission for role "${subscribe[subscribe.length - 1]}". Only "${phpJson(callerRoles)}" scopes are allowed and "${phpJson(subscribe)}" was given.`
}
