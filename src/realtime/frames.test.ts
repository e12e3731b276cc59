import { constants, inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { deflateWindowOf, EventFrames, frameOf } from './frames.js'

/** The payload of a single server frame (unmasked), and whether RSV1 (compressed) is set. */
function parse(frame: Buffer): { compressed: boolean; payload: Buffer } {
  expect(frame[0]! & 0x8f).toBe(0x81) // FIN, text
  const len7 = frame[1]! & 0x7f
  const at = len7 === 126 ? 4 : len7 === 127 ? 10 : 2
  const length = len7 === 126 ? frame.readUInt16BE(2) : len7 === 127 ? Number(frame.readBigUInt64BE(2)) : len7
  expect(frame.length).toBe(at + length)
  return { compressed: (frame[0]! & 0x40) !== 0, payload: frame.subarray(at) }
}

const event = Buffer.from(JSON.stringify({ type: 'event', data: { events: Array.from({ length: 20 }, (_, i) => `databases.main.collections.open.documents.d${i}.create`) } }))

describe('realtime frames', () => {
  it('the negotiated window: none without permessage-deflate, 15 by default, the accepted server_max_window_bits', () => {
    expect(deflateWindowOf('')).toBeNull()
    expect(deflateWindowOf('x-webkit-deflate-frame')).toBeNull()
    expect(deflateWindowOf('permessage-deflate; server_no_context_takeover; client_no_context_takeover')).toBe(15)
    expect(deflateWindowOf('permessage-deflate; server_max_window_bits=11; client_max_window_bits=15')).toBe(11)
    expect(deflateWindowOf('permessage-deflate; server_max_window_bits="9"')).toBe(9)
  })

  it('a plain frame carries the payload as is, with the 7-, 16- and 64-bit length forms', () => {
    for (const size of [0, 125, 126, 65535, 65536]) {
      const { compressed, payload } = parse(frameOf(Buffer.alloc(size, 0x61), false))
      expect(compressed).toBe(false)
      expect(payload.length).toBe(size)
    }
  })

  it('a compressed frame has RSV1 set and inflates (with the RFC 7692 tail put back) to the same message', () => {
    const frames = new EventFrames(event)
    const { compressed, payload } = parse(frames.for(15))
    expect(compressed).toBe(true)
    expect(payload.length).toBeLessThan(event.length / 3)
    expect(inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), { windowBits: 15, finishFlush: constants.Z_SYNC_FLUSH }).equals(event)).toBe(true)
  })

  it('each frame is built once per event and window; a window below 9 bits gets the plain frame', () => {
    const frames = new EventFrames(event)
    expect(frames.for(15)).toBe(frames.for(12))
    expect(frames.for(null)).toBe(frames.for(8))
    expect(parse(frames.for(8)).compressed).toBe(false)
    const small = parse(frames.for(9))
    expect(small.compressed).toBe(true)
    expect(inflateRawSync(Buffer.concat([small.payload, Buffer.from([0, 0, 0xff, 0xff])]), { windowBits: 9, finishFlush: constants.Z_SYNC_FLUSH }).equals(event)).toBe(true)
  })
})
