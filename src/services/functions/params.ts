import { p, validator } from '../../domain/params.js'
import { listQueriesValidator, type QuerySchema } from '../../domain/query/list-query.js'

/**
 * `Appwrite\Utopia\Database\Validator\Queries\Executions`: trigger, status, responseStatusCode, duration and
 * the system attributes.
 */
// deviation: duration filters take whole numbers only; the shared query validator has no float type.
const EXECUTION_QUERY_SCHEMA: QuerySchema = { trigger: 'string', status: 'string', responseStatusCode: 'integer', duration: 'integer', $id: 'string', $createdAt: 'datetime', $updatedAt: 'datetime' }

/** Param builders of the functions routes. */
export const functionParams = {
  executionQueries: () => p.custom(listQueriesValidator(EXECUTION_QUERY_SCHEMA)),
  /** `Text(10485760, 0)`: Appwrite's limit on an execution's body. */
  body: () => p.text(10_485_760, 0),
  /** utopia `Boolean` (strict): JSON booleans only. */
  async: () => p.boolean(),
  path: () => p.text(2048),
  method: () => p.whiteList(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const),
  headers: () => p.custom(validator<Record<string, unknown>>('Value must be a valid object.', (v) => typeof v === 'object' && v !== null && !Array.isArray(v))),
}
