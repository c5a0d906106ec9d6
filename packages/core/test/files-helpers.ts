// Shared by files.test.ts and fs.test.ts: comparing with node:fs.

import { execFileSync } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { chmodSync, mkdirSync, writeFileSync, type BigIntStats, type Stats } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'

/** The fields node:fs puts on its system errors. */
export function errorShape(err: unknown): Record<string, unknown> {
  const e = err as Record<string, unknown>
  const shape: Record<string, unknown> = { code: e.code, errno: e.errno, syscall: e.syscall }
  if ('path' in e) shape.path = e.path
  if ('dest' in e) shape.dest = e.dest
  return shape
}

/** What `fn` throws or rejects with. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

/** Our error and node:fs's for the same operation have the same code, errno, syscall, path and dest. */
export async function expectSameError(ours: () => unknown, node: () => unknown): Promise<Record<string, unknown>> {
  const theirs = errorShape(await caught(node))
  expect(errorShape(await caught(ours))).toEqual(theirs)
  return theirs
}

/** Same prototype, same own keys in the same order, same values (Dates by time), same answers from the is*() methods. */
export function expectSameStats(ours: Stats | BigIntStats, theirs: Stats | BigIntStats): void {
  expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(theirs))
  expect(Object.keys(ours)).toEqual(Object.keys(theirs))
  const a = ours as unknown as Record<string, unknown>
  const b = theirs as unknown as Record<string, unknown>
  for (const key of Object.keys(b)) {
    if (b[key] instanceof Date) expect([key, (a[key] as Date).getTime()]).toEqual([key, (b[key] as Date).getTime()])
    else expect([key, a[key]]).toEqual([key, b[key]])
  }
  for (const method of ['isFile', 'isDirectory', 'isSymbolicLink', 'isFIFO', 'isSocket', 'isCharacterDevice', 'isBlockDevice'] as const) {
    expect([method, ours[method]()]).toEqual([method, theirs[method]()])
  }
}

/** `size` random bytes written to `path`. */
export function randomFile(path: string, size: number): Buffer {
  const data = Buffer.allocUnsafe(size)
  for (let at = 0; at < size; at += 1 << 20) randomFillSync(data, at, Math.min(1 << 20, size - at))
  writeFileSync(path, data)
  return data
}

/**
 * Runs `script` (an ES module body) as user nobody (setpriv), where
 * permissions apply as they do not to root; returns what it printed as JSON.
 * undefined, with the reason, when setpriv cannot do that here.
 */
export function runAsNobody(dir: string, script: string): unknown {
  const home = join(dir, 'nobody')
  mkdirSync(home, { recursive: true })
  chmodSync(dir, 0o755)
  chmodSync(home, 0o755)
  const file = join(home, 'child.mjs')
  writeFileSync(file, script)
  try {
    const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    return JSON.parse(out)
  } catch (err) {
    return { unavailable: String((err as { stderr?: string }).stderr ?? (err as Error).message).trim() }
  }
}
