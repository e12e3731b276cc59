import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { parseQueryString } from './body.js'

// The list shape SDKs send is read without qs; every string here must read exactly as qs reads it.
const qs = createRequire(import.meta.url)('qs') as { parse(text: string, options: object): unknown }
const viaQs = (text: string) => qs.parse(text, { arrayLimit: 1000, parameterLimit: 2000, depth: 5 })
const q = encodeURIComponent(JSON.stringify({ method: 'equal', attribute: 'category', values: ['c/7 +x'] }))

const CASES = [
  `queries[]=${q}`,
  `queries[]=${q}&queries[]=${q}`,
  `queries%5B%5D=${q}&queries%5B%5D=a`,
  `queries[]=a&project=p&project=q`,
  `queries[]=a+b&search=%E2%82%AC`,
  `queries[]=%E0%A4%A&x=%zz`,
  `queries[]&queries[]=`,
  `queries[]=a&queries=b`,
  `queries=b&queries[]=a`,
  `queries[0]=a&queries[1]=b`,
  `queries[1]=a&queries[0]=b`,
  `a[b]=c`,
  `toString[]=x&queries[]=a`,
  `__proto__[]=x`,
  `queries[]=a&&queries[]=b&`,
  `queries[]=${'v&queries[]='.repeat(150)}v`,
  `a[]=1&a[]=2&b[]=3`,
  `q%5B%5d=1`,
]

describe('PHP-style query strings', () => {
  it.each(CASES)('%s reads as qs reads it', (text) => {
    expect(parseQueryString(text)).toEqual(viaQs(text))
  })
})
