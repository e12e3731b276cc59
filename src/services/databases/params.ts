import { arrayValidator, p, textValidator, validator } from '../../domain/params.js'

/** utopia `JSON`: an array or object, or a string holding valid JSON. */
export const jsonParam = () =>
  p.custom(
    validator<unknown>('Value must be a valid JSON string', (v) => {
      if (typeof v === 'object' && v !== null) return true
      if (typeof v !== 'string') return false
      try {
        JSON.parse(v)
        return true
      } catch {
        return false
      }
    }),
  )

/** `ArrayList(Text(4096), 100)`: what the document routes declare for `queries`; the queries are validated later. */
export const documentQueriesParam = () => p.custom(arrayValidator(textValidator(4096), 100))

/** Document writes: 120 per minute (60 for deletes) per IP, method, route and user (databases.php). */
export const writeLimit = (limit: number) => ({ limit, window: 60, keys: ['ip:{ip},method:{method},url:{url},userId:{userId}'] })

export const DOCUMENTS_PATH = '/v1/databases/:databaseId/collections/:collectionId/documents'
