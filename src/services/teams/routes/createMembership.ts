import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { teamParams } from '../params.js'

/**
 * teams.createMembership — an owner invites by user ID, email or phone (in that precedence); the invitation link
 * goes out through the outbox. Needs the `invites` auth method; 10 an hour per URL and IP.
 */
export default defineRoute({
  operation: 'teams.createMembership',
  method: 'POST',
  path: '/v1/teams/:teamId/memberships',
  scope: 'teams.write',
  authMethod: 'invites',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},ip:{ip}'] },
  params: {
    teamId: p.uid(),
    email: p.email().optional(),
    userId: p.uid().optional(),
    phone: p.phone().optional(),
    roles: teamParams.roles(),
    url: teamParams.invitationUrl().optional(),
    name: p.text(128).optional(),
  },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.memberships.create(caller, params) }
  },
})
