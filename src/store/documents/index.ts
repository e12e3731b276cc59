import type { ProjectTemplate } from '../../config/appwrite-json.js'
import type { SqliteConnection } from '../sqlite/connection.js'
import type { Store } from '../types.js'
import { buildSchemas, type SchemaSet } from './schema.js'
import { SqliteDocumentStore } from './sqlite-document-store.js'
import type { DocumentStore } from './types.js'

export type { DocumentStore } from './types.js'

/**
 * The document store beside a record store: SQLite documents live in the same database file and share its
 * transactions, so one request's writes commit together. Schema tables are created (or extended) here.
 */
export function openDocumentStore(store: Store, template: ProjectTemplate): { documents: DocumentStore; schemas: SchemaSet } {
  const schemas = buildSchemas(template)
  const connection = (store as { connection?: SqliteConnection }).connection
  if (!connection) throw new Error('documents need the SQLite store (no other document store is built yet)')
  return { documents: new SqliteDocumentStore(connection, schemas), schemas }
}
