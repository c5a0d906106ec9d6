// @module-tag ring
// Rings created with DEFER_TASKRUN, driven by the event loop alone (no
// submitAndWait): completions that arrive as deferred task work (io-wq
// workers, timers, polls, other rings) must wake the loop.
import { closeSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import * as native from '@iouring/native'
import { registerEventfd, registerEventfdAsync, unregisterEventfd } from '@iouring/register'
import { DEFER_SETUP, deferTaskrunRefusal, emptyPipe, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
let ring: IoUring

// DEFER_TASKRUN came with Linux 6.1: on older kernels the file skips, saying so.
const unsupported = deferTaskrunRefusal()
if (unsupported !== undefined) console.warn(`skipped: ${unsupported}`)

beforeEach(async () => {
  ;({ dir, cleanup } = tempDir())
  ring = new IoUring({ entries: 16, setup: DEFER_SETUP })
  await loopPolled()
})

/**
 * libuv adds a new ring's fd to epoll in the loop's next poll phase, and epoll
 * checks it then: task work queued before that is seen there, without a
 * wake-up. Two check phases (setImmediate) have a poll phase between them.
 */
async function loopPolled(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve))
}

afterEach(async () => {
  await ring.dispose()
  cleanup()
})

describe.skipIf(unsupported !== undefined)('DEFER_TASKRUN rings driven by the event loop', () => {
  it('a stat (an io-wq completion) resolves with the file\'s Stats', async () => {
    const file = join(dir, 'data')
    writeFileSync(file, 'twelve bytes')
    const stats = await ring.stat(file)
    const expected = statSync(file)
    expect(stats.isFile()).toBe(true)
    expect(stats.size).toBe(12)
    for (const key of ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'size', 'mtimeMs'] as const) {
      expect(stats[key]).toBe(expected[key])
    }
    expect((await ring.stat(dir)).isDirectory()).toBe(true)
  })

  it('open for writing, write and close resolve; the bytes are on disk', async () => {
    const file = join(dir, 'written')
    const fd = await ring.open(file, 'w')
    expect(await ring.write(fd, Buffer.from('deferred'), 0)).toBe(8)
    expect(await ring.close(fd)).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('deferred')
  })

  it('200 stats at once (more than the SQ holds) each resolve with their own path\'s Stats', async () => {
    const names = [dir, join(dir, '..'), '/']
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => ring.stat(names[i % 3])))
    all.forEach((stats, i) => expect(stats.ino).toBe(statSync(names[i % 3]).ino))
  })

  it('a timeout fires after its duration', async () => {
    const start = performance.now()
    expect(await ring.timeout(30)).toBe(0)
    expect(performance.now() - start).toBeGreaterThanOrEqual(29)
  })

  it('a poll on a pipe resolves when another timer writes to it', async () => {
    const pipe = emptyPipe(dir)
    try {
      setTimeout(() => writeSync(pipe, 'x'), 20)
      const revents = await ring.pollAdd(pipe, 1 /* POLLIN */)
      expect(revents & 1).toBe(1)
    } finally {
      closeSync(pipe)
    }
  })

  it('a message from another ring arrives', async () => {
    const other = new IoUring({ entries: 4 })
    try {
      const iterator = ring.messages()
      expect(await other.msgRing(ring, 7, { data: 9 })).toBe(0)
      expect(await iterator.next()).toEqual({ value: { value: 7, data: 9 }, done: false })
    } finally {
      await other.dispose()
    }
  })

  it('dispose() with a read pending on a pipe cancels it and returns once its CQE is in', async () => {
    const pipe = emptyPipe(dir)
    const other = new IoUring({ entries: 4, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
    try {
      const read = other.read(pipe, Buffer.alloc(1))
      read.catch(() => {})
      await new Promise((resolve) => setImmediate(resolve))
      expect(other.pending).toBe(1)
      await other.dispose()
      expect(other.pending).toBe(0)
      await expect(read).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'read' })
    } finally {
      closeSync(pipe)
    }
  })

  it('the ring\'s one eventfd is the addon\'s: registerEventfd, registerEventfdAsync and unregisterEventfd throw ERR_INVALID_STATE', async () => {
    expect(native.ringEventfd(ring.handle)).toBeGreaterThan(2)
    const fd = native.eventfd(0, native.EFD.CLOEXEC)
    try {
      expect(() => registerEventfd(ring, fd)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
      expect(() => registerEventfdAsync(ring, fd)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
      expect(() => unregisterEventfd(ring)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
      // The refused calls changed nothing: io-wq completions still wake the loop.
      expect((await ring.stat(dir)).isDirectory()).toBe(true)
      // A ring without DEFER_TASKRUN has no addon eventfd and takes the user's.
      const plain = new IoUring({ entries: 4 })
      expect(native.ringEventfd(plain.handle)).toBe(-1)
      registerEventfd(plain, fd)
      unregisterEventfd(plain)
      await plain.dispose()
    } finally {
      closeSync(fd)
    }
  })
})
