import { errorCatalog, type ErrorType } from './catalog.js'

/** An error that renders as Appwrite's `{message, code, type, version}`. Services throw it; one handler writes it. */
export class AppwriteException extends Error {
  readonly type: ErrorType
  readonly code: number
  constructor(type: ErrorType, message?: string, options?: { cause?: unknown }) {
    super(message ?? errorCatalog[type].message, options)
    this.name = 'AppwriteException'
    this.type = type
    this.code = errorCatalog[type].code
  }
}

/** Shorthand for the most common param failure: ``Invalid `name` param: <description>``. */
export function invalidParam(name: string, description: string): AppwriteException {
  return new AppwriteException('general_argument_invalid', `Invalid \`${name}\` param: ${description}`)
}
