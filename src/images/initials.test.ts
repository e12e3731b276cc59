import { describe, expect, it } from 'vitest'
import { initialsOf } from './initials.js'

describe('initialsOf (avatars.php as written)', () => {
  it.each([
    ['walter o brian', 'WO', 1], // W 87 + O 79 = 166 → 6 → 6 % 5 = 1
    ['John Doe', 'JD', 2], // 74 + 68 = 142 → 2
    ['jane_doe', 'JD', 2], // no space: split on underscores
    ['Ann', 'A', 0], // 65 → 5 → 0
    ['Bob', 'B', 1], // 66 → 6 → 1
    ['A - B C', 'ABC', 3], // the second word adds nothing, so the loop runs on: 65 + 66 + 67 = 198 → 8 → 3
    ['élan vital', 'V', 1], // a multi-byte first letter is never ctype_alnum: 86 → 6 → 1
    ['  two  spaces', 'TS', 2], // empty words add nothing and do not stop the loop: 84 + 83 = 167 → 7 → 2
    ['', '', 0],
    ['9 lives', '9L', 3], // 57 + 76 = 133 → 3
  ])('%j → %s, colour %i', (name, initials, colorIndex) => {
    expect(initialsOf(name)).toEqual({ initials, colorIndex })
  })
})
