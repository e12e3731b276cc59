import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { DOCUMENTS_PATH, documentQueriesParam } from '../params.js'

/** databases.getDocument — a document the caller cannot read answers exactly like a missing one (404). */
export default defineRoute({
  operation: 'databases.getDocument',
  method: 'GET',
  path: `${DOCUMENTS_PATH}/:documentId`,
  scope: 'documents.read',
  params: { databaseId: p.uid(), collectionId: p.uid(), documentId: p.uid(), queries: documentQueriesParam().optional([]) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.databases.getDocument(caller, { ...params, queries: params.queries ?? [] }) }
  },
})
