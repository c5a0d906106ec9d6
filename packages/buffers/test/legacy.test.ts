// @module-tag ring
import { afterEach, describe, expect, it } from 'vitest'
import * as native from '@iouring/native'
import { IORING_CQE_BUFFER_SHIFT, IORING_REGISTER_PBUF_RING, encodeBufReg } from '@iouring/ops'
import { BufferRing, LegacyBufferGroup, bufferGroup, provideBuffers, type BufferGroup } from '@iouring/buffers'
import { kernelAtLeast } from '@iouring/register'
import { closeRings, has, pbufRingProbe, testFile, testRing, type Cqe, type TestRing } from './helpers.js'
import { ENOBUFS, pumpCopies, readSelected } from './pump.js'

const hasProvide = has('PROVIDE_BUFFERS', '5.7')
const hasReadMultishot = has('READ_MULTISHOT', '6.7')
// Two tests make a failure with a buffer ring taking over a group id.
const hasBufferRing = pbufRingProbe('IORING_REGISTER_PBUF_RING (buffer rings)', '5.19', 0)

const file = testFile()
const fileData = file.data
afterEach(closeRings)

/** Runs `start` and reaps the ring until the promise it returns settles. */
async function settle<T>(ring: TestRing, start: () => Promise<T>): Promise<T> {
  const promise = start()
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  for (let i = 0; i < 100 && !settled; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    if (!settled && ring.pendingOperations > 0) ring.wait(1, 1000)
  }
  return promise
}

function readFile(ring: TestRing, group: BufferGroup, length: number, positions: number[]): Cqe[] {
  return readSelected(ring, file.fd, group, length, positions)
}

describe.skipIf(!hasProvide)('legacy provided buffers', () => {
  it('provideBuffers() hands count buffers to the kernel and resolves once it has them', async () => {
    const ring = testRing()
    const group = await settle(ring, () => provideBuffers(ring, { count: 5, size: 100 }))
    expect(group).toBeInstanceOf(LegacyBufferGroup)
    expect([group.groupId, group.count, group.size, group.incremental]).toEqual([0, 5, 100, false])
    expect(group.stats).toMatchObject({ buffers: 5, available: 5 })
    // The kernel picks from its list: each buffer once, then ENOBUFS.
    const cqes = readFile(ring, group, 100, [0, 100, 200, 300, 400, 500])
    expect(cqes.map((c) => c.res)).toEqual([100, 100, 100, 100, 100, ENOBUFS])
    expect(new Set(cqes.slice(0, 5).map((c) => c.flags >>> IORING_CQE_BUFFER_SHIFT))).toEqual(new Set([0, 1, 2, 3, 4]))
    const bytes = cqes.slice(0, 5).map((c, i) => group.copy(c.res, c.flags).equals(fileData.subarray(i * 100, i * 100 + 100)))
    expect(bytes).toEqual([true, true, true, true, true])
  })

  it('buffers given back in a tick go back in one PROVIDE_BUFFERS per run of consecutive ids, prepared in a microtask', async () => {
    const ring = testRing()
    const group = await settle(ring, () => provideBuffers(ring, { count: 4, size: 64 }))
    const cqes = readFile(ring, group, 64, [0, 64, 128, 192])
    for (const cqe of cqes) group.copy(cqe.res, cqe.flags)
    expect(ring.pendingOperations).toBe(0)
    expect(group.stats.available).toBe(0)
    await Promise.resolve()
    expect(ring.pendingOperations).toBe(1)
    ring.wait(1)
    expect(ring.pendingOperations).toBe(0)
    expect(group.stats.available).toBe(4)
    expect(readFile(ring, group, 64, [256, 320, 384, 448]).map((c) => c.res)).toEqual([64, 64, 64, 64])
  })

  it('lend(): a lent buffer goes back only when released', async () => {
    const ring = testRing()
    const group = await settle(ring, () => provideBuffers(ring, { count: 1, size: 64 }))
    const [cqe] = readFile(ring, group, 64, [64])
    const lease = group.lend(cqe.res, cqe.flags)
    expect(lease.buffer.equals(fileData.subarray(64, 128))).toBe(true)
    await Promise.resolve()
    expect(ring.pendingOperations).toBe(0)
    lease.release()
    expect(lease.buffer.length).toBe(0)
    await Promise.resolve()
    ring.wait(1)
    expect(readFile(ring, group, 64, [0])[0].res).toBe(64)
  })

  it.skipIf(!hasReadMultishot)('reads 1 MiB through a pipe with READ_MULTISHOT into legacy buffers, byte for byte, re-armed after ENOBUFS', async () => {
    const ring = testRing()
    const group = await settle(ring, () => provideBuffers(ring, { count: 8, size: 4096 }))
    const result = pumpCopies(ring, group, 1 << 20)
    expect(result.out.equals(result.data)).toBe(true)
    expect(group.stats.recycled).toBe(result.chunks)
  })

  it('removeBuffers() takes back what the kernel still has; requests then find none (ENOBUFS); idempotent', async () => {
    const ring = testRing()
    const group = await settle(ring, () => provideBuffers(ring, { count: 6, size: 64, groupId: 3 }))
    readFile(ring, group, 64, [0, 64])
    expect(await settle(ring, () => group.removeBuffers())).toBe(4)
    expect(group.removed).toBe(true)
    expect(readFile(ring, group, 64, [0])[0].res).toBe(ENOBUFS)
    expect(await group.removeBuffers()).toBe(0)
    // The id is free for a new group.
    const again = await settle(ring, () => provideBuffers(ring, { count: 1, size: 64, groupId: 3 }))
    expect(again.groupId).toBe(3)
  })

  it.skipIf(!hasBufferRing)('a kernel failure rejects provideBuffers() with a system error, and frees the group id', async () => {
    const ring = testRing()
    // Group 7 is a buffer ring the kernel knows but this package does not: PROVIDE_BUFFERS cannot add to it.
    const memory = native.mapMemory(4096) as ArrayBuffer
    expect(native.register(ring.handle, IORING_REGISTER_PBUF_RING, encodeBufReg({ ringAddr: native.addressOf(memory), ringEntries: 1, bgid: 7, flags: 0 }), 1)).toBe(0)
    await expect(settle(ring, () => provideBuffers(ring, { count: 1, size: 64, groupId: 7 }))).rejects.toMatchObject({ code: 'EINVAL', syscall: 'provide_buffers' })
    await expect(settle(ring, () => provideBuffers(ring, { count: 1, size: 64, groupId: 7 }))).rejects.toMatchObject({ code: 'EINVAL' })
  })

  it.skipIf(!hasBufferRing)('a buffer the kernel will not take back becomes a warning, not an exception', async () => {
    const ring = testRing()
    const group = await settle(ring, () => provideBuffers(ring, { count: 1, size: 64, groupId: 2 }))
    const [cqe] = readFile(ring, group, 64, [0])
    // The kernel's list for group 2 is empty now; a buffer ring takes the id over, so PROVIDE_BUFFERS fails.
    const memory = native.mapMemory(4096) as ArrayBuffer
    expect(native.register(ring.handle, IORING_REGISTER_PBUF_RING, encodeBufReg({ ringAddr: native.addressOf(memory), ringEntries: 1, bgid: 2, flags: 0 }), 1)).toBe(0)
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      group.copy(cqe.res, cqe.flags)
      await Promise.resolve()
      ring.wait(1)
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatchObject({ name: 'IoUringBuffersWarning', code: 'IOURING_BUFFERS_PROVIDE_FAILED' })
      expect(warnings[0].message).toBe('buffers 0 to 0 of group 2 did not go back to the kernel: EINVAL: invalid argument, provide_buffers')
      expect(group.stats.available).toBe(0)
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('refuses bad arguments synchronously in the returned promise, before anything is prepared', async () => {
    const ring = testRing()
    await expect(provideBuffers({} as never, { count: 1, size: 1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' })
    await expect(provideBuffers(ring, { count: 0, size: 1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' })
    await expect(provideBuffers(ring, { count: 65536, size: 1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' })
    await expect(provideBuffers(ring, { count: 1, size: 1, groupId: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' })
    expect(ring.pendingOperations).toBe(0)
  })
})

describe('bufferGroup()', () => {
  it('makes a BufferRing where the kernel has them, legacy provided buffers when asked', async () => {
    const ring = testRing()
    const group = await settle(ring, () => bufferGroup(ring, { entries: 4, size: 64 }))
    // Buffer rings came with Linux 5.19; before, provided buffers are the legacy kind.
    expect(group).toBeInstanceOf(kernelAtLeast('5.19') ? BufferRing : LegacyBufferGroup)
    const legacy = await settle(ring, () => bufferGroup(ring, { entries: 4, size: 64, legacy: true }))
    expect(legacy).toBeInstanceOf(LegacyBufferGroup)
    expect([group.groupId, legacy.groupId]).toEqual([0, 1])
    // Either is read the same way.
    for (const g of [group, legacy]) {
      const [cqe] = readFile(ring, g, 64, [128])
      expect(g.copy(cqe.res, cqe.flags).equals(fileData.subarray(128, 192))).toBe(true)
    }
  })
})
