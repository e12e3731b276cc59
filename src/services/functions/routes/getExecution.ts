import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** functions.getExecution — one execution; missing, unreadable or another function's answers `execution_not_found`. */
export default defineRoute({
  operation: 'functions.getExecution',
  method: 'GET',
  path: '/v1/functions/:functionId/executions/:executionId',
  scope: 'execution.read',
  params: { functionId: p.uid(), executionId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.functions.getExecution(caller, params.functionId, params.executionId) }
  },
})
