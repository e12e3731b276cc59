/** A piece of text, and the URL it is when it is one. */
export interface TextPart {
  text: string
  href?: string
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"')\]]+/g

/** Splits text into plain parts and http(s) links, so the outbox can make links clickable without parsing HTML. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const at = match.index ?? 0
    if (at > last) parts.push({ text: text.slice(last, at) })
    parts.push({ text: match[0], href: match[0] })
    last = at + match[0].length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}
