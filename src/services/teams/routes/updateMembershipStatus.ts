import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/**
 * teams.updateMembershipStatus — accepts an invitation with the link's `userId` and `secret`. Scope `public`, so
 * a guest can accept; the invitee is signed in (both session cookies and `X-Fallback-Cookies`).
 */
export default defineRoute({
  operation: 'teams.updateMembershipStatus',
  method: 'PATCH',
  path: '/v1/teams/:teamId/memberships/:membershipId/status',
  scope: 'public',
  params: { teamId: p.uid(), membershipId: p.uid(), userId: p.uid(), secret: p.text(256) },
  async handle({ params, caller, services }) {
    const { model, issued } = await services.memberships.updateStatus(caller, params.teamId, params.membershipId, { userId: params.userId, secret: params.secret })
    return { status: 200, body: model, startSession: { userId: issued.session.userId, secret: issued.secret, expire: issued.session.expire } }
  },
})
