import type { RequestTrace } from '../../control/trace.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { resolveCustomId } from '../../domain/ids.js'
import { isValidKey } from '../../domain/ids.js'
import { parsePermission } from '../../domain/permissions.js'
import { schemaKey, type AttributeSchema, type CollectionSchema, type SchemaSet } from '../../store/documents/schema.js'
import type { CollectionRef, DocumentStore, StoredDocument } from '../../store/documents/types.js'
import { aggregatePermissions, mayCollection, mayDocument } from './access.js'
import { validateStructure } from './structure.js'

/** utopia `Database::RELATION_MAX_DEPTH`: nested documents are read this many levels down. */
export const RELATION_MAX_DEPTH = 3

/** Who is writing or reading, in which project, at what time. */
export interface RelationContext {
  projectId: string
  roles: string[]
  /** The request's decision-log trace, when something records it. */
  trace?: RequestTrace
  now: string
}

const phpType = (v: unknown) =>
  v === null ? 'NULL' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'double') : typeof v === 'object' ? 'array' : typeof v
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const invalid = (message: string) => new AppwriteException('relationship_value_invalid', message)

/** Whether the attribute holds a list of documents on this side. */
export const isListSide = (a: AttributeSchema) =>
  a.relationType === 'manyToMany' || (a.relationType === 'oneToMany' && a.side === 'parent') || (a.relationType === 'manyToOne' && a.side === 'child')

/**
 * Relationship attributes: writing nested documents and links (created, updated or linked by ID, under the
 * same permission and structure rules as top-level documents), reading them back to a depth of 3, and
 * `onDelete` (restrict, cascade, setNull). Everything runs inside the caller's transaction.
 */
export class Relationships {
  constructor(
    private readonly store: DocumentStore,
    private readonly schemas: SchemaSet,
  ) {}

  related(schema: CollectionSchema, a: AttributeSchema): CollectionSchema {
    return this.schemas.get(schemaKey(schema.databaseId, a.relatedCollection!))!
  }

  /**
   * Writes the relationship values present in `data` for document `id` of `schema`. Returns the values of this
   * document's own relationship columns; links held elsewhere (other rows, link tables) are written here.
   */
  async write(ctx: RelationContext, schema: CollectionSchema, id: string, data: Record<string, unknown>, isNew: boolean, permissions: string[]): Promise<Record<string, unknown>> {
    const columns: Record<string, unknown> = {}
    for (const a of schema.attributes) {
      if (a.type !== 'relationship' || !(a.key in data)) continue
      const value = data[a.key]
      const related = this.related(schema, a)
      const ref = { projectId: ctx.projectId, schema: related }
      if (isListSide(a)) {
        if (value !== null && !Array.isArray(value)) throw invalid(`Invalid relationship value. Must be either an array of documents or document IDs, ${phpType(value)} given.`)
        const ids: string[] = []
        // Nested documents written just now already point here; utopia links only the others by ID.
        const written = new Set<string>()
        // utopia's update of a list tests `isset($value['$permissions'])` on the list itself, so there a new nested
        // document always takes the parent's permissions; on create it keeps its own when it has them.
        const inherit = { permissions, always: !isNew }
        for (const item of (value as unknown[] | null) ?? []) {
          const other = await this.resolve(ctx, related, item, a, id, inherit)
          ids.push(other)
          if (isObject(item)) written.add(other)
        }
        if (a.relationType === 'manyToMany') {
          await this.store.setLinks(a.junction!, ctx.projectId, a.side!, id, ids)
        } else {
          // The other side keeps the column: point the listed documents here, and the ones dropped nowhere.
          const current = isNew ? [] : await this.store.findByColumn(ref, a.twoWayKey!, id)
          for (const doc of current) if (!ids.some((x) => x.toLowerCase() === doc.$id.toLowerCase())) await this.setColumn(ctx, ref, doc.$id, a.twoWayKey!, null, false)
          for (const other of ids) if (!written.has(other)) await this.setColumn(ctx, ref, other, a.twoWayKey!, id)
        }
        continue
      }
      if (Array.isArray(value)) throw invalid('Invalid relationship value. Must be either a document, document ID, or null. Array given.')
      const target = value === null ? null : await this.resolve(ctx, related, value, a, id, { permissions, always: false })
      columns[a.key] = target
      if (a.relationType === 'oneToOne') {
        // Both sides of a one-to-one keep the other's ID.
        if (!isNew) {
          const before = await this.store.get({ projectId: ctx.projectId, schema }, id)
          const old = before?.data[a.key] as string | null | undefined
          if (old && old !== target) await this.setColumn(ctx, ref, old, a.twoWayKey!, null)
        }
        if (target && !isObject(value)) await this.setColumn(ctx, ref, target, a.twoWayKey!, id)
      }
    }
    return columns
  }

  /**
   * A relationship item: a document ID, or a document to create (no such ID yet) or update. Returns its ID. A new
   * document without `$permissions` takes the parent's (`inherit.always`: even with its own).
   */
  private async resolve(
    ctx: RelationContext,
    related: CollectionSchema,
    item: unknown,
    a: AttributeSchema,
    parentId: string,
    inherit: { permissions: string[]; always: boolean },
  ): Promise<string> {
    if (typeof item === 'string') return item
    if (!isObject(item)) throw invalid(`Invalid relationship value. Must be either a document or document ID, ${phpType(item)} given.`)
    // deviation: Appwrite strips `$collectionId`/`$databaseId` only from nested documents that exist; here from new ones too.
    const { $id: rawId, $permissions, $collectionId: _c, $databaseId: _d, $createdAt: _ca, $updatedAt: _ua, ...fields } = item
    if (rawId !== undefined && rawId !== 'unique()' && !isValidKey(rawId)) throw invalid('Invalid relationship value. The document ID is not valid.')
    const id = rawId === undefined ? resolveCustomId('unique()') : resolveCustomId(rawId as string)
    if ($permissions !== undefined && (!Array.isArray($permissions) || $permissions.some((p) => typeof p !== 'string' || 'error' in parsePermission(p)))) {
      throw new AppwriteException('document_invalid_structure', 'Invalid document structure: Attribute "$permissions" has invalid format.')
    }
    const ref = { projectId: ctx.projectId, schema: related }
    // The nested document points back at its parent where it keeps the column for it.
    const back = backReference(a)
    if (back) fields[a.twoWayKey!] = parentId
    const existing = await this.store.get(ref, id)
    if (!existing) {
      if (!mayCollection(related, ctx, 'create')) throw new AppwriteException('user_unauthorized')
      const permissions = $permissions === undefined || inherit.always ? inherit.permissions : aggregatePermissions($permissions as string[])
      await this.createDocument(ctx, related, id, fields, permissions, back ? a.twoWayKey! : null)
      return id
    }
    const permissions = $permissions === undefined ? existing.$permissions : aggregatePermissions($permissions as string[])
    await this.updateDocument(ctx, related, existing, fields, permissions, back ? a.twoWayKey! : null)
    return existing.$id
  }

  /**
   * databases.php `checkPermissions`, before anything is written: every nested document in `data` must be
   * creatable (no such ID yet: the related collection's create permission) or updatable. Appwrite's update test
   * reads `(update && !documentSecurity) || !collectionGrants`: a nested update needs a related collection with
   * document security whose own permissions grant update; the document's permissions alone never suffice.
   * Throws 401 `user_unauthorized`.
   */
  async checkNested(ctx: RelationContext, schema: CollectionSchema, data: Record<string, unknown>, depth = 0): Promise<void> {
    if (depth > RELATION_MAX_DEPTH) return
    for (const a of schema.attributes) {
      if (a.type !== 'relationship' || a.hidden) continue
      const value = data[a.key]
      const items = Array.isArray(value) ? value : [value]
      const related = this.related(schema, a)
      for (const item of items) {
        if (!isObject(item)) continue
        const id = typeof item.$id === 'string' && item.$id !== 'unique()' ? item.$id : null
        const existing = id && isValidKey(id) ? await this.store.get({ projectId: ctx.projectId, schema: related }, id) : null
        const allowed = existing ? related.documentSecurity && mayCollection(related, ctx, 'update') : mayCollection(related, ctx, 'create')
        if (!allowed) throw new AppwriteException('user_unauthorized')
        await this.checkNested(ctx, related, item, depth + 1)
      }
    }
  }

  /** Creates a document (structure checked, nested relationships written). `skipKey` is the back-reference the parent set. */
  async createDocument(ctx: RelationContext, schema: CollectionSchema, id: string, data: Record<string, unknown>, permissions: string[], skipKey: string | null = null): Promise<StoredDocument> {
    const ref = { projectId: ctx.projectId, schema }
    const { rest, back } = splitBack(data, skipKey)
    for (const a of schema.attributes) {
      // Structure sees relationships only as present or not: a required one must be given.
      if (a.type === 'relationship' && a.required && !a.hidden && (rest[a.key] === null || rest[a.key] === undefined) && a.key !== skipKey) {
        throw new AppwriteException('document_invalid_structure', `Invalid document structure: Missing required attribute "${a.key}"`)
      }
    }
    const plain = validateStructure(schema, withoutRelationships(schema, rest))
    const columns = await this.write(ctx, schema, id, withRelationships(schema, rest), true, permissions)
    const values = columnValues(schema, { ...plain, ...columns, ...back })
    return this.store.insert(ref, { $id: id, $createdAt: ctx.now, $updatedAt: ctx.now, $permissions: permissions, data: values })
  }

  /**
   * Updates a document with `data` merged over it. Authorized by update permission when something changes,
   * else by read (utopia `updateDocument`). Returns the stored document and whether it changed.
   */
  async updateDocument(
    ctx: RelationContext,
    schema: CollectionSchema,
    old: StoredDocument,
    data: Record<string, unknown>,
    permissions: string[],
    skipKey: string | null = null,
    beforeWrite?: () => void,
  ): Promise<{ document: StoredDocument; changed: boolean }> {
    const ref = { projectId: ctx.projectId, schema }
    const changed = JSON.stringify(permissions) !== JSON.stringify(old.$permissions) || (await this.differs(ctx, schema, old, data))
    if (!mayDocument(schema, old, ctx, changed ? 'update' : 'read')) throw new AppwriteException('user_unauthorized')
    beforeWrite?.()
    const current: Record<string, unknown> = {}
    for (const a of schema.attributes) if (a.storage === 'column' && a.type !== 'relationship') current[a.key] = old.data[a.key]
    const { rest, back } = splitBack(data, skipKey)
    const plain = validateStructure(schema, { ...current, ...withoutRelationships(schema, rest) })
    const columns = await this.write(ctx, schema, old.$id, withRelationships(schema, rest), false, permissions)
    const values = columnValues(schema, { ...old.data, ...plain, ...columns, ...back })
    const document: StoredDocument = { ...old, $permissions: permissions, $updatedAt: changed ? ctx.now : old.$updatedAt, data: values }
    await this.store.update(ref, document)
    return { document, changed }
  }

  /** Whether `data` changes anything: plain values compared as JSON, relationships by the IDs they name. */
  private async differs(ctx: RelationContext, schema: CollectionSchema, old: StoredDocument, data: Record<string, unknown>): Promise<boolean> {
    for (const [key, value] of Object.entries(data)) {
      if (key.startsWith('$')) continue
      const a = schema.byKey.get(key)
      if (!a) return true
      if (a.type !== 'relationship') {
        if (JSON.stringify(value ?? null) !== JSON.stringify(old.data[key] ?? null)) return true
        continue
      }
      const idOf = (v: unknown) => (typeof v === 'string' ? v : isObject(v) ? (v.$id as string | undefined) ?? '' : null)
      const current = await this.currentIds(ctx, schema, old, a)
      if (isListSide(a)) {
        const next = Array.isArray(value) ? value.map(idOf) : []
        if (next.length !== current.length || next.some((id, i) => id !== current[i])) return true
        if (Array.isArray(value) && value.some((v) => isObject(v) && Object.keys(v).some((k) => !k.startsWith('$')))) return true
      } else {
        if ((idOf(value) ?? null) !== (current[0] ?? null)) return true
        if (isObject(value) && Object.keys(value).some((k) => !k.startsWith('$'))) return true
      }
    }
    return false
  }

  /** The IDs a relationship attribute currently names, without permission checks. */
  async currentIds(ctx: RelationContext, schema: CollectionSchema, doc: StoredDocument, a: AttributeSchema): Promise<string[]> {
    if (a.storage === 'column') {
      const v = doc.data[a.key]
      return typeof v === 'string' ? [v] : []
    }
    if (a.relationType === 'manyToMany') return this.store.links(a.junction!, ctx.projectId, a.side!, doc.$id)
    const related = this.related(schema, a)
    return (await this.store.findByColumn({ projectId: ctx.projectId, schema: related }, a.twoWayKey!, doc.$id)).map((d) => d.$id)
  }

  /**
   * Points another document's back-reference column at `value`, as utopia does with an `updateDocument` of that
   * document. Authorized (`authorize`), a document the caller cannot read is skipped as if missing, and a change
   * needs its update permission (401 `user_unauthorized`) and moves its `$updatedAt`. utopia skips authorization
   * for documents dropped from a one-to-many list and for `onDelete: setNull`.
   */
  private async setColumn(ctx: RelationContext, ref: CollectionRef, id: string, key: string, value: string | null, authorize = true): Promise<void> {
    const doc = await this.store.get(ref, id)
    if (!doc) return
    if (authorize && !mayDocument(ref.schema, doc, ctx, 'read')) return
    const changed = doc.data[key] !== value
    if (authorize && changed && !mayDocument(ref.schema, doc, ctx, 'update')) throw new AppwriteException('user_unauthorized')
    if (!changed) return
    await this.store.update(ref, { ...doc, $updatedAt: authorize ? ctx.now : doc.$updatedAt, data: { ...doc.data, [key]: value } })
  }

  /** Reads a relationship for output: readable related documents, each shaped by `present`. */
  async read(
    ctx: RelationContext,
    schema: CollectionSchema,
    doc: StoredDocument,
    a: AttributeSchema,
    present: (schema: CollectionSchema, doc: StoredDocument, via: AttributeSchema) => Promise<Record<string, unknown>>,
  ): Promise<unknown> {
    const related = this.related(schema, a)
    const ref = { projectId: ctx.projectId, schema: related }
    const readable = (d: StoredDocument | null): d is StoredDocument => d !== null && mayDocument(related, d, ctx, 'read')
    if (!isListSide(a)) {
      const id = (await this.currentIds(ctx, schema, doc, a))[0]
      const found = id ? await this.store.get(ref, id) : null
      return readable(found) ? present(related, found, a) : null
    }
    let docs: StoredDocument[]
    if (a.relationType === 'manyToMany') {
      const ids = await this.store.links(a.junction!, ctx.projectId, a.side!, doc.$id)
      docs = (await Promise.all(ids.map((id) => this.store.get(ref, id)))).filter((d): d is StoredDocument => d !== null)
    } else {
      docs = await this.store.findByColumn(ref, a.twoWayKey!, doc.$id)
    }
    return Promise.all(docs.filter(readable).map((d) => present(related, d, a)))
  }

  /**
   * `onDelete` for every relationship of a document about to be deleted: restrict refuses (403), cascade
   * deletes the dependent documents, setNull clears the references. Links are always removed.
   */
  async beforeDelete(ctx: RelationContext, schema: CollectionSchema, doc: StoredDocument, deleting: Set<string> = new Set()): Promise<void> {
    deleting.add(`${schema.table}/${doc.$id}`)
    for (const a of schema.attributes) {
      if (a.type !== 'relationship') continue
      const related = this.related(schema, a)
      const ref = { projectId: ctx.projectId, schema: related }
      const ids = (await this.currentIds(ctx, schema, doc, a)).filter((id) => !deleting.has(`${related.table}/${id}`))
      const dependent = (a.side === 'parent' && a.relationType !== 'manyToOne') || (a.relationType === 'manyToOne' && a.side === 'child')
      if (a.onDelete === 'restrict' && dependent && ids.length > 0) {
        const existing = await Promise.all(ids.map((id) => this.store.get(ref, id)))
        if (existing.some(Boolean)) throw new AppwriteException('document_delete_restricted')
      }
      // utopia's deleteCascade also follows a two-way one-to-one from the child side.
      const cascades = dependent || (a.relationType === 'oneToOne' && a.side === 'child' && !!a.twoWay)
      if (a.onDelete === 'cascade' && cascades) {
        for (const id of ids) {
          const child = await this.store.get(ref, id)
          if (!child || deleting.has(`${related.table}/${child.$id}`)) continue
          await this.beforeDelete(ctx, related, child, deleting)
          await this.store.delete(ref, child.$id)
        }
      } else if (a.relationType !== 'manyToMany') {
        // Whatever still points at this document now points nowhere.
        for (const id of ids) {
          const other = await this.store.get(ref, id)
          if (other && other.data[a.twoWayKey!] !== undefined && String(other.data[a.twoWayKey!]).toLowerCase() === doc.$id.toLowerCase()) {
            await this.setColumn(ctx, ref, other.$id, a.twoWayKey!, null, false)
          }
        }
      }
      if (a.junction) await this.store.unlinkAll(a.junction, ctx.projectId, a.side!, doc.$id)
    }
  }
}

/** Whether a nested document stores its parent's ID in its own column (so the parent sets it on create). */
function backReference(a: AttributeSchema): boolean {
  return (a.relationType === 'oneToOne') || (a.relationType === 'oneToMany' && a.side === 'parent') || (a.relationType === 'manyToOne' && a.side === 'child')
}

/** Takes out the back-reference a parent sets on a nested document; it is stored as is. */
function splitBack(data: Record<string, unknown>, key: string | null): { rest: Record<string, unknown>; back: Record<string, unknown> } {
  if (!key) return { rest: data, back: {} }
  const { [key]: value, ...rest } = data
  return { rest, back: { [key]: value } }
}

function withoutRelationships(schema: CollectionSchema, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(data)) if (schema.byKey.get(k)?.type !== 'relationship' || schema.byKey.get(k)?.hidden) out[k] = v
  return out
}

function withRelationships(schema: CollectionSchema, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(data)) {
    const a = schema.byKey.get(k)
    if (a?.type === 'relationship' && !a.hidden) out[k] = v
  }
  return out
}

/** The values of the collection's columns, from validated data. */
function columnValues(schema: CollectionSchema, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const a of schema.attributes) if (a.storage === 'column') out[a.key] = data[a.key] ?? null
  return out
}
