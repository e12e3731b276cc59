import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { DOCUMENTS_PATH, documentQueriesParam } from '../params.js'

/** databases.listDocuments — queries compiled to SQL with the caller's read permissions; total counts the filters, up to 5000. */
export default defineRoute({
  operation: 'databases.listDocuments',
  method: 'GET',
  path: DOCUMENTS_PATH,
  scope: 'documents.read',
  params: { databaseId: p.uid(), collectionId: p.uid(), queries: documentQueriesParam().optional([]) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.databases.listDocuments(caller, { ...params, queries: params.queries ?? [] }) }
  },
})
