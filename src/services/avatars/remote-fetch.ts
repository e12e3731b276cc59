import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { isIpLiteral, isPublicAddress } from './address-guard.js'

/** How far a remote fetch may go. */
export interface FetchLimits {
  /** Everything, redirects included, must finish within this time. */
  timeoutMs: number
  /** The most bytes a body may have. */
  maxBytes: number
  maxRedirects: number
  /** Allow loopback, private, link-local and metadata addresses (local testing only). */
  allowPrivate: boolean
  userAgent: string
  /** Replaces the address rule (tests pin it to one loopback address); default: public only unless `allowPrivate`. */
  isAllowedAddress?: (address: string) => boolean
  /** Replaces the DNS lookup (tests resolve made-up names without a network). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>
}

export type FetchFailure = 'refused' | 'unresolvable' | 'network' | 'timeout' | 'too_large' | 'too_many_redirects'

/** Why a fetch did not produce a response. */
export class RemoteFetchError extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
  ) {
    super(message)
    this.name = 'RemoteFetchError'
  }
}

/** The final response of a fetch (after redirects). */
export interface FetchedResponse {
  status: number
  contentType: string
  body: Buffer
  /** The URL that answered, after redirects. */
  url: string
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * GETs a http(s) URL for a hosted service: bounded in time, size and redirects, and unable to reach the
 * server's own network unless `allowPrivate`. Every address a name resolves to is checked, and the
 * connection uses the checked address itself (no second lookup a rebinding DNS server could answer
 * differently); each redirect is checked again.
 */
export async function fetchRemote(url: string, limits: FetchLimits): Promise<FetchedResponse> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs)
  try {
    let current = new URL(url)
    for (let redirects = 0; ; redirects++) {
      const response = await requestOnce(current, limits, controller.signal)
      const location = response.headers.location
      if (REDIRECTS.has(response.statusCode ?? 0) && location) {
        response.resume()
        if (redirects >= limits.maxRedirects) throw new RemoteFetchError('too_many_redirects', `more than ${limits.maxRedirects} redirects`)
        current = new URL(location, current)
        continue
      }
      const body = await readBody(response, limits.maxBytes)
      return { status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body, url: current.toString() }
    }
  } catch (error) {
    if (controller.signal.aborted) throw new RemoteFetchError('timeout', `no complete answer within ${limits.timeoutMs} ms`)
    if (error instanceof RemoteFetchError) throw error
    throw new RemoteFetchError('network', (error as Error).message)
  } finally {
    clearTimeout(timer)
  }
}

const allowedAddress = (limits: FetchLimits) => limits.isAllowedAddress ?? ((address: string) => limits.allowPrivate || isPublicAddress(address))

/** Refuses a URL whose scheme or host may not be fetched, before any lookup. */
export function checkHost(target: URL, limits: FetchLimits): void {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RemoteFetchError('refused', `scheme ${target.protocol} is not http(s)`)
  const host = target.hostname
  if (isIpLiteral(host)) {
    if (!allowedAddress(limits)(host.replace(/^\[|\]$/g, ''))) throw new RemoteFetchError('refused', `${host} is not a public address`)
    return
  }
  // Appwrite asks for a host with a public suffix (utopia Domain::isKnown); these names never have one.
  if (!limits.allowPrivate && (!host.includes('.') || /\.(localhost|local|internal|home\.arpa)$/.test(host))) {
    throw new RemoteFetchError('refused', `${host} is not a public host name`)
  }
}

const systemResolve = (hostname: string) =>
  new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))))

function guardedLookup(limits: FetchLimits): LookupFunction {
  const isAllowed = allowedAddress(limits)
  return (hostname, options, callback) => {
    const fail = (error: RemoteFetchError) => callback(error, '', 0)
    ;(limits.resolve ?? systemResolve)(hostname).then(
      (all) => {
        const addresses = all.filter((a) => !options.family || a.family === options.family)
        if (addresses.length === 0) return fail(new RemoteFetchError('unresolvable', `${hostname} does not resolve`))
        const refused = addresses.find((a) => !isAllowed(a.address))
        if (refused) return fail(new RemoteFetchError('refused', `${hostname} resolves to ${refused.address}, which is not public`))
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
        callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      () => fail(new RemoteFetchError('unresolvable', `${hostname} does not resolve`)),
    )
  }
}

function requestOnce(target: URL, limits: FetchLimits, signal: AbortSignal): Promise<IncomingMessage> {
  checkHost(target, limits)
  const client = target.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = client.get(target, {
      signal,
      lookup: guardedLookup(limits),
      headers: { 'user-agent': limits.userAgent, accept: '*/*', 'accept-encoding': 'identity' },
    })
    request.once('response', resolve)
    request.once('error', (error) => {
      const cause = (error as { cause?: unknown }).cause
      reject(error instanceof RemoteFetchError || !(cause instanceof RemoteFetchError) ? error : cause)
    })
  })
}

function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy()
    return Promise.reject(new RemoteFetchError('too_large', `the body is larger than ${maxBytes} bytes`))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (done: () => void) => {
      if (settled) return
      settled = true
      done()
    }
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        settle(() => reject(new RemoteFetchError('too_large', `the body is larger than ${maxBytes} bytes`)))
        response.destroy()
        return
      }
      chunks.push(chunk)
    })
    response.once('end', () => settle(() => resolve(Buffer.concat(chunks))))
    response.once('error', (error) => settle(() => reject(error)))
    response.once('aborted', () => settle(() => reject(new Error('the connection closed early'))))
  })
}
