import type { ProjectTemplate } from '../config/appwrite-json.js'
import { rolesFor } from '../domain/permissions.js'
import type { AppEvent } from '../events/bus.js'

/** Where one event goes: the channels it is published on, the roles that may read it, and its payload. */
export interface Delivery {
  channels: string[]
  roles: string[]
  payload: Record<string, unknown>
  /** The user whose roles the event may change (a membership or session event): their sockets refresh first. */
  permissionsChangedFor: string | null
  /** A role the event may take away from everyone holding it (a deleted team): those sockets refresh first. */
  permissionsChangedForRole?: string
}

// Keys a realtime payload never carries (`Event::getRealtimePayload`): token secrets.
const SENSITIVE = new Set(['secret'])

const readRoles = (permissions: unknown): string[] => (Array.isArray(permissions) ? rolesFor(permissions.filter((p): p is string => typeof p === 'string'), 'read') : [])
const withoutKeys = (payload: Record<string, unknown>, drop: (key: string) => boolean) =>
  Object.fromEntries(Object.entries(payload).filter(([key]) => !drop(key)))

/**
 * `Realtime::fromPayload`: the channels, read roles and payload of a bus event, or null for an event realtime
 * does not deliver (audit-only events, messaging topics). Roles come from the event itself (the document's or
 * file's permissions as they are now, plus the collection's or bucket's from the config), so a permission change
 * takes effect on the very event that makes it.
 */
export function deliveryOf(event: AppEvent, template: ProjectTemplate): Delivery | null {
  const [root] = event.name.split('.', 1)
  const p = event.params
  const payload = event.payload
  switch (root) {
    case 'users': {
      const userId = p.userId!
      return {
        channels: ['account', `account.${userId}`],
        roles: [`user:${userId}`],
        payload: withoutKeys(payload, (key) => SENSITIVE.has(key)),
        // A deleted session or a blocked user: the user's sockets are checked again before anything else reaches them.
        permissionsChangedFor: p.sessionId !== undefined || event.name.endsWith('.update.status') || event.name.endsWith('.delete') ? userId : null,
      }
    }
    case 'teams': {
      const teamId = p.teamId!
      if (p.membershipId !== undefined) {
        return {
          channels: ['memberships', `memberships.${p.membershipId}`],
          roles: [`team:${teamId}`],
          payload: withoutKeys(payload, (key) => SENSITIVE.has(key)),
          permissionsChangedFor: typeof payload.userId === 'string' ? payload.userId : null,
        }
      }
      // The creator becomes the team's first member; a deleted team takes its role from every member.
      const action = event.name.slice(event.name.lastIndexOf('.') + 1)
      return {
        channels: ['teams', `teams.${teamId}`],
        roles: [`team:${teamId}`],
        payload,
        permissionsChangedFor: action === 'create' ? event.caller.user?.id ?? null : null,
        ...(action === 'delete' && { permissionsChangedForRole: `team:${teamId}` }),
      }
    }
    case 'databases': {
      const { databaseId, collectionId, documentId } = p
      const collection = template.collections.find((c) => c.$id === collectionId && c.databaseId === databaseId)
      if (!collection || documentId === undefined) return null
      const roles = [...rolesFor(collection.$permissions, 'read'), ...(collection.documentSecurity ? readRoles(payload.$permissions) : [])]
      // Relationship keys stay out of realtime payloads, as Appwrite strips them.
      const related = new Set(collection.attributes.filter((a) => a.type === 'relationship').map((a) => a.key))
      return {
        channels: ['documents', `databases.${databaseId}.collections.${collectionId}.documents`, `databases.${databaseId}.collections.${collectionId}.documents.${documentId}`],
        roles,
        payload: withoutKeys(payload, (key) => related.has(key)),
        permissionsChangedFor: null,
      }
    }
    case 'buckets': {
      const { bucketId, fileId } = p
      const bucket = template.buckets.find((b) => b.$id === bucketId)
      if (!bucket || fileId === undefined) return null
      const roles = [...rolesFor(bucket.$permissions, 'read'), ...(bucket.fileSecurity ? readRoles(payload.$permissions) : [])]
      return { channels: ['files', `buckets.${bucketId}.files`, `buckets.${bucketId}.files.${fileId}`], roles, payload, permissionsChangedFor: null }
    }
    case 'functions': {
      const { functionId, executionId } = p
      const roles = readRoles(payload.$permissions)
      // An execution is delivered only when someone may read it (a signed-in caller's); guests' have no permissions.
      if (executionId === undefined || roles.length === 0) return null
      return { channels: ['console', 'executions', `executions.${executionId}`, `functions.${functionId}`], roles, payload, permissionsChangedFor: null }
    }
    default:
      return null
  }
}

/**
 * The channels a socket asked for, as Appwrite keeps them: `account` gains `account.<userId>` for a signed-in
 * user, and client-sent `account.*` channels are dropped; everything else is taken verbatim.
 */
export function subscribedChannels(requested: readonly string[], userId: string | null): Set<string> {
  const out = new Set<string>()
  for (const channel of requested) {
    if (channel.startsWith('account.')) continue
    out.add(channel)
    if (channel === 'account' && userId) out.add(`account.${userId}`)
  }
  return out
}
