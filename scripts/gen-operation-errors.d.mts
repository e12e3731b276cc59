/** Where the generated file lives, relative to the package root. */
export const OUTPUT: string
/** How many calls deep from a handler the walk follows. */
export const MAX_DEPTH: number
export interface GeneratedErrors {
  /** Operation → the error types its handler's code can raise, sorted. */
  errors: Record<string, string[]>
  /** The error types the shared pipeline (`runOperation`) can raise for some route, sorted. */
  pipeline: string[]
  /** What could not be told: non-literal error types, calls cut at MAX_DEPTH, route files without a route. */
  notes: string[]
}
/** Walks the handlers of `root`'s route files and the shared pipeline. */
export function generateOperationErrors(root?: string): GeneratedErrors
/** The generated file's text. */
export function renderOperationErrors(generated: Pick<GeneratedErrors, 'errors' | 'pipeline'>): string
