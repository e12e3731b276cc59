import type { DeviceInfo } from '../store/types.js'

// The User-Agents most requests carry, parsed without node-device-detector: its rules take about a second and
// 70 MB to compile, which the first sign-in after start must not wait for. Each shape below is strict (anchored,
// one platform list, versions as digits) and gives exactly what the detector gives for it; device-common.test.ts
// holds every shape against the detector itself. Anything else goes to the full detector (src/core/device.ts).

// Appwrite's device detector truncates versions to major.minor ("70.0" for Chrome 70.0.3538.77).
const minor = (v: string) => v.split('.').slice(0, 2).join('.')

const EMPTY: DeviceInfo = {
  osCode: '', osName: '', osVersion: '', clientType: '', clientCode: '', clientName: '', clientVersion: '',
  clientEngine: '', clientEngineVersion: '', deviceName: '', deviceBrand: '', deviceModel: '',
}

type Os = Pick<DeviceInfo, 'osCode' | 'osName' | 'osVersion' | 'deviceBrand'>
const WINDOWS_10: Os = { osCode: 'WIN', osName: 'Windows', osVersion: '10', deviceBrand: '' }
const LINUX: Os = { osCode: 'LIN', osName: 'GNU/Linux', osVersion: '', deviceBrand: '' }
const UBUNTU: Os = { osCode: 'UBT', osName: 'Ubuntu', osVersion: '', deviceBrand: '' }
const mac = (version: string): Os => ({ osCode: 'MAC', osName: 'Mac', osVersion: version.replaceAll('_', '.'), deviceBrand: 'Apple' })

const browser = (os: Os, client: { code: string; name: string; version: string; engine: string; engineVersion: string }): DeviceInfo => ({
  ...EMPTY,
  ...os,
  clientType: 'browser',
  clientCode: client.code,
  clientName: client.name,
  clientVersion: minor(client.version),
  clientEngine: client.engine,
  clientEngineVersion: minor(client.engineVersion),
  deviceName: 'desktop',
})

const MAC_VERSION = String.raw`(10_1[0-5](?:_\d)?)`
// Desktop Chrome 30 and later (Blink); Edge, Opera and the rest add tokens after `Safari/537.36` and are not matched.
const CHROME = new RegExp(
  String.raw`^Mozilla/5\.0 \((?:(Windows NT 10\.0(?:; Win64; x64)?)|Macintosh; Intel Mac OS X ${MAC_VERSION}|(X11; Linux x86_64))\) AppleWebKit/537\.36 \(KHTML, like Gecko\) Chrome/((?:[3-9]\d|[1-9]\d\d)(?:\.\d+){0,3}) Safari/537\.36$`,
)
const FIREFOX = new RegExp(
  String.raw`^Mozilla/5\.0 \((Windows NT 10\.0; Win64; x64|Macintosh; Intel Mac OS X 10\.15|X11; Linux x86_64|X11; Ubuntu; Linux x86_64); rv:(\d+\.\d+)\) Gecko/20100101 Firefox/(\d+\.\d+)$`,
)
const SAFARI = new RegExp(
  String.raw`^Mozilla/5\.0 \(Macintosh; Intel Mac OS X ${MAC_VERSION}\) AppleWebKit/605\.1\.15 \(KHTML, like Gecko\) Version/(1[0-9](?:\.\d+){0,2}) Safari/605\.1\.15$`,
)
// The detector reads no version from a bare `curl/8`, so the shape wants major.minor at least.
const CURL = /^curl\/(\d+\.\d+(?:\.\d+)?)$/
// Exact strings: Node's fetch ("node"), light-my-request (in-process tests), no header at all.
const EXACT: ReadonlyMap<string, DeviceInfo> = new Map([
  ['', EMPTY],
  ['node', EMPTY],
  ['lightMyRequest', EMPTY],
  ['undici', { ...EMPTY, clientType: 'library', clientName: 'undici' }],
])
const FIREFOX_OS: Readonly<Record<string, Os>> = {
  'Windows NT 10.0; Win64; x64': WINDOWS_10,
  'Macintosh; Intel Mac OS X 10.15': mac('10.15'),
  'X11; Linux x86_64': LINUX,
  'X11; Ubuntu; Linux x86_64': UBUNTU,
}

/** The device fields of a common User-Agent, the detector's own answer; undefined for any other. */
export function commonDevice(userAgent: string): DeviceInfo | undefined {
  const exact = EXACT.get(userAgent)
  if (exact) return exact
  if (!userAgent.startsWith('Mozilla/5.0 (')) {
    const curl = CURL.exec(userAgent)
    return curl ? { ...EMPTY, clientType: 'library', clientName: 'curl', clientVersion: minor(curl[1]!) } : undefined
  }
  let m = CHROME.exec(userAgent)
  if (m) {
    const os = m[1] ? WINDOWS_10 : m[2] ? mac(m[2]) : LINUX
    return browser(os, { code: 'CH', name: 'Chrome', version: m[4]!, engine: 'Blink', engineVersion: m[4]! })
  }
  m = FIREFOX.exec(userAgent)
  if (m && m[2] === m[3]) return browser(FIREFOX_OS[m[1]!]!, { code: 'FF', name: 'Firefox', version: m[3]!, engine: 'Gecko', engineVersion: m[2]! })
  m = SAFARI.exec(userAgent)
  if (m) return browser(mac(m[1]!), { code: 'SF', name: 'Safari', version: m[2]!, engine: 'WebKit', engineVersion: '605.1.15' })
  return undefined
}
