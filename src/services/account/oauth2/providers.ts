import { createHash } from 'node:crypto'
import { formatDate } from '../../../domain/dates.js'

/** Display names of the OAuth2 providers in Appwrite 1.5's `app/config/oAuthProviders.php`. */
const PROVIDER_NAMES = {
  amazon: 'Amazon',
  apple: 'Apple',
  auth0: 'Auth0',
  authentik: 'Authentik',
  autodesk: 'Autodesk',
  bitbucket: 'BitBucket',
  bitly: 'Bitly',
  box: 'Box',
  dailymotion: 'Dailymotion',
  discord: 'Discord',
  disqus: 'Disqus',
  dropbox: 'Dropbox',
  etsy: 'Etsy',
  facebook: 'Facebook',
  github: 'GitHub',
  gitlab: 'GitLab',
  google: 'Google',
  linkedin: 'LinkedIn',
  microsoft: 'Microsoft',
  notion: 'Notion',
  oidc: 'OpenID Connect',
  okta: 'Okta',
  paypal: 'PayPal',
  paypalSandbox: 'PayPal Sandbox',
  podio: 'Podio',
  salesforce: 'Salesforce',
  slack: 'Slack',
  spotify: 'Spotify',
  stripe: 'Stripe',
  tradeshift: 'Tradeshift',
  tradeshiftBox: 'Tradeshift Sandbox',
  twitch: 'Twitch',
  wordpress: 'WordPress',
  yahoo: 'Yahoo',
  yammer: 'Yammer',
  yandex: 'Yandex',
  zoho: 'Zoho',
  zoom: 'Zoom',
  // Hidden from the docs but accepted: Appwrite's own tests sign in through it.
  mock: 'Mock',
} as const

export type OAuth2Provider = keyof typeof PROVIDER_NAMES

/** Every provider name the spec's `OAuthProvider` enum accepts, in its order; matched case-sensitively, as Appwrite's WhiteList(…, true). */
export const OAUTH2_PROVIDERS = Object.keys(PROVIDER_NAMES) as OAuth2Provider[]

export function isOAuth2Provider(value: string): value is OAuth2Provider {
  return Object.hasOwn(PROVIDER_NAMES, value)
}

/** The provider's name as people know it, e.g. `GitHub` for `github`. */
export function providerName(provider: OAuth2Provider): string {
  return PROVIDER_NAMES[provider]
}

/**
 * The user ID the stand-in provider reports for an email: a stable number derived from provider and email, so
 * the same email always maps to the same identity, in every run and every emulator instance.
 */
export function fakeProviderUid(provider: OAuth2Provider, email: string): string {
  const digest = createHash('sha256').update(`${provider}\n${email.toLowerCase()}`).digest('hex')
  return BigInt(`0x${digest.slice(0, 13)}`).toString()
}

/** How long a stand-in access token lives; Appwrite's mock provider says 14 400 s, real providers mostly one hour. */
const ACCESS_TOKEN_SECONDS = 3600
const MOCK_ACCESS_TOKEN_SECONDS = 14_400

export interface ProviderTokens {
  providerAccessToken: string
  providerRefreshToken: string
  providerAccessTokenExpiry: string
}

/**
 * The tokens the stand-in provider hands out. They are stable (derived from provider and user ID, so a refresh
 * gives the same strings) and only their expiry moves. `mock` returns the values of Appwrite's mock provider.
 */
export function fakeProviderTokens(provider: OAuth2Provider, providerUid: string, now: number): ProviderTokens {
  if (provider === 'mock') {
    return { providerAccessToken: '123456', providerRefreshToken: 'tuvwxyz', providerAccessTokenExpiry: formatDate(now + MOCK_ACCESS_TOKEN_SECONDS * 1000) }
  }
  const derive = (kind: string) => createHash('sha256').update(`${kind}\n${provider}\n${providerUid}`).digest('hex').slice(0, 40)
  return {
    providerAccessToken: `emu_at_${derive('access')}`,
    providerRefreshToken: `emu_rt_${derive('refresh')}`,
    providerAccessTokenExpiry: formatDate(now + ACCESS_TOKEN_SECONDS * 1000),
  }
}
