import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'

/**
 * The appwrite.json the test-feature suites run against: a staff-only collection (`read("team:staff")`), a
 * collection with document security, a bucket that compresses and encrypts, and a team `staff`.
 */
export const testFeaturesConfig = {
  projectId: 'features',
  databases: [{ $id: 'main', name: 'Main', enabled: true }],
  collections: [
    {
      $id: 'staffonly', databaseId: 'main', name: 'Staff only', enabled: true, documentSecurity: false,
      $permissions: ['create("users")', 'read("team:staff")'],
      attributes: [{ key: 'title', type: 'string', size: 64, required: true }],
      indexes: [],
    },
    {
      $id: 'notes', databaseId: 'main', name: 'Notes', enabled: true, documentSecurity: true,
      $permissions: ['create("users")'],
      attributes: [
        { key: 'title', type: 'string', size: 64, required: true },
        { key: 'body', type: 'string', size: 1000, required: false },
        { key: 'n', type: 'integer', required: false },
      ],
      indexes: [{ key: 'ft_body', type: 'fulltext', attributes: ['body'], orders: [] }],
    },
  ],
  buckets: [
    {
      $id: 'photos', name: 'Photos', enabled: true, $permissions: ['create("users")', 'read("users")', 'delete("users")'], fileSecurity: false,
      maximumFileSize: 30_000_000, allowedFileExtensions: [], compression: 'gzip', encryption: true, antivirus: true,
    },
    {
      $id: 'plain', name: 'Plain', enabled: true, $permissions: ['create("any")', 'read("any")', 'delete("any")'], fileSecurity: false,
      maximumFileSize: 30_000_000, allowedFileExtensions: [], compression: 'none', encryption: false, antivirus: true,
    },
  ],
  teams: [{ $id: 'staff', name: 'Staff' }],
}

/** Writes the config to a fresh folder and returns its path. */
export function writeTestFeaturesConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-features-'))
  const file = join(dir, 'appwrite.json')
  writeFileSync(file, JSON.stringify(testFeaturesConfig))
  return file
}

/** A control-API call answering JSON (or nothing for 204). */
export async function control(origin: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${origin}/_emulator${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
}

/** Like `control`, expecting `status`. */
export async function expectControl(origin: string, method: string, path: string, body: unknown, status: number): Promise<any> {
  const res = await control(origin, method, path, body)
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status)
  return res.body
}
