import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { DeviceInfo } from '../store/types.js'
import { commonDevice } from './device-common.js'

/** What node-device-detector answers, the fields we read. */
export interface DetectResult {
  os: { name?: string; short_name?: string; version?: string }
  client: { type?: string; name?: string; short_name?: string; version?: string; engine?: string; engine_version?: string }
  device: { type?: string; brand?: string; model?: string }
}

const OPTIONS = { clientIndexes: true, deviceIndexes: true, deviceAliasCode: false }
const MAX_LENGTH = 1024
const CACHE_LIMIT = 500
// More distinct unknown agents than this waiting at once are not prefetched (a flood of random agents).
const PREFETCH_LIMIT = 64

// Runs in the worker: the full detector, compiled off the event loop, one answer per message.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const DeviceDetector = require(workerData.modulePath)
const detector = new DeviceDetector(workerData.options)
parentPort.on('message', (m) => {
  try {
    const r = detector.detect(m.userAgent)
    parentPort.postMessage({ seq: m.seq, result: { os: r.os, client: r.client, device: r.device } })
  } catch (error) {
    parentPort.postMessage({ seq: m.seq, error: String((error && error.message) || error) })
  }
})
`

// Appwrite's device detector truncates versions to major.minor ("70.0" for Chrome 70.0.3538.77).
const minor = (v = '') => v.split('.').slice(0, 2).join('.')

/** The detector's answer as the DeviceInfo fields sessions and logs keep. */
export function toDeviceInfo(r: DetectResult): DeviceInfo {
  return {
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
}

const cache = new Map<string, DeviceInfo>()
const inFlight = new Map<string, Promise<DeviceInfo>>()

function remember(userAgent: string, info: DeviceInfo): DeviceInfo {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
  cache.set(userAgent, info)
  return info
}

/**
 * The full detector (node-device-detector, a port of the Matomo detector Appwrite uses) on a worker thread,
 * started on the first User-Agent the common shapes do not cover: its rules compile there, beside the event loop,
 * and its memory is only spent by processes that see such agents. Should the worker fail, the detector runs here.
 */
class DetectorThread {
  private worker: Worker | null = null
  private seq = 0
  private readonly waiting = new Map<number, { resolve: (r: DetectResult) => void; reject: (e: Error) => void }>()
  private local: { detect(ua: string): DetectResult } | null = null

  detect(userAgent: string): Promise<DetectResult> {
    if (this.local) return Promise.resolve(this.local.detect(userAgent))
    const worker = this.worker ?? this.start()
    if (!worker) return Promise.resolve(this.detectHere(userAgent))
    const seq = ++this.seq
    if (this.waiting.size === 0) worker.ref()
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject })
      worker.postMessage({ seq, userAgent })
    }).catch(() => this.detectHere(userAgent)) as Promise<DetectResult>
  }

  async stop(): Promise<void> {
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }

  private start(): Worker | null {
    let worker: Worker
    try {
      const modulePath = createRequire(import.meta.url).resolve('node-device-detector')
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath, options: OPTIONS } })
    } catch {
      return null
    }
    worker.on('message', (m: { seq: number; result?: DetectResult; error?: string }) => {
      const w = this.waiting.get(m.seq)
      this.waiting.delete(m.seq)
      if (this.waiting.size === 0) worker.unref()
      if (m.result) w?.resolve(m.result)
      else w?.reject(new Error(m.error))
    })
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null
      const waiting = [...this.waiting.values()]
      this.waiting.clear()
      for (const w of waiting) w.reject(error)
    }
    worker.on('error', fail)
    worker.on('exit', () => fail(new Error('device detector worker exited')))
    this.worker = worker
    return worker
  }

  /** The fallback: the detector on this thread (what every process did before the worker). */
  private detectHere(userAgent: string): DetectResult {
    if (!this.local) {
      const DeviceDetector = createRequire(import.meta.url)('node-device-detector') as new (options: object) => { detect(ua: string): DetectResult }
      this.local = new DeviceDetector(OPTIONS)
    }
    return this.local.detect(userAgent)
  }
}

const thread = new DetectorThread()

/**
 * Device fields of a User-Agent, as Appwrite's detector reads them. Common browsers, Node's fetch, curl and
 * in-process tests answer at once (src/core/device-common.ts); others ask the detector thread, once per agent.
 */
export function detectDevice(userAgent: string): Promise<DeviceInfo> {
  const known = knownDevice(userAgent)
  if (known) return Promise.resolve(known)
  const key = userAgent.slice(0, MAX_LENGTH)
  let pending = inFlight.get(key)
  if (!pending) {
    pending = thread.detect(key).then((result) => remember(userAgent, toDeviceInfo(result)))
    inFlight.set(key, pending)
    pending.finally(() => inFlight.delete(key)).catch(() => {})
  }
  return pending
}

/** The device fields if they are known without asking the detector (cached or a common shape). */
function knownDevice(userAgent: string): DeviceInfo | undefined {
  const hit = cache.get(userAgent)
  if (hit) return hit
  const common = commonDevice(userAgent)
  return common ? remember(userAgent, common) : undefined
}

/**
 * Starts detecting an agent the caches do not know, without waiting, so that a sign-in after a first request
 * (a sign-up, a read) finds its device fields ready instead of waiting inside its transaction. Costs a lookup.
 */
export function prefetchDevice(userAgent: string): void {
  if (cache.has(userAgent) || inFlight.size >= PREFETCH_LIMIT || knownDevice(userAgent)) return
  detectDevice(userAgent).catch(() => {})
}

/** Ends the detector thread (tests and shutdown); the next unknown agent starts a new one. */
export function stopDeviceDetector(): Promise<void> {
  return thread.stop()
}
