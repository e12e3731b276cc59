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

/**
 * Called by access checks (databases, storage) with what they looked at, on the caller's trace. A no-op for a
 * caller nothing traces; otherwise it stores references only, so the check costs one push; explaining happens
 * when the log is read.
 */
export function reportPermission(trace: RequestTrace | undefined, check: PermissionCheck): void {
  if (trace && trace.checks.length < MAX_CHECKS) trace.checks.push(check)
}

/** Records an event a request published, on its caller's trace (the bus listener the test features install calls it). */
export function reportEvent(trace: RequestTrace | undefined, name: string): void {
  if (trace && trace.events.length < MAX_EVENTS) trace.events.push(name)
}

/** A check with its granting role, or the roles that would have granted it. */
export function explainCheck(check: PermissionCheck, callerRoles: readonly string[]): ExplainedCheck {
  const roles = rolesFor(check.permissions, check.action)
  const grantedBy = roles.find((role) => callerRoles.includes(role)) ?? null
  return { ...check, permissions: [...check.permissions], grantedBy, wouldGrant: grantedBy ? [] : [...new Set(roles)] }
}
