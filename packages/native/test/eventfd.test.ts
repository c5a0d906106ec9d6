import { closeSync, readSync, writeSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as native from '@iouring/native'

function counter(fd: number): bigint {
  const bytes = Buffer.alloc(8)
  expect(readSync(fd, bytes)).toBe(8)
  return bytes.readBigUInt64LE()
}

describe('eventfd()', () => {
  it('creates an eventfd whose counter node:fs reads and writes, honouring EFD flags', () => {
    const fd = native.eventfd(3, native.EFD.NONBLOCK | native.EFD.CLOEXEC)
    expect(fd).toBeGreaterThan(2)
    expect(counter(fd)).toBe(3n)
    // Non-blocking and now zero: a read fails with EAGAIN instead of blocking.
    expect(() => readSync(fd, Buffer.alloc(8))).toThrow(expect.objectContaining({ code: 'EAGAIN' }))
    const add = Buffer.alloc(8)
    add.writeBigUInt64LE(5n)
    writeSync(fd, add)
    expect(counter(fd)).toBe(5n)
    closeSync(fd)
  })

  it('semaphore mode hands out one per read; bad flags come back as -errno', () => {
    const fd = native.eventfd(2, native.EFD.SEMAPHORE | native.EFD.NONBLOCK)
    expect(counter(fd)).toBe(1n)
    expect(counter(fd)).toBe(1n)
    expect(() => readSync(fd, Buffer.alloc(8))).toThrow(expect.objectContaining({ code: 'EAGAIN' }))
    closeSync(fd)
    expect(native.eventfd(0, 0x40000000)).toBe(-22)
  })
})
