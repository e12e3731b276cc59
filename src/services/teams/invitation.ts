import { newUserRecord } from '../account/new-user.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { hexSecret, uniqueId } from '../../domain/ids.js'
import type { Caller } from '../../core/caller.js'
import { composeEmail, type Outbox } from '../../outbox/outbox.js'
import { UniqueViolation, type MembershipRecord, type Store, type TeamRecord, type UserRecord } from '../../store/types.js'
import { hashPassword } from '../account/passwords.js'

/** Who to invite, as the `createMembership` params name them. */
export interface InviteeInput {
  userId: string
  email: string
  phone: string
  name: string
}

/**
 * Finds the invitee with Appwrite's precedence, userId > email > phone, refusing params that name two different
 * users, and returns the email and phone the invitation goes to: the user's own when found by ID.
 */
export async function findInvitee(store: Store, projectId: string, input: InviteeInput): Promise<{ invitee: UserRecord | null; email: string; phone: string }> {
  let { email, phone } = input
  if (input.userId) {
    const invitee = await store.users.get(projectId, input.userId)
    if (!invitee) throw new AppwriteException('user_not_found', "User with given userId doesn't exist.")
    if (email && invitee.email !== email) throw new AppwriteException('user_already_exists', "Given userId and email doesn't match")
    if (phone && invitee.phone !== phone) throw new AppwriteException('user_already_exists', "Given userId and phone doesn't match")
    return { invitee, email: invitee.email ?? '', phone: invitee.phone ?? '' }
  }
  if (email) {
    const invitee = await store.users.findOne(projectId, { email })
    if (invitee && phone && invitee.phone !== phone) throw new AppwriteException('user_already_exists', "Given email and phone doesn't match")
    return { invitee, email, phone }
  }
  return { invitee: await store.users.findOne(projectId, { phone }), email, phone }
}

/**
 * Creates the user an invitation names when there is none yet: a random password nobody knows and no
 * `passwordUpdate`, so they can set one later without the old one. Runs inside the invitation's transaction.
 */
export async function createInvitee(store: Store, caller: Caller, input: { email: string; phone: string; name: string; now: string }): Promise<UserRecord> {
  const project = caller.project
  const limit = project.settings.security.limit
  if (limit > 0 && !project.isConsole && (await store.users.count(project.id)) >= limit) {
    throw new AppwriteException('user_count_exceeded', 'Project registration is restricted. Contact your administrator for more information.')
  }
  // An email another account signs in with through OAuth2 is not revealed: a plain bad request.
  if (input.email && (await store.identities.findOne(project.id, { provider_email: input.email }))) throw new AppwriteException('general_bad_request')
  const { now } = input
  const user = newUserRecord(uniqueId(), now, {
    name: input.name,
    email: input.email || null,
    phone: input.phone || null,
    // An invited user gets a random password nobody knows; passwordUpdate stays empty until they set one.
    passwordHash: await hashPassword(hexSecret(32)),
  })
  try {
    await store.users.insert(project.id, user)
  } catch (error) {
    throw error instanceof UniqueViolation ? new AppwriteException('user_already_exists') : error
  }
  return user
}

/** The invitation link: the app's `url` with `membershipId`, `userId`, `secret` and `teamId` merged into its query. */
export function invitationLink(url: string, params: { membershipId: string; userId: string; secret: string; teamId: string }): string {
  const link = new URL(url)
  for (const [key, value] of Object.entries(params)) link.searchParams.set(key, value)
  return link.toString()
}

/** Sends the invitation by email when there is an address, else by SMS (Appwrite's order). */
export async function sendInvitation(
  outbox: Outbox,
  caller: Caller,
  invitation: { team: TeamRecord; invitee: UserRecord; membership: MembershipRecord; email: string; phone: string; url: string; secret: string },
): Promise<void> {
  const { team, invitee, membership, email, phone, url, secret } = invitation
  const project = caller.project
  const data = { userId: invitee.id, secret, url, teamId: team.id, membershipId: membership.id }
  const inviter = caller.user?.name || caller.user?.email || 'A team owner'
  if (email) {
    const body = composeEmail({
      greeting: `Hello ${invitee.name || email},`,
      lines: [
        `${inviter} invited you to join the ${team.name} team at ${project.name}.`,
        'Open the link to accept. If you did not expect this invitation, you can ignore this email.',
      ],
      action: { label: `Join ${team.name}`, url },
    })
    await outbox.send(project.id, { channel: 'email', to: email, subject: `Invitation to ${team.name} Team at ${project.name}`, ...body, data })
  } else if (phone) {
    // deviation: Appwrite answers `general_phone_disabled` without an SMS provider; the outbox always delivers.
    const text = `${inviter} invited you to the ${team.name} team at ${project.name}: ${url}`
    await outbox.send(project.id, { channel: 'sms', to: phone, subject: '', text, html: '', data })
  }
}
