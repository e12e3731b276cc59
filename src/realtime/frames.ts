import { constants, deflateRawSync } from 'node:zlib'

/**
 * An event's frames, built once for every socket that receives it: the plain text frame, and the same message
 * compressed per RFC 7692 for sockets that negotiated permessage-deflate. Each compressed message stands alone
 * (a fresh DEFLATE stream, no back-references to earlier messages), so one buffer is valid for every socket,
 * whatever context-takeover parameters it agreed to.
 */
export class EventFrames {
  private plainFrame: Buffer | null = null
  private deflated = new Map<number, Buffer>()

  constructor(private readonly payload: Buffer) {}

  /** The frame for a socket whose compression window is `windowBits` (null: no compression negotiated). */
  for(windowBits: number | null): Buffer {
    if (windowBits === null || windowBits < MIN_WINDOW_BITS) return (this.plainFrame ??= frameOf(this.payload, false))
    const bits = Math.min(windowBits, PREFERRED_WINDOW_BITS)
    let frame = this.deflated.get(bits)
    if (!frame) {
      const body = deflateRawSync(this.payload, { level: 6, windowBits: bits, memLevel: 8, finishFlush: constants.Z_SYNC_FLUSH })
      // RFC 7692 §7.2.1: a sync flush ends in 00 00 ff ff, which the sender removes and the receiver puts back.
      frame = frameOf(body.subarray(0, body.length - 4), true)
      this.deflated.set(bits, frame)
    }
    return frame
  }
}

/**
 * Zlib's raw DEFLATE cannot use a 256-byte window (it widens 8 to 9), so a client that allows the server
 * only that gets plain frames, which permessage-deflate always permits (RSV1 clear).
 */
const MIN_WINDOW_BITS = 9
/** A 1 KB window compresses an event (mostly its repeated event names) about as well as 32 KB, and faster. */
const PREFERRED_WINDOW_BITS = 10

/** A final, unmasked text frame around `payload` (RFC 6455 §5.2); RSV1 marks a compressed message (RFC 7692). */
export function frameOf(payload: Buffer, compressed: boolean): Buffer {
  const n = payload.length
  const first = compressed ? 0xc1 : 0x81
  let head: Buffer
  if (n < 126) head = Buffer.from([first, n])
  else if (n < 65536) head = Buffer.from([first, 126, n >> 8, n & 0xff])
  else {
    head = Buffer.alloc(10)
    head[0] = first
    head[1] = 127
    head.writeBigUInt64BE(BigInt(n), 2)
  }
  return Buffer.concat([head, payload])
}

/**
 * The server's compression window a socket agreed to, from the `Sec-WebSocket-Extensions` value `ws` accepted
 * (its public `extensions` string), or null when permessage-deflate was not negotiated.
 */
export function deflateWindowOf(extensions: string): number | null {
  for (const offer of extensions.split(',')) {
    const [name, ...params] = offer.split(';').map((part) => part.trim())
    if (name !== 'permessage-deflate') continue
    for (const param of params) {
      const [key, value] = param.split('=').map((part) => part.trim().replace(/^"|"$/g, ''))
      if (key === 'server_max_window_bits' && value !== undefined) return Number(value)
    }
    return 15
  }
  return null
}
