// @module-tag ring
import { closeSync, writeSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import { resizeRings } from '@iouring/register'
import { emptyPipe, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

describe('resize (IORING_REGISTER_RESIZE_RINGS)', () => {
  it('grows the rings; an operation in flight survives the move; old views are detached', async () => {
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
      expect(() => ring.resize({ sqEntries: 16 })).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'io_uring_register', opcode: 'REGISTER_RESIZE_RINGS' }))
      expect(() => ring.resize({ sqEntries: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
      expect(ring.params.sqEntries).toBe(4)
      expect(await ring.nop()).toBe(0)
    } finally {
      await ring.dispose()
    }
    expect(() => ring.resize({ sqEntries: 8 })).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
  })
})
