// The document store contract on PostgreSQL (SQLite runs it in src/store/documents/sqlite-document-store.test.ts).
import { contractTemplate, documentStoreContract } from '../../src/store/documents/contract.case.js'
import { openDocumentStore } from '../../src/store/documents/index.js'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { createDatabase, describeWith } from './pg-harness.js'

describeWith(['postgres'], 'PostgreSQL document store', () => {
  for (const cached of [false, true]) {
    // Also with the read cache on (one process: the link only counts what it would publish).
    documentStoreContract(cached ? 'postgres, read cache' : 'postgres', async () => {
      const db = await createDatabase()
      const store = await PostgresStore.connect(db.url)
      if (cached) store.useReadCache({ live: true, publish: async () => {} })
      const { documents, schemas } = openDocumentStore(store, contractTemplate())
      return {
        store: documents,
        schemas,
        async close() {
          await store.close()
          await db.drop()
        },
      }
    })
  }
})
