import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { describeWithShared, sharedPath } from '../../../test/harness/shared.js'
import { extractSpecTypes } from './testing/extract-spec.js'

const FILE = fileURLToPath(new URL('./spec-types.json', import.meta.url))

/**
 * `spec-types.json` is generated, never edited: it must equal a fresh extraction from the client spec.
 * `GRAPHQL_SPEC_WRITE=1 npx vitest run src/services/graphql/spec-types.test.ts` rewrites it.
 */
describeWithShared('spec-types.json against client-openapi3.json', () => {
  it('is the extraction of the spec', () => {
    const spec = JSON.parse(readFileSync(sharedPath('appwrite-1.5/client-openapi3.json'), 'utf8'))
    const fresh = `${JSON.stringify(extractSpecTypes(spec))}\n`
    if (process.env.GRAPHQL_SPEC_WRITE) writeFileSync(FILE, fresh)
    expect(readFileSync(FILE, 'utf8'), 'regenerate with GRAPHQL_SPEC_WRITE=1').toBe(fresh)
  })
})
