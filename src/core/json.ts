/** JSON as Appwrite writes it: UTF-8, `/` escaped as `\/` (PHP's json_encode). */
export function toJson(body: unknown): string {
  return JSON.stringify(body).replace(/\//g, '\\/')
}
