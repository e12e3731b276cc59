import type { Query } from '../../domain/query/parse.js'
import type { OrderTerm } from '../../domain/query/plan.js'
import type { CollectionSchema, JunctionSchema } from './schema.js'

/** One collection of one project. */
export interface CollectionRef {
  projectId: string
  schema: CollectionSchema
}

/** A document as stored: internal fields and the values of the collection's column attributes. */
export interface StoredDocument {
  $id: string
  /** The internal, insertion-ordered ID (utopia `$internalId`). */
  $sequence: number
  $createdAt: string
  $updatedAt: string
  $permissions: string[]
  /** Column attributes by key; relationship columns hold the related document's ID. */
  data: Record<string, unknown>
}

export type NewDocument = Omit<StoredDocument, '$sequence'>

export interface FindOptions {
  filters: Query[]
  orders: OrderTerm[]
  limit: number
  offset: number
  /** The document a cursor query names (already looked up), and which way to read from it. */
  cursor?: { document: StoredDocument; direction: 'after' | 'before' } | null
  /** Only documents granting `read` to one of these roles; null reads everything. */
  readableBy: string[] | null
}

/**
 * Documents of the config's collections. Implementations compile queries (and read permissions) to their own
 * SQL, and throw catalogue errors: `document_already_exists` for a repeated ID or unique index value.
 */
export interface DocumentStore {
  get(ref: CollectionRef, id: string): Promise<StoredDocument | null>
  find(ref: CollectionRef, options: FindOptions): Promise<StoredDocument[]>
  /** Matching documents, counted up to `max`. */
  count(ref: CollectionRef, options: { filters: Query[]; readableBy: string[] | null; max: number }): Promise<number>
  insert(ref: CollectionRef, document: NewDocument): Promise<StoredDocument>
  /** Replaces the document with the same `$sequence`: values and permissions. */
  update(ref: CollectionRef, document: StoredDocument): Promise<void>
  delete(ref: CollectionRef, id: string): Promise<boolean>
  /** Documents whose relationship column `key` holds `value`. */
  findByColumn(ref: CollectionRef, key: string, value: string): Promise<StoredDocument[]>
  /** The other side's IDs of a many-to-many relationship, in link order. */
  links(junction: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string): Promise<string[]>
  /** Replaces the links of document `id` on `side` with links to `otherIds`. */
  setLinks(junction: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string, otherIds: string[]): Promise<void>
  /** Removes every link of one document. */
  unlinkAll(junction: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string): Promise<void>
  /** Runs `work` in one transaction shared with the rest of the store; nested calls join it. Writes need one. */
  transaction<T>(work: () => Promise<T>): Promise<T>
  /** Deletes every document of one project. */
  wipeProject(projectId: string): Promise<void>
}

/** Cached documents are shared between requests: nothing may change them (both stores freeze what they cache). */
export function freezeDocument(doc: StoredDocument): StoredDocument {
  Object.freeze(doc.$permissions)
  for (const v of Object.values(doc.data)) if (Array.isArray(v)) Object.freeze(v)
  Object.freeze(doc.data)
  return Object.freeze(doc)
}
