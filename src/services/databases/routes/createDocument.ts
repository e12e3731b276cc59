import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { DOCUMENTS_PATH, jsonParam, writeLimit } from '../params.js'

/** databases.createDocument — checked against the collection's create permission; the creator gets read/update/delete by default. */
export default defineRoute({
  operation: 'databases.createDocument',
  method: 'POST',
  path: DOCUMENTS_PATH,
  scope: 'documents.write',
  rateLimit: writeLimit(120),
  params: { databaseId: p.uid(), collectionId: p.uid(), documentId: p.customId(), data: jsonParam(), permissions: p.permissions().optional(null) },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.databases.createDocument(caller, { ...params, permissions: params.permissions ?? null }) }
  },
})
