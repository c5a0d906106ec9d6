import { execFileSync } from 'node:child_process'
import { mkdtempSync, openSync, rmSync, constants } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, type TestContext } from 'vitest'
import { IoUring, availability, type Probe } from '@iouring/core'
import { kernelAtLeast, requires } from '@iouring/register'
import { skipUnless } from '@iouring/tooling/skip'

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'iouring-core-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * A fresh temp directory for each test of the file (or describe block) that
 * calls this: `at(...names)` is a path in it, `at()` the directory itself.
 */
export function tempDirPerTest(): (...names: string[]) => string {
  let current: { dir: string; cleanup: () => void } | undefined
  beforeEach(() => {
    current = tempDir()
  })
  afterEach(() => {
    current?.cleanup()
    current = undefined
  })
  return (...names) => join((current as { dir: string }).dir, ...names)
}

/** An empty FIFO opened read-write: a read on it stays pending until someone writes. */
export function emptyPipe(dir: string, name = 'fifo'): number {
  const path = join(dir, name)
  execFileSync('mkfifo', [path])
  return openSync(path, constants.O_RDWR)
}

export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  gc()
  gc()
}

let probed: Probe | undefined

/** Whether this kernel's probe has an opcode (by name without IORING_OP_). */
export function hasOp(name: string): boolean {
  if (probed === undefined) {
    const ring = new IoUring({ entries: 1 })
    probed = ring.probe()
    void ring.dispose()
  }
  return probed.supports(name)
}

/**
 * Skips the test unless this kernel's probe has every opcode named (without
 * IORING_OP_), printing the version that added the first one missing.
 */
export function needsOps(ctx: TestContext, ...names: string[]): void {
  for (const name of names) skipUnless(ctx, hasOp(name), `IORING_OP_${name}`, requires(name))
}

/** Skips the test unless this kernel has the register opcode `name` (io_uring_register has no probe: by version). */
export function needsRegisterOp(ctx: TestContext, name: string): void {
  const since = requires(name)
  skipUnless(ctx, kernelAtLeast(since), `IORING_${name}`, since)
}

/** The setup flags of a DEFER_TASKRUN ring. */
export const DEFER_SETUP = ['SINGLE_ISSUER', 'DEFER_TASKRUN']

let deferRefusal: string | null | undefined

/**
 * Why this kernel makes no DEFER_TASKRUN ring (the setup error, which names
 * the version that added the flag), or undefined where it makes one, or where
 * there are no rings at all (the file's 'ring' tag skips it then).
 */
export function deferTaskrunRefusal(): string | undefined {
  if (!availability().available) return undefined
  if (deferRefusal === undefined) {
    try {
      void new IoUring({ entries: 2, setup: DEFER_SETUP }).dispose()
      deferRefusal = null
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_IOURING_UNSUPPORTED_OP') throw err
      deferRefusal = (err as Error).message
    }
  }
  return deferRefusal ?? undefined
}
