import { createRequire } from 'node:module'
import type { DeviceInfo } from '../store/types.js'

type Detector = { detect(ua: string): DetectResult }
interface DetectResult {
  os: { name?: string; short_name?: string; version?: string }
  client: { type?: string; name?: string; short_name?: string; version?: string; engine?: string; engine_version?: string }
  device: { type?: string; brand?: string; model?: string }
}

let detector: Detector | null = null
const cache = new Map<string, DeviceInfo>()
const CACHE_LIMIT = 500

// Appwrite's device detector truncates versions to major.minor ("70.0" for Chrome 70.0.3538.77).
const minor = (v = '') => v.split('.').slice(0, 2).join('.')

/**
 * Device fields of a User-Agent, parsed by node-device-detector (a port of the Matomo detector Appwrite uses).
 * The detector loads its rules on first use, so start-up stays fast.
 */
export function detectDevice(userAgent: string): DeviceInfo {
  const hit = cache.get(userAgent)
  if (hit) return hit
  if (!detector) {
    const DeviceDetector = createRequire(import.meta.url)('node-device-detector') as new (options: object) => Detector
    detector = new DeviceDetector({ clientIndexes: true, deviceIndexes: true, deviceAliasCode: false })
  }
  const r = detector.detect(userAgent.slice(0, 1024))
  const info: DeviceInfo = {
    osCode: r.os.short_name ?? '',
    osName: r.os.name ?? '',
    osVersion: r.os.version ?? '',
    clientType: r.client.type ?? '',
    clientCode: r.client.short_name ?? '',
    clientName: r.client.name ?? '',
    clientVersion: minor(r.client.version),
    clientEngine: r.client.engine ?? '',
    clientEngineVersion: minor(r.client.engine_version),
    deviceName: r.device.type ?? '',
    deviceBrand: r.device.brand ?? '',
    deviceModel: r.device.model ?? '',
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
  cache.set(userAgent, info)
  return info
}
