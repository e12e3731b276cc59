import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commonDevice } from './device-common.js'
import { detectDevice, stopDeviceDetector, toDeviceInfo, type DetectResult } from './device.js'

// The full detector, loaded here on purpose: every common shape must answer exactly what it answers.
const DeviceDetector = createRequire(import.meta.url)('node-device-detector') as new (o: object) => { detect(ua: string): DetectResult }
const detector = new DeviceDetector({ clientIndexes: true, deviceIndexes: true, deviceAliasCode: false })
const full = (ua: string) => toDeviceInfo(detector.detect(ua))

const chromeVersions = ['30.0.1599.101', '99.0.4844.51', '120.0.0.0', '131.0.6778.86', '141.0.0.0']
const macs = ['10_10', '10_13_6', '10_14_6', '10_15', '10_15_7']
const chromePlatforms = ['Windows NT 10.0; Win64; x64', 'Windows NT 10.0', 'X11; Linux x86_64', ...macs.map((m) => `Macintosh; Intel Mac OS X ${m}`)]
const COMMON = [
  '', 'node', 'undici', 'lightMyRequest', 'curl/8.4.0', 'curl/7.81.0',
  ...chromePlatforms.flatMap((p) => chromeVersions.map((v) => `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v} Safari/537.36`)),
  ...['Windows NT 10.0; Win64; x64', 'Macintosh; Intel Mac OS X 10.15', 'X11; Linux x86_64', 'X11; Ubuntu; Linux x86_64'].flatMap((p) =>
    ['60.0', '115.0', '121.0', '133.0'].map((v) => `Mozilla/5.0 (${p}; rv:${v}) Gecko/20100101 Firefox/${v}`),
  ),
  ...macs.flatMap((m) => ['13.1.2', '16.6.1', '17.1', '18.0'].map((v) => `Mozilla/5.0 (Macintosh; Intel Mac OS X ${m}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v} Safari/605.1.15`)),
]
// Close to a common shape but not one: the full detector decides these.
const OTHERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/122.0',
  'Node', 'node-fetch', 'curl', 'curl/8', 'AppwriteNodeJSSDK/13.0.0 (linux; x64) Node.js/v20.19.0',
]

describe('common User-Agent shapes', () => {
  // An unknown agent makes the detector compile nearly all its rules once, so each case below is quick.
  beforeAll(() => void detector.detect('appwrite-emulator/warm-up'), 60_000)
  afterAll(() => stopDeviceDetector())

  it.each(COMMON)('%j answers what the full detector answers', (ua) => {
    expect(commonDevice(ua)).toEqual(full(ua))
  })

  it.each(OTHERS)('%j is left to the full detector', (ua) => {
    expect(commonDevice(ua)).toBeUndefined()
  })

  it('an agent outside the shapes is answered by the detector thread, with the same fields', async () => {
    for (const ua of OTHERS.slice(0, 4)) expect(await detectDevice(ua)).toEqual(full(ua))
  }, 30_000)

  it('a common agent is answered by its shape, without the detector thread, with the same fields', async () => {
    // The shape answers it (so detectDevice never reaches the thread), and with what the detector says.
    expect(commonDevice(COMMON[10]!)).toEqual(full(COMMON[10]!))
    expect(await detectDevice(COMMON[10]!)).toEqual(full(COMMON[10]!))
  })
})
