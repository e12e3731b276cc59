import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { DOCUMENTS_PATH, writeLimit } from '../params.js'

/** databases.deleteDocument — found without read permission, needs delete permission; `onDelete` of relationships applies. */
export default defineRoute({
  operation: 'databases.deleteDocument',
  method: 'DELETE',
  path: `${DOCUMENTS_PATH}/:documentId`,
  scope: 'documents.write',
  rateLimit: writeLimit(60),
  params: { databaseId: p.uid(), collectionId: p.uid(), documentId: p.uid() },
  async handle({ params, caller, services }) {
    await services.databases.deleteDocument(caller, params)
    return { status: 204 }
  },
})
