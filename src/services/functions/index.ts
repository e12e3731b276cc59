import type { RouteDefinition } from '../../core/route.js'
import createExecution from './routes/createExecution.js'
import getExecution from './routes/getExecution.js'
import listExecutions from './routes/listExecutions.js'

export { FunctionsService } from './functions-service.js'

/** The functions service's client routes: executions of the functions in appwrite.json (BEHAVIORS §17). */
export const functionsRoutes: RouteDefinition<any>[] = [listExecutions, createExecution, getExecution]
