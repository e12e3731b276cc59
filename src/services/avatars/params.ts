import { validator, type Validator } from '../../domain/params.js'

/**
 * utopia `URL(['http', 'https'])`: what PHP's FILTER_VALIDATE_URL accepts (ASCII, a scheme and a host, no
 * spaces) with an http or https scheme.
 */
export const httpUrlValidator: Validator<string> = validator('Value must be a valid URL with following schemes (http, https)', (v) => {
  if (typeof v !== 'string' || !/^[\x21-\x7e]+$/.test(v)) return false
  try {
    const url = new URL(v)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && /^https?:\/\/[^/?#]/i.test(v)
  } catch {
    return false
  }
})

/** utopia `HexColor`: 3 or 6 hex digits, no `#`. */
export const hexColorValidator: Validator<string> = validator('Value must be a valid Hex color code', (v) => typeof v === 'string' && /^([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$/.test(v))
