import { formatDate } from '../../../domain/dates.js'
import type { SessionRecord, Store } from '../../../store/types.js'
import { fakeProviderTokens, isOAuth2Provider, type ProviderTokens } from './providers.js'

/**
 * `PATCH /account/sessions/{id}` refreshes the provider tokens of a session the OAuth2 session flow made, as
 * Appwrite asks the provider to (BEHAVIORS §10). Here the stand-in provider's tokens get a new expiry, on the
 * session (returned, for the caller to store) and on the identity behind it. Other sessions get null.
 */
export async function refreshProviderTokens(store: Store, projectId: string, session: SessionRecord, now: number): Promise<ProviderTokens | null> {
  if (!isOAuth2Provider(session.provider) || !session.providerUid) return null
  const tokens = fakeProviderTokens(session.provider, session.providerUid, now)
  const identity = await store.identities.findOne(projectId, { user_id: session.userId, provider: session.provider, provider_uid: session.providerUid })
  if (identity) await store.identities.update(projectId, { ...identity, ...tokens, updatedAt: formatDate(now) })
  return tokens
}
