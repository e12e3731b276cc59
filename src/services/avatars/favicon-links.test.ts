import { describe, expect, it } from 'vitest'
import { chooseFavicon, linkTags } from './favicon-links.js'

describe('linkTags', () => {
  it('reads quoted, unquoted and entity-encoded attributes and skips comments', () => {
    const html = `<!-- <link rel="icon" href="/commented.png"> --><link rel=icon href='/a.png?x=1&amp;y=2' sizes=32x32 /><link REL="stylesheet" href="s.css">`
    expect(linkTags(html)).toEqual([
      { rel: 'icon', href: '/a.png?x=1&y=2', sizes: '32x32' },
      { rel: 'stylesheet', href: 's.css' },
    ])
  })
})

describe('chooseFavicon', () => {
  const page = 'https://example.com/blog/post'

  it('takes the largest icon, a later equal size replacing an earlier one', () => {
    const html = `<link rel="icon" href="/16.png" sizes="16x16"><link rel="icon" href="/a32.png" sizes="32x32"><link rel="shortcut icon" href="/b32.png" sizes="32x32">`
    expect(chooseFavicon(html, page)).toEqual({ href: 'https://example.com/b32.png', ext: 'png' })
  })

  it('ignores other rels and other file types', () => {
    const html = `<link rel="apple-touch-icon" href="/touch.png" sizes="180x180"><link rel="icon" href="/icon.svg"><link rel="icon" href="/icon.jpeg">`
    expect(chooseFavicon(html, page)).toEqual({ href: 'https://example.com/icon.jpeg', ext: 'jpeg' })
  })

  it('resolves relative hrefs against the page', () => {
    expect(chooseFavicon('<link rel="icon" href="img/f.ico">', page).href).toBe('https://example.com/blog/img/f.ico')
  })

  it('falls back to /favicon.ico on the page host, port kept', () => {
    expect(chooseFavicon('<p>none</p>', 'http://127.0.0.1:8080/x')).toEqual({ href: 'http://127.0.0.1:8080/favicon.ico', ext: 'ico' })
  })
})
