/** One `<link>` tag's attributes, names lower-cased, entities decoded. */
export type TagAttributes = Record<string, string>

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" }
const decode = (s: string) => s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
  if (name[0] === '#') {
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1))
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole
  }
  return ENTITIES[name.toLowerCase()] ?? whole
})

/** The attributes of every `<link>` tag in an HTML document (comments skipped). */
export function linkTags(html: string): TagAttributes[] {
  const tags: TagAttributes[] = []
  const text = html.replace(/<!--[\s\S]*?-->/g, '')
  for (const tag of text.matchAll(/<link\b([^>]*)>/gi)) {
    const attributes: TagAttributes = {}
    for (const m of tag[1]!.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const name = m[1]!.toLowerCase()
      if (!(name in attributes)) attributes[name] = decode(m[2] ?? m[3] ?? m[4] ?? '')
    }
    tags.push(attributes)
  }
  return tags
}

/** A favicon candidate: its absolute URL and the extension that decides how it is served. */
export interface FaviconChoice {
  href: string
  ext: string
}

/**
 * The favicon Appwrite picks from a page (avatars.php `getFavicon`): `<link rel="icon">` or `rel="shortcut icon"`
 * (exactly, case-insensitive) whose URL path ends in .ico, .png, .jpg or .jpeg, the largest `sizes` winning and a
 * later equal one replacing an earlier; none → `/favicon.ico` on the page's host.
 */
export function chooseFavicon(html: string, pageUrl: string): FaviconChoice {
  let best: FaviconChoice | null = null
  let space = 0
  for (const link of linkTags(html)) {
    const rel = (link.rel ?? '').toLowerCase()
    if (rel !== 'icon' && rel !== 'shortcut icon') continue
    let absolute: URL
    try {
      // deviation: Appwrite merges parse_url() parts (keeping the page's query, mangling relative paths);
      // we resolve the href as a browser does.
      absolute = new URL(link.href ?? '', pageUrl)
    } catch {
      continue
    }
    const ext = /\.([^./]+)$/.exec(absolute.pathname)?.[1] ?? ''
    if (!['ico', 'png', 'jpg', 'jpeg'].includes(ext)) continue
    const [w, h] = (link.sizes ?? '').toLowerCase().split('x').map((part) => Number.parseInt(part, 10) || 0)
    const area = (w ?? 0) * (h ?? 0)
    if (area >= space) {
      space = area
      best = { href: absolute.toString(), ext }
    }
  }
  if (best) return best
  // deviation: Appwrite builds `scheme://host/favicon.ico` and so drops a port; we keep it (dev servers have one).
  const page = new URL(pageUrl)
  return { href: `${page.protocol}//${page.host}/favicon.ico`, ext: 'ico' }
}
