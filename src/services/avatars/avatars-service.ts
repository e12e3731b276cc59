import type { Clock } from '../../domain/dates.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { Caller } from '../../core/caller.js'
import { INITIALS_COLORS, initialsOf, renderInitials } from '../../images/initials.js'
import { renderQr } from '../../images/qr.js'
import { coverToPng, svgToPng } from '../../images/raster.js'
import { chooseFavicon } from './favicon-links.js'
import { iconSvg, type IconSetName } from './icon-sets.js'
import { ImageCache, type CachedImage } from './image-cache.js'
import { fetchRemote, RemoteFetchError, type FetchedResponse, type FetchLimits } from './remote-fetch.js'

/** An image to send, and whether the cache answered (`null` for routes without Appwrite's `cache` label). */
export interface AvatarImage extends CachedImage {
  cache: 'hit' | 'miss' | null
}

export interface AvatarsOptions {
  clock: Clock
  /** Let `/avatars/image` and `/avatars/favicon` reach loopback, private and link-local addresses. */
  allowPrivateUrls: boolean
  /** Overrides of the remote fetch limits (tests shorten them). */
  fetchLimits?: Partial<FetchLimits>
}

const PNG = 'image/png'
// Appwrite's own user agent shape (APP_USERAGENT), so remote servers see what they would see from Appwrite.
const USER_AGENT = 'Appwrite-Server v1.5.11. Please report abuse at security@appwrite.io'

/** Avatars (BEHAVIORS §15): icons, initials, QR codes and remote images, with Appwrite's cache label. */
export class AvatarsService {
  private readonly cache = new ImageCache()
  // Initials and QR codes carry no `cache` label in Appwrite (no X-Appwrite-Cache header), but the same params
  // give the same PNG, so the bytes are kept here, out of the labelled cache, and the answer stays unlabelled.
  private readonly generated = new ImageCache({ maxBytes: 32 * 1024 * 1024, maxEntries: 1000, ttlMs: Number.POSITIVE_INFINITY })
  private readonly limits: FetchLimits

  constructor(private readonly options: AvatarsOptions) {
    this.limits = {
      timeoutMs: 10_000,
      // Storage previews stop at 20 MB (_APP_STORAGE_PREVIEW_LIMIT); a remote avatar needs no more.
      maxBytes: 20 * 1024 * 1024,
      // curl's CURLOPT_MAXREDIRS in Appwrite's favicon fetch.
      maxRedirects: 3,
      allowPrivate: options.allowPrivateUrls,
      userAgent: USER_AGENT,
      ...options.fetchLimits,
    }
  }

  /** A browser, credit card or flag icon, cropped to `width`×`height` as Appwrite crops its PNGs. */
  async icon(projectId: string, set: IconSetName, code: string, size: { width: number; height: number; quality: number }): Promise<AvatarImage> {
    return this.cached(projectId, [set, code, size.width, size.height, size.quality], async () => ({
      contentType: PNG,
      data: await svgToPng(iconSvg(set, code), size.width, size.height, size.quality),
    }))
  }

  /** A remote image, cropped to `width`×`height`, PNG at quality 80 (avatars.php `getImage`). */
  async image(projectId: string, url: string, width: number, height: number): Promise<AvatarImage> {
    return this.cached(projectId, ['image', url, width, height], async () => {
      const fetched = await this.fetch(url, 'avatar_remote_url_failed')
      // file_get_contents gives false for an error status and '' for an empty body; both are "not found".
      if (!isSuccess(fetched) || fetched.body.length === 0) throw new AppwriteException('avatar_image_not_found')
      try {
        return { contentType: PNG, data: await coverToPng(fetched.body, width, height, 80) }
      } catch {
        // deviation: Appwrite answers 500 general_server_error "Unable to parse image"; we keep bad input off
        // the 500 path and say the URL holds no image.
        throw new AppwriteException('avatar_image_not_found')
      }
    })
  }

  /** A site's favicon: `.ico` as is, anything else as a 56×56 PNG at quality 80 (avatars.php `getFavicon`). */
  async favicon(projectId: string, url: string): Promise<AvatarImage> {
    return this.cached(projectId, ['favicon', url], async () => {
      const page = await this.fetch(url, 'avatar_remote_url_failed')
      // curl_exec returns the body whatever the status; only an empty answer counts as a failure.
      if (page.body.length === 0) throw new AppwriteException('avatar_remote_url_failed')
      // Relative hrefs resolve against the page that answered (after redirects), as a browser resolves them.
      const choice = chooseFavicon(page.body.toString('utf8'), page.url)
      const notFound = choice.ext === 'ico' ? 'Favicon not found' : undefined
      const icon = await this.fetch(choice.href, 'avatar_icon_not_found', notFound)
      if (!isSuccess(icon) || icon.body.length === 0) throw new AppwriteException('avatar_icon_not_found', notFound)
      if (choice.ext === 'ico') {
        // Appwrite sniffs only these two lower-case prefixes for an HTML page served in place of an icon.
        const head = icon.body.subarray(0, 5).toString('latin1')
        if (head === '<html' || head === '<!doc') throw new AppwriteException('avatar_icon_not_found', 'Favicon not found')
        return { contentType: 'image/x-icon', data: icon.body }
      }
      try {
        return { contentType: PNG, data: await coverToPng(icon.body, 56, 56, 80) }
      } catch {
        // deviation: Appwrite lets Imagick's exception through (500 general_unknown); we answer icon not found.
        throw new AppwriteException('avatar_icon_not_found')
      }
    })
  }

  /** Initials of `name`, else of the caller's name or email, punched out of a coloured square. */
  async initials(caller: Caller, options: { name: string; width: number; height: number; background: string }): Promise<AvatarImage> {
    const { width, height } = options
    if (width === 0 || height === 0) {
      // deviation: Appwrite's Imagick throws on an empty canvas (500); we answer 400 instead.
      throw new AppwriteException('general_argument_invalid', 'Image width and height must be at least 1 pixel.')
    }
    const name = options.name || caller.user?.name || caller.user?.email || ''
    const { initials, colorIndex } = initialsOf(name)
    const background = options.background ? `#${options.background}` : INITIALS_COLORS[colorIndex]!
    return this.unlabelled(['initials', initials, width, height, background], () => renderInitials({ initials, width, height, background }))
  }

  /** A QR code of `text`, `size` pixels square with a quiet zone of `margin` modules. */
  async qr(options: { text: string; size: number; margin: number }): Promise<AvatarImage> {
    return this.unlabelled(['qr', options.text, options.size, options.margin], () => renderQr(options.text, options.size, options.margin))
  }

  /** A PNG the params alone decide, rendered once per params and answered without a cache label. */
  private async unlabelled(parts: unknown[], render: () => Promise<Buffer>): Promise<AvatarImage> {
    const key = JSON.stringify(parts)
    const now = this.options.clock.now()
    const hit = this.generated.get(key, now)
    if (hit) return { ...hit, cache: null }
    const image = { contentType: PNG, data: await render() }
    this.generated.set(key, image, now)
    return { ...image, cache: null }
  }

  private async cached(projectId: string, parts: unknown[], produce: () => Promise<CachedImage>): Promise<AvatarImage> {
    // Appwrite keys its cache per project on the path and the raw params; ours uses the validated params.
    const key = `${projectId}\u0000${JSON.stringify(parts)}`
    const now = this.options.clock.now()
    const hit = this.cache.get(key, now)
    if (hit) return { ...hit, cache: 'hit' }
    const image = await produce()
    this.cache.set(key, image, now)
    return { ...image, cache: 'miss' }
  }

  /**
   * Fetches within the limits. A refused host answers `avatar_remote_url_failed`, as Appwrite's unknown-domain
   * check does for every URL it fetches; other failures answer `onFailure`.
   */
  private async fetch(url: string, onFailure: 'avatar_remote_url_failed' | 'avatar_icon_not_found', message?: string): Promise<FetchedResponse> {
    try {
      return await fetchRemote(url, this.limits)
    } catch (error) {
      if (!(error instanceof RemoteFetchError)) throw error
      if (error.reason === 'refused') throw new AppwriteException('avatar_remote_url_failed')
      throw new AppwriteException(onFailure, message)
    }
  }
}

const isSuccess = (response: FetchedResponse) => response.status >= 200 && response.status < 300
