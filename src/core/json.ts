/** JSON as Appwrite writes it: UTF-8, `/` escaped as `\/` (PHP's json_encode). */
export function toJson(body: unknown): string {
  const json = JSON.stringify(body)
  // Most bodies hold no `/`: a scan for one is cheaper than a replace pass that finds nothing.
  return json !== undefined && json.includes('/') ? json.replaceAll('/', '\\/') : json
}

const rendered = new WeakMap<object, Buffer>()

/**
 * Marks a body that will never change (a locale list) and renders it once: REST then sends these bytes instead
 * of serialising the body on every request, while GraphQL and the response filters still read the object. The
 * body is frozen, all the way down, so nothing can change it behind its bytes.
 */
export function renderOnce<T extends object>(body: T): T {
  rendered.set(deepFreeze(body), Buffer.from(toJson(body), 'utf8'))
  return body
}

/** The bytes `renderOnce` kept for this body, if it was rendered once. */
export function renderedJson(body: unknown): Buffer | undefined {
  return typeof body === 'object' && body !== null ? rendered.get(body) : undefined
}

/** Freezes a value all the way down, so a cached or shared value cannot be changed behind its owner's back. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const child of Object.values(value)) deepFreeze(child)
  return value
}
