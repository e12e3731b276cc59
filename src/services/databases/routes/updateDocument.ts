import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { DOCUMENTS_PATH, jsonParam, writeLimit } from '../params.js'

/** databases.updateDocument — honours X-Appwrite-Timestamp; `$updatedAt` moves only when something changed. */
export default defineRoute({
  operation: 'databases.updateDocument',
  method: 'PATCH',
  path: `${DOCUMENTS_PATH}/:documentId`,
  scope: 'documents.write',
  rateLimit: writeLimit(120),
  params: { databaseId: p.uid(), collectionId: p.uid(), documentId: p.uid(), data: jsonParam().optional([]), permissions: p.permissions().optional(null) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.databases.updateDocument(caller, { ...params, permissions: params.permissions ?? null }) }
  },
})
