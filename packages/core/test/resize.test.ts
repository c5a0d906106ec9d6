// @module-tag ring
import { spawnSync } from 'node:child_process'
import { closeSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import { kernelAtLeast, requireKernel, requires, resizeRings } from '@iouring/register'
import { skipIfUnsupported } from '@iouring/tooling/skip'
import { emptyPipe, tempDir } from './helpers.js'

const require = createRequire(import.meta.url)

let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

describe('resize (IORING_REGISTER_RESIZE_RINGS)', () => {
  it('grows the rings; an operation in flight survives the move; old views are detached', async (ctx) => {
    // Known before a read is left pending: the kernel's version (register opcodes have no probe).
    skipIfUnsupported(ctx, () => requireKernel('IORING_REGISTER_RESIZE_RINGS', requires('REGISTER_RESIZE_RINGS')))
    const ring = new IoUring({ entries: 4, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
    const pipe = emptyPipe(dir)
    try {
      const pending = ring.read(pipe, Buffer.alloc(5))
      expect(await ring.nop()).toBe(0)
      const oldSqes = ring.sqes
      ring.resize({ sqEntries: 64, cqEntries: 256 })
      expect(ring.params.sqEntries).toBe(64)
      expect(ring.params.cqEntries).toBe(256)
      expect(ring.sqes.byteLength).toBe(64 * 64)
      expect(oldSqes.buffer.byteLength).toBe(0)
      expect(() => oldSqes.getUint8(0)).toThrow(TypeError)
      // 64 operations now fit in one submission. (Each wake-up of a
      // DEFER_TASKRUN ring enters once more, to run its task work.)
      const before = ring.stats.enterCalls - ring.stats.wakeups
      const results = await Promise.all(Array.from({ length: 64 }, () => ring.nop()))
      expect(results.every((r) => r === 0)).toBe(true)
      expect(ring.stats.enterCalls - ring.stats.wakeups - before).toBeLessThanOrEqual(3)
      writeSync(pipe, 'moved')
      expect(await pending).toBe(5)
      resizeRings(ring, { sqEntries: 8 })
      expect(ring.params.sqEntries).toBe(8)
      expect(ring.params.cqEntries).toBe(16)
      expect(await ring.nop()).toBe(0)
    } finally {
      await ring.dispose()
      closeSync(pipe)
    }
  })

  it('refuses a ring the kernel cannot resize, and bad sizes, and leaves the ring working', async () => {
    const ring = new IoUring({ entries: 4 })
    try {
      // A ring without DEFER_TASKRUN: EINVAL from 6.13, the version that can resize; before it, refused naming 6.13.
      const refusal = kernelAtLeast('6.13')
        ? { code: 'EINVAL', syscall: 'io_uring_register', opcode: 'REGISTER_RESIZE_RINGS' }
        : { code: 'ERR_IOURING_UNSUPPORTED_OP', since: '6.13', message: expect.stringContaining('IORING_REGISTER_RESIZE_RINGS') }
      expect(() => ring.resize({ sqEntries: 16 })).toThrow(expect.objectContaining(refusal))
      expect(() => ring.resize({ sqEntries: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
      expect(ring.params.sqEntries).toBe(4)
      expect(await ring.nop()).toBe(0)
    } finally {
      await ring.dispose()
    }
    expect(() => ring.resize({ sqEntries: 8 })).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
  })

  // prlimit (util-linux) lowers this process's address-space limit so that
  // mapping the resized rings fails after the kernel has moved them.
  const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0
  if (!hasPrlimit) console.log('skipped: making the mapping of resized rings fail needs prlimit (util-linux), which is not installed')

  it.skipIf(!hasPrlimit)('when the moved rings cannot be mapped, the ring closes cleanly: its requests reject, new work is refused', (ctx) => {
    skipIfUnsupported(ctx, () => requireKernel('IORING_REGISTER_RESIZE_RINGS', requires('REGISTER_RESIZE_RINGS')))
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '-e',
        `
        const { execFileSync } = require('node:child_process')
        const fs = require('node:fs')
        const { IoUring } = require(process.env.CORE)
        const native = require(process.env.NATIVE)
        const [r, w] = native.pipe()
        const ring = new IoUring({ entries: 8, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
        const pending = ring.read(r, Buffer.alloc(4)).catch((err) => err.code)
        const limit = (soft) => execFileSync('prlimit', ['--pid', String(process.pid), '--as=' + soft + ':unlimited'])
        globalThis.gc()
        // Room for small allocations, not for the largest rings (a 2 MiB SQE array and a 1 MiB
        // CQ): more than what the heap may give back meanwhile.
        limit(Number(/VmSize:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024 + 256 * 1024)
        let outcome = 'resized'
        try {
          ring.resize({ sqEntries: 32768, cqEntries: 65536 })
        } catch (err) {
          outcome = err.code
        }
        limit('unlimited')
        console.log(outcome, ring.closed)
        try {
          ring.nop()
        } catch (err) {
          console.log(err.code)
        }
        pending.then((code) => console.log(code))
      `,
      ],
      { encoding: 'utf8', timeout: 20_000, env: { ...process.env, CORE: require.resolve('@iouring/core'), NATIVE: require.resolve('@iouring/native') } },
    )
    expect(child.stderr).toBe('')
    expect(child.stdout).toBe('ENOMEM true\nERR_IOURING_CLOSED\nECANCELED\n')
    expect(child.status).toBe(0)
  })
})
