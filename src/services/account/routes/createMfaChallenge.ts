import { defineRoute } from '../../../core/route.js'
import { p, whiteListValidator, type Validator } from '../../../domain/params.js'
import { CHALLENGE_FACTORS, type ChallengeFactor } from '../mfa/mfa-service.js'

// utopia's non-strict WhiteList lower-cases its list, so the description (and the SDK's enum) say `recoverycode`.
// deviation: a factor in other letter case (`EMAIL`) is taken as its canonical spelling; Appwrite stores it as sent,
// sends nothing for it, and the challenge can then never be completed.
const factorValidator: Validator<ChallengeFactor> = {
  description: `Value must be one of (${CHALLENGE_FACTORS.map((f) => f.toLowerCase()).join(', ')})`,
  parse: (v) => whiteListValidator(CHALLENGE_FACTORS, true).parse(v),
}

/**
 * account.createMfaChallenge — a challenge for one factor, valid for an hour; email and phone get a 6-digit code.
 * Appwrite answers 200, not the spec's 201. In group `mfa`: this is how a session earns its second factor.
 */
export default defineRoute({
  operation: 'account.createMfaChallenge',
  method: 'POST',
  path: '/v1/account/mfa/challenge',
  scope: 'account',
  groups: ['mfa'],
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},token:{param-token}'] },
  params: { factor: p.custom(factorValidator) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.mfaChallenges.create(caller, params.factor) }
  },
})
