// @module-tag ring
import { readFileSync, writeSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { addressOf } from '@iouring/native'
import { IORING_CQE_BUFFER_SHIFT, IORING_CQE_F_BUFFER, IORING_CQE_F_BUF_MORE, IOU_PBUF_RING_INC, IOU_PBUF_RING_MMAP } from '@iouring/ops'
import { BufferRing, type BufferGroup } from '@iouring/buffers'
import { closeAll, closeRings, has, pbufRingProbe, pipe, randomData, testFile, testRing, type Cqe, type TestRing } from './helpers.js'
import { ENOBUFS, armMultishot, prepSelectRead, pump, pumpCopies, readSelected } from './pump.js'

const hasBufferRing = pbufRingProbe('IORING_REGISTER_PBUF_RING (buffer rings)', '5.19', 0)
const hasReadMultishot = has('READ_MULTISHOT', '6.7')
const hasMmapRing = pbufRingProbe('IOU_PBUF_RING_MMAP (buffer rings in kernel memory)', '6.4', IOU_PBUF_RING_MMAP)
const hasStatus = pbufRingProbe('IORING_REGISTER_PBUF_STATUS', '6.8', 0, true)
const hasIncremental = pbufRingProbe('IOU_PBUF_RING_INC (incremental buffer consumption)', '6.12', IOU_PBUF_RING_INC)

const file = testFile()
const fileData = file.data
afterEach(closeRings)

/** One-shot reads of `length` bytes at each of `positions` in the test file, buffers picked from `group`. */
function readFile(ring: TestRing, group: BufferGroup, length: number, positions: number[]): Cqe[] {
  return readSelected(ring, file.fd, group, length, positions)
}

/** The file's bytes at `position`, `length` of them. */
function expected(position: number, length: number): Buffer {
  return fileData.subarray(position, position + length)
}

const bufferId = (flags: number) => flags >>> IORING_CQE_BUFFER_SHIFT
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe.skipIf(!hasBufferRing)('BufferRing', () => {
  it('registers entries buffers of size bytes, all in the ring, with the lowest free group ids', () => {
    const ring = testRing()
    const a = new BufferRing(ring, { entries: 8, size: 100 })
    const b = new BufferRing(ring, { entries: 1, size: 1 })
    expect([a.groupId, b.groupId]).toEqual([0, 1])
    expect([a.entries, a.count, a.size, a.incremental, a.kernelMemory, a.registered]).toEqual([8, 8, 100, false, false, true])
    expect(a.stats).toEqual({ buffers: 8, available: 8, lent: 0, exhausted: 0, leaked: 0, recycled: 0 })
  })

  it.skipIf(!hasReadMultishot)('reads 1 MiB written into a pipe in random-sized writes back byte for byte (copy), recycling a 64 KiB ring under load', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 16, size: 4096 })
    const result = pumpCopies(ring, group, 1 << 20)
    expect(result.out.equals(result.data)).toBe(true)
    // 1 MiB went through 16 buffers of 4 KiB: each was used and given back many times.
    expect(group.stats.recycled).toBe(result.chunks)
    expect(result.chunks).toBeGreaterThan(256)
    expect(group.stats.available).toBe(16)
  })

  it.skipIf(!hasReadMultishot)('a ring that runs dry ends the multishot read with ENOBUFS; re-armed after recycling, no byte is lost', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 4, size: 512 })
    const events: string[] = []
    group.on('exhausted', () => events.push('exhausted'))
    group.on('available', () => events.push('available'))
    const result = pumpCopies(ring, group, 256 << 10)
    expect(result.out.equals(result.data)).toBe(true)
    expect(result.rearmed).toBeGreaterThan(0)
    expect(group.stats.exhausted).toBe(result.rearmed)
    // Every 'exhausted' is followed by one 'available' once the buffers were published.
    expect(events).toEqual(Array.from({ length: result.rearmed }, () => ['exhausted', 'available']).flat())
  })

  it('one-shot reads pick buffers in ring order; copy() gives the bytes and the buffer back', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 4, size: 1000 })
    const cqes = readFile(ring, group, 300, [0, 300, 600])
    expect(cqes.map((c) => c.res)).toEqual([300, 300, 300])
    expect(cqes.map((c) => c.flags & IORING_CQE_F_BUFFER)).toEqual([1, 1, 1])
    expect(cqes.map((c) => bufferId(c.flags))).toEqual([0, 1, 2])
    const chunks = cqes.map((c) => group.copy(c.res, c.flags))
    expect(Buffer.concat(chunks).equals(expected(0, 900))).toBe(true)
    // A copy is the caller's: the group's buffer being written again does not change it.
    const again = readFile(ring, group, 300, [0])
    group.flush()
    expect(chunks[0].equals(expected(0, 300))).toBe(true)
    expect(again[0].res).toBe(300)
  })

  it('buffers given back in a tick reach the kernel with one tail store at its end (a microtask), not before', async () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 64 })
    const used = readFile(ring, group, 64, [0, 64])
    const spy = vi.spyOn(Atomics, 'store')
    // The tail is a 16-bit word; the test ring publishes its SQ tail through Atomics.store too.
    const tailStores = () => spy.mock.calls.filter(([array]) => array instanceof Uint16Array)
    try {
      for (const cqe of used) group.copy(cqe.res, cqe.flags)
      expect(group.stats.recycled).toBe(2)
      // Written into the ring, not yet published: the kernel still finds it empty.
      expect(readFile(ring, group, 64, [128])[0].res).toBe(ENOBUFS)
      expect(group.stats.available).toBe(0)
      expect(tailStores()).toEqual([])
      await Promise.resolve()
      expect(tailStores()).toHaveLength(1)
      expect(tailStores()[0].slice(1)).toEqual([7, 4])
    } finally {
      spy.mockRestore()
    }
    expect(group.stats.available).toBe(2)
    const after = readFile(ring, group, 64, [192, 256])
    expect(after.map((c) => c.res)).toEqual([64, 64])
    expect(after.map((c) => bufferId(c.flags)).sort()).toEqual([0, 1])
  })

  it('lend(): zero-copy views valid until release(); the buffer returns to the kernel only then, and the view is detached', async () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 64 })
    const [first, second] = readFile(ring, group, 64, [0, 64])
    const a = group.lend(first.res, first.flags)
    const b = group.lend(second.res, second.flags)
    expect(a.bufferId).toBe(0)
    expect(a.buffer.equals(expected(0, 64))).toBe(true)
    expect(b.buffer.equals(expected(64, 64))).toBe(true)
    expect(group.stats.lent).toBe(2)
    const otherView = new Uint8Array(a.buffer.buffer)
    await tick()
    // Both buffers are lent: the kernel has none.
    expect(readFile(ring, group, 64, [128])[0].res).toBe(ENOBUFS)

    a.release()
    expect(a.released).toBe(true)
    expect(a.buffer.length).toBe(0)
    expect(a.buffer.buffer.byteLength).toBe(0)
    expect(otherView.length).toBe(0)
    a.release() // idempotent
    expect(group.stats.lent).toBe(1)
    await tick()
    const next = readFile(ring, group, 64, [192])[0]
    expect(next.res).toBe(64)
    expect(bufferId(next.flags)).toBe(0)
    // b was never touched by that read.
    expect(b.buffer.equals(expected(64, 64))).toBe(true)
    b[Symbol.dispose]()
    expect(b.buffer.length).toBe(0)
    expect(group.stats.recycled).toBe(2)
  })

  it('a lease keeps its buffer in this thread: a transfer copies it instead of detaching it', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 64 })
    const [cqe] = readFile(ring, group, 64, [0])
    const lease = group.lend(cqe.res, cqe.flags)
    const copy = structuredClone(lease.buffer.buffer, { transfer: [lease.buffer.buffer as ArrayBuffer] })
    expect(lease.buffer.equals(expected(0, 64))).toBe(true)
    expect(Buffer.from(copy).equals(expected(0, 64))).toBe(true)
    lease.release()
  })

  it('running dry with buffers lent warns once; a lease collected without release() gives its buffer back and is counted', async () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 64 })
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      const kept = readFile(ring, group, 64, [0, 64]).map((c) => group.lend(c.res, c.flags))
      group.reportExhausted()
      group.reportExhausted()
      await tick()
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatchObject({ code: 'IOURING_BUFFERS_LENT', name: 'IoUringBuffersWarning' })
      expect(warnings[0].message).toMatch(/buffer group 0 ran dry with 2 of its 2 buffers lent/)
      kept[0].release()
      // Drop the other lease without releasing it.
      kept.length = 0
      for (let i = 0; i < 20 && group.stats.leaked === 0; i++) {
        globalThis.gc!()
        await tick()
      }
      expect(group.stats.leaked).toBe(1)
      expect(group.stats.lent).toBe(0)
      await tick()
      expect(readFile(ring, group, 64, [128, 192]).map((c) => c.res)).toEqual([64, 64])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it("'available' follows 'exhausted' at once (in a microtask) when buffers were published since", async () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 64 })
    for (const cqe of readFile(ring, group, 64, [0, 64])) group.copy(cqe.res, cqe.flags)
    group.flush()
    let available = 0
    group.on('available', () => available++)
    group.reportExhausted()
    expect(available).toBe(0)
    await Promise.resolve()
    expect(available).toBe(1)
  })

  it('discard() gives a buffer back unread', async () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 1, size: 64 })
    const [cqe] = readFile(ring, group, 64, [0])
    group.discard(cqe.res, cqe.flags)
    await tick()
    expect(readFile(ring, group, 64, [64])[0].res).toBe(64)
  })

  it('several buffer rings on one ring: each request takes from the group it names, in that group\'s size', () => {
    const ring = testRing()
    const small = new BufferRing(ring, { entries: 4, size: 100 })
    const large = new BufferRing(ring, { entries: 4, size: 300, groupId: 9 })
    expect([small.groupId, large.groupId]).toEqual([0, 9])
    expect(() => new BufferRing(ring, { entries: 4, size: 8, groupId: 9 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    prepSelectRead(ring, file.fd, small, 1000, 0, 1)
    prepSelectRead(ring, file.fd, large, 1000, 5000, 2)
    const [s, l] = ring.wait(2).sort((a, b) => a.userData - b.userData)
    expect([s.res, l.res]).toEqual([100, 300])
    expect(small.copy(s.res, s.flags).equals(expected(0, 100))).toBe(true)
    expect(large.copy(l.res, l.flags).equals(expected(5000, 300))).toBe(true)
    expect([small.stats.recycled, large.stats.recycled]).toEqual([1, 1])
  })

  it('unregister(): requests find the group gone (ENOBUFS); the id is free again; idempotent, and [Symbol.dispose] does it', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 64, groupId: 4 })
    group.unregister()
    expect(group.registered).toBe(false)
    group.unregister()
    expect(readFile(ring, group, 64, [0])[0].res).toBe(ENOBUFS)
    const again = new BufferRing(ring, { entries: 2, size: 64, groupId: 4 })
    expect(readFile(ring, again, 64, [0])[0].res).toBe(64)
    again[Symbol.dispose]()
    expect(again.registered).toBe(false)
  })

  it('unregister() after the ring was closed only lets go of the memory', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 64 })
    ring.close()
    expect(() => group.unregister()).not.toThrow()
    expect(group.registered).toBe(false)
  })

  it.skipIf(!hasStatus)('status() reports the kernel head as requests take buffers, and the published tail', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 8, size: 64 })
    expect(group.status()).toEqual({ head: 0, tail: 8, ready: 8 })
    const cqes = readFile(ring, group, 64, [0, 64, 128])
    expect(group.status()).toEqual({ head: 3, tail: 8, ready: 5 })
    for (const cqe of cqes) group.copy(cqe.res, cqe.flags)
    group.flush()
    expect(group.status()).toEqual({ head: 3, tail: 11, ready: 8 })
  })

  it.skipIf(!hasMmapRing || !hasReadMultishot)('kernelMemory: the kernel allocates the ring and this process maps it; unregister() unmaps it', async () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 8, size: 2048, kernelMemory: true })
    expect(group.kernelMemory).toBe(true)
    const mappings = () => readFileSync('/proc/self/maps', 'latin1').split('\n').filter((line) => line.includes('io_uring')).length
    const before = mappings()
    const result = pumpCopies(ring, group, 256 << 10)
    expect(result.out.equals(result.data)).toBe(true)
    group.unregister()
    await tick()
    expect(mappings()).toBe(before - 1)
    expect(() => new BufferRing(ring, { entries: 8, size: 64, kernelMemory: true, groupId: 2048 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
  })

  it.skipIf(!hasIncremental || !hasReadMultishot)('incremental: completions fill each buffer in turn (IORING_CQE_F_BUF_MORE); lent views follow the kernel\'s offsets', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 4, size: 16384, incremental: true })
    expect(group.incremental).toBe(true)
    const [readFd, writeFd] = pipe()
    const data = randomData(1 << 20)
    const places: { id: number; address: number; length: number; more: boolean }[] = []
    const result = pump(ring, group, readFd, writeFd, data, (res, flags) => {
      const lease = group.lend(res, flags)
      places.push({ id: lease.bufferId, address: addressOf(lease.buffer), length: res, more: (flags & IORING_CQE_F_BUF_MORE) !== 0 })
      const bytes = Buffer.from(lease.buffer)
      lease.release()
      return bytes
    }, 3000)
    closeAll(readFd, writeFd)
    expect(result.out.equals(data)).toBe(true)
    expect(places.some((p) => p.more)).toBe(true)
    // While the kernel keeps a buffer (BUF_MORE), the next completion in it starts where the last ended.
    let checked = 0
    for (let i = 1; i < places.length; i++) {
      const last = places[i - 1]
      if (last.more && places[i].id === last.id) {
        expect(places[i].address).toBe(last.address + last.length)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(0)
    // A buffer goes back once the kernel is done with it: 1 MiB went through 64 KiB.
    expect(group.stats.recycled).toBeGreaterThanOrEqual(48)
    expect(group.stats.lent).toBe(0)
  })

  it.skipIf(!hasIncremental || !hasReadMultishot)('incremental with copies: 1 MiB through the pipe byte for byte', () => {
    const ring = testRing()
    const group = new BufferRing(ring, { entries: 2, size: 8192, incremental: true, kernelMemory: hasMmapRing })
    const result = pumpCopies(ring, group, 1 << 20, 3000)
    expect(result.out.equals(result.data)).toBe(true)
    expect(result.flags.filter((f) => f & IORING_CQE_F_BUF_MORE).length).toBeGreaterThan(0)
  })

  it.skipIf(!hasReadMultishot)('memory safety: a registered ring the caller dropped stays alive through forced collections while a read is armed', async () => {
    const ring = testRing()
    const [readFd, writeFd] = pipe()
    let weak: WeakRef<BufferRing> | undefined
    ;(() => {
      const group = new BufferRing(ring, { entries: 4, size: 4096 })
      weak = new WeakRef(group)
      armMultishot(ring, readFd, group)
      ring.submit(0)
    })()
    for (let i = 0; i < 5; i++) {
      globalThis.gc!()
      await tick()
    }
    const group = weak!.deref()
    expect(group).toBeDefined()
    // One write below PIPE_BUF reaches the reader whole: one completion.
    const data = randomData(3000)
    expect(writeSync(writeFd, data)).toBe(3000)
    const [cqe] = ring.wait(1)
    expect(cqe.res).toBe(3000)
    expect(group!.copy(cqe.res, cqe.flags).equals(data)).toBe(true)
    closeAll(readFd, writeFd)
  })

  it('memory safety: a lent Buffer stays readable after its lease and group are unregistered, dropped and collected', async () => {
    const ring = testRing()
    let view: Buffer | undefined
    let collected = false
    const watch = new FinalizationRegistry(() => (collected = true))
    ;(() => {
      const group = new BufferRing(ring, { entries: 2, size: 64 })
      watch.register(group, 0)
      const [cqe] = readFile(ring, group, 64, [640])
      view = group.lend(cqe.res, cqe.flags).buffer
      group.unregister()
    })()
    for (let i = 0; i < 20 && !collected; i++) {
      globalThis.gc!()
      await tick()
    }
    // The group is gone; the memory the Buffer reads is not.
    expect(collected).toBe(true)
    expect(view!.equals(expected(640, 64))).toBe(true)
  })

  it('refuses bad options and completions that carry no buffer of the group, before anything reaches the kernel', () => {
    const ring = testRing()
    expect(() => new BufferRing({} as never, { entries: 2, size: 8 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => new BufferRing(ring, null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => new BufferRing(ring, { entries: 3, size: 8 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => new BufferRing(ring, { entries: 65536, size: 8 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => new BufferRing(ring, { entries: 2, size: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => new BufferRing(ring, { entries: 2, size: '8' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => new BufferRing(ring, { entries: 2, size: 8, groupId: 65536 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    const group = new BufferRing(ring, { entries: 2, size: 8 })
    expect(group.groupId).toBe(0)
    expect(() => group.copy(8, 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => group.copy(8, IORING_CQE_F_BUFFER | (2 << IORING_CQE_BUFFER_SHIFT))).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => group.lend(9, IORING_CQE_F_BUFFER)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    // A completion read again while its buffer is lent would put the buffer in the ring twice.
    const [cqe] = readFile(ring, group, 8, [0])
    const lease = group.lend(cqe.res, cqe.flags)
    expect(() => group.copy(cqe.res, cqe.flags)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    lease.release()
    expect(group.stats).toMatchObject({ recycled: 1, lent: 0 })
  })
})
