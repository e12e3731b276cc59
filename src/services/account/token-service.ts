import { randomInt } from 'node:crypto'
import { formatDate, type Clock } from '../../domain/dates.js'
import { hexSecret, uniqueId } from '../../domain/ids.js'
import type { Store, TokenRecord } from '../../store/types.js'
import { hashSecret } from './session-service.js'

/** Appwrite's token types. */
export type TokenType = 'verification' | 'recovery' | 'magic-url' | 'phone' | 'oauth2' | 'generic' | 'email-otp' | 'invite'

/** The session a token turns into (`Auth::getSessionProviderByTokenType` and the factor each flow proves). */
export const SESSION_BY_TOKEN: Partial<Record<TokenType, { provider: string; factors: string[] }>> = {
  'magic-url': { provider: 'magic-url', factors: ['email'] },
  'email-otp': { provider: 'token', factors: ['email'] },
  phone: { provider: 'phone', factors: ['phone'] },
  oauth2: { provider: 'oauth2', factors: ['email'] },
  generic: { provider: 'token', factors: ['token'] },
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

/** Secrets as Appwrite makes them: hex of a given length, or a numeric code. */
export const secrets = {
  hex: hexSecret,
  digits: (n = 6) => Array.from({ length: n }, () => randomInt(10)).join(''),
}

const ADJECTIVES = ['Brave', 'Calm', 'Clever', 'Eager', 'Gentle', 'Happy', 'Jolly', 'Kind', 'Lively', 'Lucky', 'Mighty', 'Noble', 'Proud', 'Quiet', 'Swift', 'Witty']
const NOUNS = ['Badger', 'Falcon', 'Fox', 'Heron', 'Koala', 'Lynx', 'Otter', 'Panda', 'Raven', 'Robin', 'Salmon', 'Tiger', 'Turtle', 'Walrus', 'Wolf', 'Yak']

/** A short phrase shown both in the app and in the email, so the user can tell the sign-in is theirs. */
export function securityPhrase(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${NOUNS[randomInt(NOUNS.length)]}`
}

/** Tokens: single-use secrets, stored only as hashes, with an expiry. */
export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Stores a new token inside the caller's transaction and returns it with its plain secret. */
  async create(projectId: string, input: { userId: string; type: TokenType; secret: string; lifetimeMs: number; phrase?: string }): Promise<TokenRecord> {
    const now = this.clock.now()
    const token: TokenRecord = {
      id: uniqueId(),
      userId: input.userId,
      createdAt: formatDate(now),
      type: input.type,
      secretHash: hashSecret(input.secret),
      expire: formatDate(now + input.lifetimeMs),
      phrase: input.phrase ?? '',
    }
    await this.store.tokens.insert(projectId, token)
    return token
  }

  /** The unexpired token of `userId` with this secret and one of `types`, or null. */
  async find(projectId: string, userId: string, secret: string, types: readonly TokenType[]): Promise<TokenRecord | null> {
    const hash = hashSecret(secret)
    const tokens = await this.store.tokens.list(projectId, { user_id: userId })
    const now = this.clock.now()
    return tokens.find((t) => t.secretHash === hash && types.includes(t.type as TokenType) && Date.parse(t.expire) >= now) ?? null
  }

  /** Deletes a used token (inside the caller's transaction). */
  async consume(projectId: string, token: TokenRecord): Promise<void> {
    await this.store.tokens.delete(projectId, token.id)
  }
}
