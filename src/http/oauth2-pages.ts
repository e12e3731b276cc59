import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { renderError } from '../errors/render.js'
import { isValidKey } from '../domain/ids.js'
import { clientInfo } from './client-info.js'
import { sessionCookies, encodeSession, fallbackKey } from '../core/session-transport.js'
import type { Services } from '../services/index.js'
import { DEFAULT_FAILURE_PATH, DEFAULT_SUCCESS_PATH, SignInInputError, type PendingSignIn, type SignInOutcome } from '../services/account/oauth2/oauth2-service.js'
import { errorPage, landingPage, signInPage } from '../services/account/oauth2/pages.js'
import { isOAuth2Provider, providerName } from '../services/account/oauth2/providers.js'
import { urlOrigin } from '../services/account/oauth2/redirect-url.js'

/** The client routes whose errors Appwrite renders as an HTML page (their `error` label). */

const PAGE_HEADERS = {
  'Cache-Control': 'no-store, no-cache, must-revalidate, max-age=0',
  Pragma: 'no-cache',
  // The page's URL carries the sign-in's state, and the success URL may carry a token: neither leaks onwards.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
}

interface AuthorizeRoute {
  Params: { provider: string }
  Querystring: { state?: string }
  Body: { state?: unknown; email?: unknown; name?: unknown; action?: unknown }
}

/**
 * The emulator's OAuth2 pages, outside the client API: the stand-in sign-in page at
 * `/_emulator/oauth2/<provider>/authorize`, the default landing pages, and the HTML error rendering of the two
 * OAuth2 routes. These pages answer any client (they are what a phone on the LAN opens), unlike the control API.
 */
export function registerOAuth2Pages(app: FastifyInstance, services: Services): void {
  app.get<AuthorizeRoute>('/_emulator/oauth2/:provider/authorize', async (req, reply) => {
    const signIn = await findSignIn(services, req.params.provider, req.query.state)
    if (!signIn) return sendUnknownSignIn(reply)
    return sendSignInPage(reply, services, signIn, 200)
  })

  app.post<AuthorizeRoute>('/_emulator/oauth2/:provider/authorize', async (req, reply) => {
    const form = typeof req.body === 'object' && req.body !== null ? req.body : {}
    const signIn = await findSignIn(services, req.params.provider, form.state)
    if (!signIn) return sendUnknownSignIn(reply)
    if (form.action === 'cancel') return sendOutcome(req, reply, await services.oauth2.cancel(signIn))
    try {
      return sendOutcome(req, reply, await services.oauth2.complete(signIn, { email: form.email, name: form.name }, clientInfo(req)))
    } catch (error) {
      if (error instanceof SignInInputError) {
        const again = { email: typeof form.email === 'string' ? form.email : '', name: typeof form.name === 'string' ? form.name : '', error: error.message }
        return sendSignInPage(reply, services, signIn, 400, again)
      }
      if (!(error instanceof AppwriteException)) req.log.error({ err: error }, 'OAuth2 sign-in failed')
      const rendered = renderError(error)
      return reply.code(rendered.status).headers(PAGE_HEADERS).type('text/html; charset=UTF-8').send(errorPage(rendered.body))
    }
  })

  for (const kind of ['success', 'failure'] as const) {
    app.get<{ Querystring: Record<string, unknown> }>(kind === 'success' ? DEFAULT_SUCCESS_PATH : DEFAULT_FAILURE_PATH, async (req, reply) => {
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : ''
      const project = isValidKey(req.query.project) ? req.query.project : null
      const error = kind === 'failure' ? errorMessage(req.query.error) : null
      const csp = `${PAGE_HEADERS['Content-Security-Policy']}; script-src 'unsafe-inline'`
      return reply.headers({ ...PAGE_HEADERS, 'Content-Security-Policy': csp }).type('text/html; charset=UTF-8').send(landingPage(kind, query, project, error))
    })
  }
}

async function findSignIn(services: Services, provider: string, state: unknown): Promise<PendingSignIn | null> {
  const signIn = await services.oauth2.find(state)
  return signIn && signIn.provider === provider ? signIn : null
}

async function sendSignInPage(
  reply: FastifyReply,
  services: Services,
  signIn: PendingSignIn,
  status: number,
  form: { email?: string; name?: string; error?: string } = {},
): Promise<FastifyReply> {
  if (!isOAuth2Provider(signIn.provider)) return sendUnknownSignIn(reply)
  const html = signInPage({
    provider: signIn.provider,
    providerName: providerName(signIn.provider),
    projectId: signIn.projectId,
    state: signIn.id,
    token: signIn.token,
    scopes: signIn.scopes,
    returnTo: urlOrigin(signIn.success),
    linkedTo: await services.oauth2.linkedUserLabel(signIn),
    ...form,
  })
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=UTF-8').send(html)
}

function sendUnknownSignIn(reply: FastifyReply): FastifyReply {
  const message = 'This sign-in request is unknown, already used or expired. Start the sign-in again from the app.'
  return reply.code(404).headers(PAGE_HEADERS).type('text/html; charset=UTF-8').send(errorPage({ code: 404, type: 'general_route_not_found', message }))
}

/**
 * The redirect to `success` or `failure`. A form POST is answered with 303, so the browser follows with a GET.
 * The session flow sets both cookies (and `X-Fallback-Cookies`, which browsers ignore on a navigation).
 */
function sendOutcome(req: FastifyRequest, reply: FastifyReply, outcome: SignInOutcome): FastifyReply {
  const { session } = outcome
  if (session) {
    const value = encodeSession(session.userId, session.secret)
    const client = clientInfo(req)
    reply.header('Set-Cookie', sessionCookies({ projectId: session.projectId, value, expires: new Date(session.expire), hostname: client.hostname, secure: client.protocol === 'https' }))
    // deviation: sent whatever the domains; Appwrite leaves it out when API and page share a registrable domain.
    reply.header('X-Fallback-Cookies', JSON.stringify({ [fallbackKey(session.projectId)]: value }).replace(/\//g, '\\/'))
  }
  return reply.code(303).headers({ ...PAGE_HEADERS, Location: outcome.location }).send()
}

function errorMessage(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  try {
    const parsed = JSON.parse(raw) as { message?: unknown }
    return typeof parsed.message === 'string' ? parsed.message : null
  } catch {
    return null
  }
}
