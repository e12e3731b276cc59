import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { repoRoot } from '../harness/shared.js'

/** A fenced code block of the README. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number
  language: string
  code: string
  /** Marked `<!-- runnable -->` on the line before the fence. */
  runnable: boolean
}

/** Every fenced block of README.md, in order. */
export function readmeBlocks(file = resolve(repoRoot, 'README.md')): ReadmeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const blocks: ReadmeBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!)
    if (!open) continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!)
    let before = start - 1
    while (before >= 0 && lines[before]!.trim() === '') before--
    blocks.push({ line: start + 1, language: open[1]!, code: body.join('\n'), runnable: before >= 0 && lines[before]!.trim() === '<!-- runnable -->' })
  }
  return blocks
}
