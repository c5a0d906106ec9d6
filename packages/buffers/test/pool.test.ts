// @module-tag ring
import { openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { prepReadFixed, prepWriteFixed } from '@iouring/ops'
import { registerBuffersSparse, registrations } from '@iouring/register'
import { FixedBufferPool, type FixedBuffer } from '@iouring/buffers'
import { skipIfUnsupported } from '@iouring/tooling/skip'
import { closeAll, closeRings, testFile, testRing, type TestRing } from './helpers.js'

const file = testFile()
const data = file.data
let target: number

beforeAll(() => {
  target = openSync(join(file.dir, 'target'), 'w+')
})
afterAll(() => closeAll(target))
afterEach(closeRings)

/** READ_FIXED of the whole piece at `position` of the source file; the result. */
function readFixed(ring: TestRing, piece: FixedBuffer, position: number): number {
  prepReadFixed(ring.sqes, ring.sqe(1), file.fd, piece.address, piece.length, position, piece.index)
  return ring.wait(1)[0].res
}

describe('FixedBufferPool', () => {
  it('registers one slab and hands out its pieces with their index, offset and address', () => {
    const ring = testRing()
    const pool = new FixedBufferPool(ring, { size: 4096, count: 4 })
    expect([pool.size, pool.count, pool.index, pool.available, pool.registered]).toEqual([4096, 4, 0, 4, true])
    expect(registrations(ring).buffers.map((b) => b?.byteLength)).toEqual([4 * 4096])
    const pieces = [pool.acquire()!, pool.acquire()!, pool.acquire()!, pool.acquire()!]
    expect(pool.acquire()).toBeUndefined()
    expect(pool.available).toBe(0)
    expect(pieces.map((p) => p.offset)).toEqual([0, 4096, 8192, 12288])
    expect(pieces.map((p) => p.index)).toEqual([0, 0, 0, 0])
    const base = registrations(ring).bufferAddresses[0]
    expect(base % 4096).toBe(0)
    expect(pieces.map((p) => p.address - base)).toEqual([0, 4096, 8192, 12288])
    expect(pieces.every((p) => p.length === 4096 && p.buffer.length === 4096)).toBe(true)
  })

  it('READ_FIXED and WRITE_FIXED through pieces move the bytes of each piece only', () => {
    const ring = testRing()
    const pool = new FixedBufferPool(ring, { size: 1000, count: 3 })
    const [a, b, c] = [pool.acquire()!, pool.acquire()!, pool.acquire()!]
    c.buffer.fill(0xee)
    expect(readFixed(ring, a, 0)).toBe(1000)
    expect(readFixed(ring, b, 5000)).toBe(1000)
    expect(a.buffer.equals(data.subarray(0, 1000))).toBe(true)
    expect(b.buffer.equals(data.subarray(5000, 6000))).toBe(true)
    expect(c.buffer.every((byte) => byte === 0xee)).toBe(true)
    prepWriteFixed(ring.sqes, ring.sqe(2), target, b.address, b.length, 0, b.index)
    expect(ring.wait(1)[0].res).toBe(1000)
    expect(readFileSync(join(file.dir, 'target')).equals(data.subarray(5000, 6000))).toBe(true)
  })

  it('release() returns a piece (the last released is reused first); releasing twice is harmless', () => {
    const ring = testRing()
    const pool = new FixedBufferPool(ring, { size: 64, count: 2 })
    const a = pool.acquire()!
    const b = pool.acquire()!
    a.release()
    a.release()
    expect(a.released).toBe(true)
    expect(pool.available).toBe(1)
    const again = pool.acquire()!
    expect(again.offset).toBe(a.offset)
    expect(pool.acquire()).toBeUndefined()
    b[Symbol.dispose]()
    again.release()
    expect(pool.available).toBe(2)
  })

  it('goes into a slot of an existing (sparse) table with `index`, and empties only that slot on unregister()', (ctx) => {
    const ring = testRing()
    skipIfUnsupported(ctx, () => registerBuffersSparse(ring, 8))
    const pool = new FixedBufferPool(ring, { size: 512, count: 2, index: 5 })
    const piece = pool.acquire()!
    expect(piece.index).toBe(5)
    expect(readFixed(ring, piece, 512)).toBe(512)
    expect(piece.buffer.equals(data.subarray(512, 1024))).toBe(true)
    pool.unregister()
    expect(pool.registered).toBe(false)
    expect(registrations(ring).buffers).toHaveLength(8)
    expect(registrations(ring).buffers[5]).toBeUndefined()
    // The slot is empty now: the kernel refuses a fixed read from it.
    expect(readFixed(ring, piece, 0)).toBe(-14) // EFAULT
  })

  it('unregister() drops a table the pool registered; [Symbol.dispose] does it too', () => {
    const ring = testRing()
    const pool = new FixedBufferPool(ring, { size: 64, count: 1 })
    pool[Symbol.dispose]()
    expect(registrations(ring).buffers).toHaveLength(0)
    pool.unregister()
    const next = new FixedBufferPool(ring, { size: 64, count: 1 })
    expect(next.registered).toBe(true)
  })

  it('refuses bad options before registering anything', () => {
    const ring = testRing()
    expect(() => new FixedBufferPool(null as never, { size: 1, count: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => new FixedBufferPool(ring, { size: 0, count: 1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => new FixedBufferPool(ring, { size: 1 << 20, count: 1025 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => new FixedBufferPool(ring, { size: 64, count: 1, index: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(registrations(ring).buffers).toHaveLength(0)
  })
})
