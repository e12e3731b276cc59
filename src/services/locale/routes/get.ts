import { defineRoute } from '../../../core/route.js'
import { requestLocale } from '../request-locale.js'

const CACHE_SECONDS = 60 * 60 * 24 * 45

/**
 * locale.get — where the caller's IP is (X-Forwarded-For counts only with `--trust-proxy`). Loopback and private
 * addresses have no record and answer "Unknown"/"--". Cacheable for 45 days, as Appwrite says.
 */
export default defineRoute({
  operation: 'locale.get',
  method: 'GET',
  path: '/v1/locale',
  scope: 'locale.read',
  params: {},
  async handle({ caller, services, input, headers }) {
    return {
      status: 200,
      headers: {
        'Cache-Control': `public, max-age=${CACHE_SECONDS}`,
        Expires: new Date(services.clock.now() + CACHE_SECONDS * 1000).toUTCString(),
      },
      body: await services.locale.locate(caller.client.ip, requestLocale(input, headers)),
    }
  },
})
