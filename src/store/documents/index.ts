import type { ProjectTemplate } from '../../config/appwrite-json.js'
import type { Store } from '../types.js'
import { buildSchemas, type SchemaSet } from './schema.js'
import type { DocumentStore } from './types.js'

export type { DocumentStore } from './types.js'

/**
 * The document store beside a record store: each backend keeps documents in its own database (SQLite's file,
 * PostgreSQL's tables) and shares its transactions, so one request's writes commit together. Schema tables are created (or extended) here.
 */
export function openDocumentStore(store: Store, template: ProjectTemplate): { documents: DocumentStore; schemas: SchemaSet } {
  const schemas = buildSchemas(template)
  return { documents: store.openDocuments(schemas), schemas }
}
