import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { functionParams } from '../params.js'

/**
 * functions.createExecution — runs the function from appwrite.json for real: 201 with the finished execution
 * (its `responseBody` included), or 202 `waiting` when `async` (BEHAVIORS §17). Guests may call it.
 */
export default defineRoute({
  operation: 'functions.createExecution',
  method: 'POST',
  path: '/v1/functions/:functionId/executions',
  scope: 'execution.write',
  params: {
    functionId: p.uid(),
    body: functionParams.body().optional(''),
    async: functionParams.async().optional(false),
    path: functionParams.path().optional('/'),
    // The default is POST, although Appwrite's description says GET.
    method: functionParams.method().optional('POST'),
    headers: functionParams.headers().optional({}),
  },
  async handle({ params, caller, services }) {
    const { status, body } = await services.functions.createExecution(caller, {
      functionId: params.functionId,
      body: params.body ?? '',
      async: params.async ?? false,
      path: params.path ?? '/',
      method: params.method ?? 'POST',
      headers: params.headers ?? {},
    })
    return { status, body }
  },
})
