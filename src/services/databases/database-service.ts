import type { RequestTrace } from '../../control/trace.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { ProjectTemplate } from '../../config/appwrite-json.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import { resolveCustomId } from '../../domain/ids.js'
import { defaultPermissions } from '../../domain/permissions.js'
import { cursorOf, parseDocumentQueries, planDocumentQueries, planDocumentSelect } from '../../domain/query/plan.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'
import { assertNotStale } from '../../core/request-timestamp.js'
import { renderOnce } from '../../core/json.js'
import { schemaKey, type AttributeSchema, type CollectionSchema, type SchemaSet } from '../../store/documents/schema.js'
import type { DocumentStore, StoredDocument } from '../../store/documents/types.js'
import { aggregatePermissions, assertGrantable, mayCollection, mayDocument, readFilter } from './access.js'
import { RELATION_MAX_DEPTH, Relationships, type RelationContext } from './relationships.js'

/** Appwrite's `APP_LIMIT_COUNT`: list totals stop counting here. */
const COUNT_LIMIT = 5000
const PUBLIC_INTERNALS = ['$id', '$createdAt', '$updatedAt', '$permissions'] as const

export type DocumentModel = Record<string, unknown>

interface Target {
  databaseId: string
  collectionId: string
}

/** Which attributes a response keeps, from the `select` queries (databases.php and utopia `find`). */
interface Selection {
  all: boolean
  attributes: Set<string>
  /** Internal attributes kept: those named by every select query. */
  internals: Set<string>
  /** `$databaseId`/`$collectionId` are kept on lists only when a select names them. */
  keepIds: Set<string>
  /** utopia reads related documents under a select only when one names a nested attribute (`books.title`). */
  populate: boolean
}

function selectionOf(selects: string[][], isList: boolean): Selection | null {
  if (selects.length === 0) return null
  const flat = selects.flat()
  const attributes = new Set(flat.map((v) => v.split('.')[0]))
  const internals = new Set<string>(PUBLIC_INTERNALS.filter((k) => selects.every((values) => values.includes(k))))
  const keepIds = new Set(isList ? ['$databaseId', '$collectionId'].filter((k) => flat.includes(k)) : ['$databaseId', '$collectionId'])
  return { all: flat.includes('*'), attributes, internals, keepIds, populate: flat.some((v) => v.includes('.')) }
}

/** Whether any attribute of the collection is a relationship (its model then depends on other documents). */
const hasRelationships = (schema: CollectionSchema) => schema.attributes.some((a) => a.type === 'relationship')

/** A request's relation context; reads never need the time, so it is formatted on first use. */
class Context implements RelationContext {
  private at: string | undefined
  constructor(
    readonly projectId: string,
    readonly roles: string[],
    private readonly clock: Clock,
    readonly trace?: RequestTrace,
  ) {}
  get now(): string {
    return (this.at ??= formatDate(this.clock.now()))
  }
}

/** Parses the `data` param: a JSON object, or a string holding one. */
function dataObject(data: unknown): Record<string, unknown> | null {
  let value = data
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      return null
    }
  }
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]))
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
}

/**
 * The 5 client document operations (BEHAVIORS §8): collections come from the config; reads are filtered by
 * permission in the store's SQL; writes are checked here and run in one transaction with their nested
 * documents; events go out after commit.
 */
export class DatabaseService {
  private readonly relationships: Relationships

  constructor(
    private readonly store: DocumentStore,
    private readonly schemas: SchemaSet,
    private readonly template: ProjectTemplate,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {
    this.relationships = new Relationships(store, schemas)
  }

  /** The collection, or 404: a missing or disabled database or collection look the same to clients. */
  collection(target: Target): CollectionSchema {
    const database = this.template.databases.find((d) => d.$id === target.databaseId)
    if (!database || !database.enabled) throw new AppwriteException('database_not_found')
    const schema = this.schemas.get(schemaKey(target.databaseId, target.collectionId))
    if (!schema || !schema.enabled) throw new AppwriteException('collection_not_found')
    return schema
  }

  private readonly models = new WeakMap<StoredDocument, DocumentModel>()
  private readonly lists = new WeakMap<readonly StoredDocument[], { total: number; body: { total: number; documents: DocumentModel[] } }>()

  private context(caller: Caller): RelationContext {
    return new Context(caller.project.id, caller.roles, this.clock, caller.trace)
  }

  /** `GET …/documents`: validated queries compiled to SQL, read permissions included; total counts the filters only. */
  async listDocuments(caller: Caller, input: Target & { queries: string[] }): Promise<{ total: number; documents: DocumentModel[] }> {
    const schema = this.collection(input)
    return this.list(new Context(caller.project.id, caller.roles, this.clock, caller.trace), schema, input.queries, () => readFilter(schema, caller))
  }

  /** Every document of a collection, whatever its permissions, filtered by 1.5 queries: the console's state browser. */
  async controlListDocuments(projectId: string, input: Target & { queries: string[] }): Promise<{ total: number; documents: DocumentModel[] }> {
    const schema = this.collection(input)
    // The console reads past document permissions; related documents are still resolved as role `any` sees them.
    // deviation: Appwrite's console (an API key) would also expand related documents that only users may read.
    return this.list(new Context(projectId, ['any'], this.clock), schema, input.queries, () => null)
  }

  private async list(ctx: Context, schema: CollectionSchema, rawQueries: string[], readFilterOf: () => string[] | null) {
    const ref = { projectId: ctx.projectId, schema }
    const queries = parseDocumentQueries(rawQueries)
    const cursor = cursorOf(queries)
    let cursorDocument: StoredDocument | null = null
    if (cursor) {
      // Appwrite looks the cursor up without permission checks, before validating the queries.
      cursorDocument = cursor.id ? await this.store.get(ref, cursor.id) : null
      if (!cursorDocument) throw new AppwriteException('general_cursor_not_found', `Document '${cursor.id}' for the 'cursor' value not found.`)
    }
    const plan = planDocumentQueries(schema, queries)
    const readableBy = readFilterOf()
    const found = await this.store.find(ref, {
      filters: plan.filters,
      orders: plan.orders,
      limit: plan.limit,
      offset: plan.offset,
      cursor: cursorDocument && cursor ? { document: cursorDocument, direction: cursor.direction } : null,
      readableBy,
    })
    const total = await this.store.count(ref, { filters: plan.filters, readableBy, max: COUNT_LIMIT })
    const selection = selectionOf(plan.selects, true)
    if (selection === null && !hasRelationships(schema)) {
      // The store answers a repeated query with the same page: its list body is built and rendered once.
      const kept = this.lists.get(found)
      if (kept?.total === total) return kept.body
      const body = renderOnce({ total, documents: await Promise.all(found.map((doc) => this.shown(ctx, schema, doc))) })
      this.lists.set(found, { total, body })
      return body
    }
    const documents = await Promise.all(found.map((doc) => this.present(ctx, schema, doc, 0, null, selection)))
    return { total, documents }
  }

  /** `GET …/documents/{id}`: only `select` queries; an unreadable document is 404 like a missing one. */
  async getDocument(caller: Caller, input: Target & { documentId: string; queries: string[] }): Promise<DocumentModel> {
    const schema = this.collection(input)
    const selects = input.queries.length ? planDocumentSelect(schema, parseDocumentQueries(input.queries)) : []
    const doc = await this.store.get({ projectId: caller.project.id, schema }, input.documentId)
    if (!doc || !mayDocument(schema, doc, caller, 'read')) throw new AppwriteException('document_not_found')
    const selection = selectionOf(selects, false)
    if (selection === null && !hasRelationships(schema)) return this.shown(this.context(caller), schema, doc)
    return this.present(this.context(caller), schema, doc, 0, null, selection)
  }

  /**
   * The model of a document of a collection without relationships, read whole: the same for every caller who may
   * read it. Stored documents are frozen and replaced by every write, so the model is built and rendered once
   * per stored document (src/core/json.ts) and dropped with it.
   */
  private async shown(ctx: RelationContext, schema: CollectionSchema, doc: StoredDocument): Promise<DocumentModel> {
    let model = this.models.get(doc)
    if (!model) {
      model = renderOnce(await this.present(ctx, schema, doc, 0, null, null))
      this.models.set(doc, model)
    }
    return model
  }

  /** `POST …/documents`. */
  async createDocument(caller: Caller, input: Target & { documentId: string; data: unknown; permissions: string[] | null }): Promise<DocumentModel> {
    const data = dataObject(input.data)
    if (!data || Object.keys(data).length === 0) throw new AppwriteException('document_missing_data')
    if ('$id' in data) throw new AppwriteException('document_invalid_structure', '$id is not allowed for creating new documents, try update instead')
    const schema = this.collection(input)
    let permissions: string[]
    if (input.permissions === null || input.permissions === undefined) permissions = defaultPermissions(caller.user?.id ?? null)
    else {
      permissions = aggregatePermissions(input.permissions)
      assertGrantable(permissions, caller.roles)
    }
    if (!mayCollection(schema, caller, 'create')) throw new AppwriteException('user_unauthorized')
    const id = resolveCustomId(input.documentId)
    const ctx = this.context(caller)
    const { $permissions: _p, $collection: _c, $createdAt: _ca, $updatedAt: _ua, ...fields } = data
    await this.relationships.checkNested(ctx, schema, fields)
    const model = await this.store.transaction(async () => {
      const stored = await this.relationships.createDocument(ctx, schema, id, fields, permissions)
      return this.present(ctx, schema, stored, 0, null, null)
    })
    await this.publish(caller, schema, model, 'create')
    return model
  }

  /** `PATCH …/documents/{id}`: nothing sent is 400; a change needs update permission, no change needs read. */
  async updateDocument(caller: Caller, input: Target & { documentId: string; data: unknown; permissions: string[] | null }): Promise<DocumentModel> {
    const data = input.data === null || input.data === undefined ? {} : dataObject(input.data) ?? {}
    if (Object.keys(data).length === 0 && (input.permissions === null || input.permissions === undefined)) throw new AppwriteException('document_missing_payload')
    const schema = this.collection(input)
    const ref = { projectId: caller.project.id, schema }
    const ctx = this.context(caller)
    const { model, changed } = await this.store.transaction(async () => {
      // Read permission is not needed to find the document (databases.php).
      const old = await this.store.get(ref, input.documentId)
      if (!old) throw new AppwriteException('document_not_found')
      let permissions = old.$permissions
      if (input.permissions !== null && input.permissions !== undefined) {
        permissions = aggregatePermissions(input.permissions)
        assertGrantable(permissions, caller.roles)
      }
      const { $id: _i, $permissions: _p, $collection: _c, $createdAt: _ca, $updatedAt: _ua, ...fields } = data
      const result = await this.relationships.updateDocument(ctx, schema, old, fields, permissions, null, () => assertNotStale(caller, old.$updatedAt))
      return { model: await this.present(ctx, schema, result.document, 0, null, null), changed: result.changed }
    })
    if (changed) await this.publish(caller, schema, model, 'update')
    return model
  }

  /** `DELETE …/documents/{id}`: found without read permission; needs delete permission; honours `onDelete`. */
  async deleteDocument(caller: Caller, input: Target & { documentId: string }): Promise<void> {
    const schema = this.collection(input)
    const ref = { projectId: caller.project.id, schema }
    const ctx = this.context(caller)
    const model = await this.store.transaction(async () => {
      const doc = await this.store.get(ref, input.documentId)
      if (!doc) throw new AppwriteException('document_not_found')
      if (!mayDocument(schema, doc, caller, 'delete')) throw new AppwriteException('user_unauthorized')
      assertNotStale(caller, doc.$updatedAt)
      const shown = await this.present(ctx, schema, doc, 0, null, null)
      await this.relationships.beforeDelete(ctx, schema, doc)
      await this.store.delete(ref, doc.$id)
      return shown
    })
    await this.publish(caller, schema, model, 'delete')
  }

  /** The Document model: attributes (relationships read under the caller's permissions), then the `$` fields. */
  private async present(ctx: RelationContext, schema: CollectionSchema, doc: StoredDocument, depth: number, via: AttributeSchema | null, selection: Selection | null): Promise<DocumentModel> {
    const out: DocumentModel = {}
    for (const a of schema.attributes) {
      if (a.hidden) continue
      if (selection && !selection.all && !selection.attributes.has(a.key)) continue
      if (a.type === 'relationship') {
        // deviation: nested selections (`books.title`) select the relationship whole; past the depth limit the key is left out.
        if (depth >= RELATION_MAX_DEPTH) continue
        // The way back to the document we came from is not read again.
        if (via && a.key === via.twoWayKey) continue
        if (selection && !selection.populate) {
          // Unread, a relationship shows what the row holds: the related ID on the side with the column, else null.
          out[a.key] = a.storage === 'column' ? (doc.data[a.key] ?? null) : null
          continue
        }
        out[a.key] = await this.relationships.read(ctx, schema, doc, a, (related, d, through) => this.present(ctx, related, d, depth + 1, through, null))
        continue
      }
      out[a.key] = doc.data[a.key] ?? null
    }
    const internals: Record<string, unknown> = { $id: doc.$id, $createdAt: doc.$createdAt, $updatedAt: doc.$updatedAt, $permissions: doc.$permissions }
    for (const key of PUBLIC_INTERNALS) if (!selection || selection.internals.has(key)) out[key] = internals[key]
    if (!selection || selection.keepIds.has('$databaseId')) out.$databaseId = schema.databaseId
    if (!selection || selection.keepIds.has('$collectionId')) out.$collectionId = schema.collectionId
    return out
  }

  private async publish(caller: Caller, schema: CollectionSchema, model: DocumentModel, action: 'create' | 'update' | 'delete'): Promise<void> {
    await this.bus.publish({
      projectId: caller.project.id,
      pattern: `databases.[databaseId].collections.[collectionId].documents.[documentId].${action}`,
      params: { databaseId: schema.databaseId, collectionId: schema.collectionId, documentId: model.$id as string },
      payload: model,
      caller,
    })
  }
}
