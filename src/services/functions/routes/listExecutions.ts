import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { functionParams } from '../params.js'

/** functions.listExecutions — the function's stored executions the caller may read; guests are refused by scope. */
export default defineRoute({
  operation: 'functions.listExecutions',
  method: 'GET',
  path: '/v1/functions/:functionId/executions',
  scope: 'execution.read',
  params: { functionId: p.uid(), queries: functionParams.executionQueries().optional([]), search: p.text(256).optional('') },
  async handle({ params, caller, services }) {
    const body = await services.functions.listExecutions(caller, { functionId: params.functionId, queries: params.queries ?? [], search: params.search ?? '' })
    return { status: 200, body }
  },
})
