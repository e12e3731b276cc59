import { isValidKey } from './ids.js'

export const PERMISSION_ACTIONS = ['create', 'read', 'update', 'delete', 'write'] as const
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number]
const ROLE_NAMES = ['any', 'guests', 'users', 'user', 'team', 'member', 'label'] as const

export interface ParsedPermission {
  action: PermissionAction
  role: string
}

/**
 * Parses `read("user:abc")` into action and role, with the messages of utopia's Permissions and Roles
 * validators. `allowed` limits the actions (documents and files do not take `create`).
 */
export function parsePermission(
  permission: string,
  allowed: readonly PermissionAction[] = PERMISSION_ACTIONS,
): ParsedPermission | { error: string } {
  if (permission.includes('"*"') || permission === '*') return { error: 'Wildcard permission "*" has been replaced. Use "any" instead.' }
  if (permission.includes('role:')) {
    return { error: 'Permissions using the "role:" prefix have been replaced. Use "users", "guests", or "any" instead.' }
  }
  const match = /^([a-zA-Z]+)\("([^"]*)"\)$/.exec(permission)
  if (!match) return { error: `Invalid permission string format: "${permission}".` }
  const [, action, role] = match
  if (!allowed.includes(action as PermissionAction)) {
    return { error: `Permission "${action}" is not allowed. Must be one of: ${allowed.join(', ')}.` }
  }
  const roleError = validateRole(role)
  return roleError ? { error: roleError } : { action: action as PermissionAction, role }
}

/** Checks a role string such as `team:abc/owner`; null when valid, else utopia's message. */
export function validateRole(role: string): string | null {
  const slash = role.split('/')
  if (slash.length > 2) return 'Only one dimension can be provided'
  const [head, dimension] = slash
  const colon = head.indexOf(':')
  const name = colon < 0 ? head : head.slice(0, colon)
  const id = colon < 0 ? '' : head.slice(colon + 1)
  if (!ROLE_NAMES.includes(name as (typeof ROLE_NAMES)[number])) {
    return `Role "${name}" is not allowed. Must be one of: ${ROLE_NAMES.join(', ')}.`
  }
  if (dimension !== undefined && dimension === '') return 'Dimension must not be empty'
  switch (name) {
    case 'any':
    case 'guests':
      if (id) return `Role "${name}" can not have an ID value.`
      if (dimension !== undefined) return `Role "${name}" can not have a dimension value.`
      return null
    case 'users':
      if (id) return `Role "${name}" can not have an ID value.`
      break
    case 'member':
      if (!id) return `Role "${name}" must have an ID value.`
      if (dimension !== undefined) return `Role "${name}" can not have a dimension value.`
      return isValidKey(id) ? null : `ID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore`
    case 'label':
      if (!id) return `Role "${name}" must have an ID value.`
      if (dimension !== undefined) return `Role "${name}" can not have a dimension value.`
      return /^[A-Za-z0-9]{1,36}$/.test(id) ? null : 'Label must be alphanumeric and at most 36 chars'
    default:
      if (!id) return `Role "${name}" must have an ID value.`
      if (!isValidKey(id)) return `ID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore`
  }
  if (dimension === undefined) return null
  if (name === 'team') return isValidKey(dimension) ? null : 'Dimension must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can\'t start with a leading underscore'
  return dimension === 'verified' || dimension === 'unverified'
    ? null
    : `Role "${name}" can only have "verified" or "unverified" dimension value.`
}

/** The roles a caller holds (`Auth::getRoles`), minus team and label roles, which their services add. */
export function userRoles(user: { id: string; emailVerification: boolean; phoneVerification: boolean; labels: string[] } | null): string[] {
  if (!user) return ['any', 'guests']
  const verified = user.emailVerification || user.phoneVerification
  const dim = verified ? 'verified' : 'unverified'
  return ['any', 'users', `user:${user.id}`, `users/${dim}`, `user:${user.id}/${dim}`, ...user.labels.map((l) => `label:${l}`)]
}

/** The roles a permission list grants for one action (`write` counts for update and delete). */
export function rolesFor(permissions: readonly string[], action: 'create' | 'read' | 'update' | 'delete'): string[] {
  const out: string[] = []
  for (const permission of permissions) {
    const parsed = parsePermission(permission)
    if ('error' in parsed) continue
    if (parsed.action === action || (parsed.action === 'write' && (action === 'update' || action === 'delete'))) out.push(parsed.role)
  }
  return out
}

/** Whether a caller holding `roles` may do `action` under `permissions`. */
export function isAllowed(roles: readonly string[], permissions: readonly string[], action: 'create' | 'read' | 'update' | 'delete'): boolean {
  const granted = rolesFor(permissions, action)
  return granted.some((role) => roles.includes(role))
}

/** Permissions of a new document or file when the caller sends none: the creator may read, update and delete it. */
export function defaultPermissions(userId: string | null): string[] {
  return userId ? [`read("user:${userId}")`, `update("user:${userId}")`, `delete("user:${userId}")`] : []
}

/**
 * Normalises the permissions a client sends for a document or file: `write` becomes update and delete,
 * duplicates go, and every role must be one the caller holds (Appwrite: 401 user_unauthorized
 * `Permissions must be one of: (…)`). Returns the message of the first problem, or the list.
 */
export function normalizeClientPermissions(permissions: readonly string[], callerRoles: readonly string[]): { permissions: string[] } | { error: string } {
  const out = new Set<string>()
  for (const permission of permissions) {
    const parsed = parsePermission(permission)
    if ('error' in parsed) return { error: parsed.error }
    if (!callerRoles.includes(parsed.role)) return { error: `Permissions must be one of: (${callerRoles.join(', ')})` }
    const actions = parsed.action === 'write' ? ['update', 'delete'] : [parsed.action]
    for (const action of actions) out.add(`${action}("${parsed.role}")`)
  }
  return { permissions: [...out] }
}
