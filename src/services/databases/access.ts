import { AppwriteException } from '../../errors/appwrite-exception.js'
import { isAllowed, parsePermission, rolesFor } from '../../domain/permissions.js'
import type { CollectionSchema } from '../../store/documents/schema.js'
import type { StoredDocument } from '../../store/documents/types.js'
import { reportPermission, type RequestTrace } from '../../control/trace.js'

type Action = 'read' | 'update' | 'delete'

/**
 * utopia `Permission::aggregate` for documents: `write` becomes `update` and `delete`; plain permissions keep
 * their order and the expanded ones follow; duplicates go.
 */
export function aggregatePermissions(permissions: readonly string[]): string[] {
  const plain: string[] = []
  const expanded: string[] = []
  for (const permission of permissions) {
    const parsed = parsePermission(permission)
    if ('error' in parsed) continue
    if (parsed.action === 'write') expanded.push(`update("${parsed.role}")`, `delete("${parsed.role}")`)
    else plain.push(`${parsed.action}("${parsed.role}")`)
  }
  return [...new Set([...plain, ...expanded])]
}

/** Clients may grant only roles they hold (databases.php); the message lists the roles they do hold. */
export function assertGrantable(permissions: readonly string[], roles: readonly string[]): void {
  for (const permission of permissions) {
    const parsed = parsePermission(permission)
    if ('error' in parsed) continue
    if (!roles.includes(parsed.role)) throw new AppwriteException('user_unauthorized', `Permissions must be one of: (${roles.join(', ')})`)
  }
}

// Collection permissions never change while the process runs: their roles per action are parsed once.
const collectionRoles = new WeakMap<readonly string[], Map<string, string[]>>()
function grants(permissions: readonly string[], roles: readonly string[], action: Action | 'create'): boolean {
  let byAction = collectionRoles.get(permissions)
  if (!byAction) collectionRoles.set(permissions, (byAction = new Map()))
  let granted = byAction.get(action)
  if (!granted) byAction.set(action, (granted = rolesFor(permissions, action)))
  return granted.some((role) => roles.includes(role))
}

/** Whose permissions are checked: a caller, or a request's relation context (its roles, and its decision-log trace). */
export interface Grantee {
  readonly roles: readonly string[]
  readonly trace?: RequestTrace
}

/** Whether a caller may `action` a document: by the collection's permissions, or with document security by the document's. */
export function mayDocument(schema: CollectionSchema, doc: Pick<StoredDocument, '$permissions'> & { $id?: string }, who: Grantee, action: Action): boolean {
  if (mayCollection(schema, who, action)) return true
  if (!schema.documentSecurity) return false
  const granted = isAllowed(who.roles, doc.$permissions, action)
  // The decision log (control API) shows which permission strings were looked at; a no-op outside it.
  reportPermission(who.trace, { resource: `${collectionResource(schema)}/documents/${doc.$id ?? ''}`, action, permissions: doc.$permissions, granted })
  return granted
}

/** Whether the collection's own permissions grant `action` (then document permissions need not be looked at). */
export function mayCollection(schema: CollectionSchema, who: Grantee, action: Action | 'create'): boolean {
  const granted = grants(schema.permissions, who.roles, action)
  reportPermission(who.trace, { resource: collectionResource(schema), action, permissions: schema.permissions, granted })
  return granted
}

const collectionResource = (schema: CollectionSchema) => `databases/${schema.databaseId}/collections/${schema.collectionId}`

/** The roles a read filter uses for a list: null when the collection lets the caller read everything. Throws 401 when nothing can be readable. */
export function readFilter(schema: CollectionSchema, who: Grantee & { readonly roles: string[] }): string[] | null {
  if (mayCollection(schema, who, 'read')) return null
  if (!schema.documentSecurity) throw new AppwriteException('user_unauthorized')
  return who.roles
}
