import { AppwriteException } from '../errors/appwrite-exception.js'

/** User and team prefs live in a 65,535-char string attribute in Appwrite. */
export const PREFS_LIMIT = 65_535

/**
 * The length of a value as PHP's `json_encode` writes it with default flags: non-ASCII as `\uXXXX` (astral
 * characters as two of them, so 12 chars) and `/` as `\/`. Appwrite measures prefs this way.
 */
export function phpJsonLength(value: unknown): number {
  let n = 0
  for (const ch of JSON.stringify(value)) {
    const code = ch.codePointAt(0)!
    n += code > 0xffff ? 12 : code > 0x7f ? 6 : ch === '/' ? 2 : 1
  }
  return n
}

/** Refuses prefs longer than the attribute, with the structure error Appwrite's database raises. */
export function assertPrefsFit(prefs: Record<string, unknown>): void {
  if (phpJsonLength(prefs) > PREFS_LIMIT) {
    throw new AppwriteException(
      'document_invalid_structure',
      `Invalid document structure: Attribute "prefs" has invalid type. Value must be a valid string and no longer than ${PREFS_LIMIT} chars`,
    )
  }
}
