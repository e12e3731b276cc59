import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { Clock } from '../../domain/dates.js'

// jose is loaded on first use: most runs never see a JWT, and start-up time counts.
let jose: Promise<typeof import('jose')> | null = null
const loadJose = () => (jose ??= import('jose'))

const LIFETIME_SECONDS = 900
const LEEWAY_SECONDS = 10

/** HS256 JWTs as Appwrite issues them: `{userId, sessionId, exp}`, 15 minutes, verified with 10 s leeway. */
export class JwtIssuer {
  private readonly key: Uint8Array

  constructor(secret: string, private readonly clock: Clock) {
    this.key = new TextEncoder().encode(secret)
  }

  async sign(userId: string, sessionId: string): Promise<string> {
    const { SignJWT } = await loadJose()
    const exp = Math.floor(this.clock.now() / 1000) + LIFETIME_SECONDS
    return new SignJWT({ userId, sessionId }).setProtectedHeader({ typ: 'JWT', alg: 'HS256' }).setExpirationTime(exp).sign(this.key)
  }

  /** The claims of a valid token; otherwise 401 `user_jwt_invalid` with Appwrite's reason. */
  async verify(token: string): Promise<{ userId: string; sessionId: string }> {
    if (token.split('.').length !== 3) throw invalid('Incomplete segments')
    const { errors, jwtVerify } = await loadJose()
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        clockTolerance: LEEWAY_SECONDS,
        currentDate: new Date(this.clock.now()),
      })
      if (typeof payload.userId !== 'string' || typeof payload.sessionId !== 'string') throw invalid('Invalid payload')
      return { userId: payload.userId, sessionId: payload.sessionId }
    } catch (error) {
      if (error instanceof AppwriteException) throw error
      if (error instanceof errors.JWTExpired) throw invalid('Expired')
      if (error instanceof errors.JWSSignatureVerificationFailed) throw invalid('Signature failed')
      throw invalid('Invalid token')
    }
  }
}

const invalid = (reason: string) => new AppwriteException('user_jwt_invalid', `Failed to verify JWT. Invalid token: ${reason}`)
