import { AppwriteException } from '../errors/appwrite-exception.js'
import { CONSOLE_PROJECT_ID } from '../services/projects/project-registry.js'
import type { Services } from '../services/index.js'
import type { Caller, ClientInfo } from './caller.js'
import { cookieName, decodeSession, fallbackKey, parseCookies } from './session-transport.js'
import { prefetchDevice } from './device.js'

/** Request headers as a protocol hands them over: lower-case names, a value or a list of values. */
export type RawHeaders = Readonly<Record<string, string | string[] | undefined>>

/** The first value of a header, whatever shape the protocol gave it. */
export function firstHeader(headers: RawHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

/**
 * Resolves the project (param `project`, else `X-Appwrite-Project`, else the console) and the user: session
 * cookie, its `_legacy` twin, `X-Appwrite-Session`, `X-Fallback-Cookies`, then `X-Appwrite-JWT` over all of
 * them. A bad session is silently a guest; a bad JWT is 401 `user_jwt_invalid`.
 */
export async function resolveCaller(
  request: { headers: RawHeaders; client: ClientInfo; input: Record<string, unknown> },
  services: Services,
): Promise<{ caller: Caller; usedFallback: boolean }> {
  const { headers, client, input } = request
  // An agent the common shapes miss is detected in the background now, so a sign-in later finds it ready.
  prefetchDevice(client.userAgent)
  const fromParam = typeof input.project === 'string' ? input.project : undefined
  const projectId = fromParam || firstHeader(headers, 'x-appwrite-project') || CONSOLE_PROJECT_ID
  const project = await services.projects.get(projectId)
  if (!project) throw new AppwriteException('project_not_found')

  const name = cookieName(project.id)
  const cookies = parseCookies(firstHeader(headers, 'cookie'), [name, `${name}_legacy`])
  let sessionString = cookies.get(name) || cookies.get(`${name}_legacy`) || firstHeader(headers, 'x-appwrite-session')
  const usedFallback = !sessionString
  if (!sessionString) {
    const fallback = firstHeader(headers, 'x-fallback-cookies')
    if (fallback) {
      try {
        const parsed = JSON.parse(fallback) as Record<string, unknown>
        const value = parsed?.[fallbackKey(project.id)]
        if (typeof value === 'string') sessionString = value
      } catch {
        // A malformed fallback header is ignored, like a missing one.
      }
    }
  }

  const caller: Caller = {
    project,
    user: null,
    session: null,
    authenticatedBy: null,
    roles: [],
    client,
    timestampHeader: firstHeader(headers, 'x-appwrite-timestamp') ?? null,
  }
  const decoded = decodeSession(sessionString)
  if (decoded) {
    const found = await services.sessions.resolve(project, decoded.userId, decoded.secret)
    if (found) Object.assign(caller, { user: found.user, session: found.session, authenticatedBy: 'session' })
  }
  const jwt = firstHeader(headers, 'x-appwrite-jwt')
  if (jwt) {
    const found = await services.sessions.resolveJwt(project, jwt)
    Object.assign(caller, found ? { user: found.user, session: null, authenticatedBy: 'jwt' } : { user: null, session: null, authenticatedBy: null })
  }
  caller.roles = await services.roles(caller)
  return { caller, usedFallback }
}

