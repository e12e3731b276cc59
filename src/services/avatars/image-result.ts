import type { Clock } from '../../domain/dates.js'
import type { RouteResult } from '../../core/route.js'
import type { AvatarImage } from './avatars-service.js'

const DAY_MS = 24 * 3600 * 1000

/**
 * An avatar response: the image with its content type, `Expires` `days` ahead in PHP's
 * `date('D, d M Y H:i:s') . ' GMT'` shape, and `X-Appwrite-Cache` on routes with Appwrite's cache label.
 */
export function imageResult(image: AvatarImage, clock: Clock, days: number, headers: Record<string, string> = {}): RouteResult {
  return {
    status: 200,
    headers: {
      Expires: new Date(clock.now() + days * DAY_MS).toUTCString(),
      ...(image.cache && { 'X-Appwrite-Cache': image.cache }),
      ...headers,
    },
    raw: { contentType: image.contentType, data: image.data },
  }
}
