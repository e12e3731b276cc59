import { AsyncLocalStorage } from 'node:async_hooks'
import { rolesFor } from '../domain/permissions.js'
import type { ExplainedCheck, PermissionCheck } from './public-types.js'
export type { ExplainedCheck, PermissionCheck }



/** What one request did that the decision log reports: its permission checks and the events it published. */
export interface RequestTrace {
  checks: PermissionCheck[]
  events: string[]
}

// A request that checks more than this (a list resolving relationships) keeps its first ones only.
const MAX_CHECKS = 32
const MAX_EVENTS = 64

const traces = new AsyncLocalStorage<RequestTrace>()

/** Runs `work` with a fresh trace that services' reports land in (the operation core calls it once per request). */
export function runTraced<T>(trace: RequestTrace, work: () => Promise<T>): Promise<T> {
  return traces.run(trace, work)
}

/**
 * Called by access checks (databases, storage) with what they looked at. A no-op outside a traced request; inside
 * one it stores references only, so the check costs one push; explaining happens when the log is read.
 */
export function reportPermission(check: PermissionCheck): void {
  const trace = traces.getStore()
  if (trace && trace.checks.length < MAX_CHECKS) trace.checks.push(check)
}

/** Records an event the current request published (the bus listener the test features install calls it). */
export function reportEvent(name: string): void {
  const trace = traces.getStore()
  if (trace && trace.events.length < MAX_EVENTS) trace.events.push(name)
}

/** A check with its granting role, or the roles that would have granted it. */
export function explainCheck(check: PermissionCheck, callerRoles: readonly string[]): ExplainedCheck {
  const roles = rolesFor(check.permissions, check.action)
  const grantedBy = roles.find((role) => callerRoles.includes(role)) ?? null
  return { ...check, permissions: [...check.permissions], grantedBy, wouldGrant: grantedBy ? [] : [...new Set(roles)] }
}
