import type { ExecutionRecord } from '../../store/types.js'

/** The Execution model of Appwrite 1.5 (Response::MODEL_EXECUTION). */
export interface ExecutionModel {
  $id: string
  $createdAt: string
  $updatedAt: string
  $permissions: string[]
  functionId: string
  trigger: ExecutionRecord['trigger']
  status: ExecutionRecord['status']
  requestMethod: string
  requestPath: string
  requestHeaders: { name: string; value: string }[]
  responseStatusCode: number
  responseBody: string
  responseHeaders: { name: string; value: string }[]
  logs: string
  errors: string
  duration: number
}

/**
 * An execution as an API answer. Client callers never see logs and errors (functions.php blanks them for
 * anyone but privileged users and API keys); the response body is only known to the sync call that ran it.
 */
export function executionModel(r: ExecutionRecord, options: { responseBody?: string; withLogs?: boolean } = {}): ExecutionModel {
  return {
    $id: r.id,
    $createdAt: r.createdAt,
    $updatedAt: r.updatedAt,
    $permissions: r.permissions,
    functionId: r.functionId,
    trigger: r.trigger,
    status: r.status,
    requestMethod: r.requestMethod,
    requestPath: r.requestPath,
    requestHeaders: r.requestHeaders,
    responseStatusCode: r.responseStatusCode,
    responseBody: options.responseBody ?? '',
    responseHeaders: r.responseHeaders,
    logs: options.withLogs ? r.logs : '',
    errors: options.withLogs ? r.errors : '',
    duration: r.duration,
  }
}
