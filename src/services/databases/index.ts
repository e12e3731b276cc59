import type { RouteDefinition } from '../../core/route.js'
import createDocument from './routes/createDocument.js'
import deleteDocument from './routes/deleteDocument.js'
import getDocument from './routes/getDocument.js'
import listDocuments from './routes/listDocuments.js'
import updateDocument from './routes/updateDocument.js'

/** The databases service's client routes: the 5 document operations (BEHAVIORS §8). */
export const databasesRoutes: RouteDefinition<any>[] = [listDocuments, createDocument, getDocument, updateDocument, deleteDocument]
