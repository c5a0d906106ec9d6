// @module-tag ring
import { closeSync, write, writeSync } from 'node:fs'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import { BufferRing, provideBuffers, type BufferGroup } from '@iouring/buffers'
import { IORING_OP_READ_MULTISHOT } from '@iouring/ops'
import { availability, pipe } from '@iouring/native'
import { skipIfUnsupported } from '@iouring/tooling/skip'
import { forceGc } from './helpers.js'

const multishot = availability().available && (await supports(IORING_OP_READ_MULTISHOT))
if (availability().available && !multishot) console.log("skipping readMultishot tests: IORING_OP_READ_MULTISHOT needs Linux 6.7 (not in this kernel's probe)")

/** Whether this kernel has `opcode`, by the probe of a ring made for asking. */
async function supports(opcode: number): Promise<boolean> {
  const ring = new IoUring({ entries: 1 })
  const has = ring.operations.supports(opcode)
  await ring.dispose()
  return has
}

/** A pipe, both ends closed after the test. */
function newPipe(): [number, number] {
  const fds = pipe()
  if (typeof fds === 'number') throw new Error(`pipe: ${fds}`)
  return fds
}

const writeAsync = promisify(write)

/**
 * Writes `data` into `fd` in random-sized pieces, then closes it. node:fs's
 * write blocks a thread-pool thread while the pipe is full, not this one,
 * which reads the other end.
 */
async function feed(fd: number, data: Buffer): Promise<void> {
  let offset = 0
  while (offset < data.length) {
    const size = Math.min(1 + Math.floor(Math.random() * 9000), data.length - offset)
    offset += (await writeAsync(fd, data, offset, size)).bytesWritten
  }
  closeSync(fd)
}

describe('reads into buffers the kernel picks from a group', () => {
  let ring: IoUring
  beforeEach(() => (ring = new IoUring({ entries: 32 })))
  afterEach(() => ring.dispose())

  it('read(fd, { bufferGroup }): the bytes copied, lent, and the end of the file', async (ctx) => {
    const group = skipIfUnsupported(ctx, () => new BufferRing(ring, { entries: 4, size: 64 }))
    const [r, w] = newPipe()
    writeSync(w, 'copied')
    const copied = await ring.read(r, { bufferGroup: group })
    expect(copied.toString()).toBe('copied')
    expect(group.stats.available).toBe(4) // went back at once
    writeSync(w, 'lent')
    const lease = await ring.read(r, { bufferGroup: group, take: 'lend' })
    expect(lease?.buffer.toString()).toBe('lent')
    expect(group.stats.lent).toBe(1)
    lease?.release()
    expect(lease?.buffer.length).toBe(0)
    closeSync(w)
    expect((await ring.read(r, { bufferGroup: group })).length).toBe(0)
    expect(await ring.read(r, { bufferGroup: group, take: 'lend' })).toBe(null)
    closeSync(r)
    group.unregister()
  })

  it('refuses what is not a buffer group, and a bad take, synchronously', (ctx) => {
    expect(() => ring.read(0, { bufferGroup: {} as BufferGroup })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    const group = skipIfUnsupported(ctx, () => new BufferRing(ring, { entries: 2, size: 16 }))
    expect(() => ring.read(0, { bufferGroup: group, take: 'steal' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.readMultishot(0, 'group' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    group.unregister()
  })

  it.skipIf(!multishot)('readMultishot: 1 MiB written in random pieces comes out byte-identical, through forced collections', async () => {
    const group = new BufferRing(ring, { entries: 8, size: 4096 })
    const [r, w] = newPipe()
    const data = randomBytes(1024 * 1024)
    const fed = feed(w, data)
    const chunks: Buffer[] = []
    let n = 0
    let ended = false
    while (!ended) {
      try {
        for await (const chunk of ring.readMultishot(r, group)) {
          chunks.push(chunk)
          if (++n % 64 === 0) forceGc()
        }
        ended = true
      } catch (err) {
        // The group ran dry (more data than it holds): buffers are back, start another.
        expect((err as NodeJS.ErrnoException).code).toBe('ENOBUFS')
      }
    }
    await fed
    expect(Buffer.concat(chunks).equals(data)).toBe(true)
    closeSync(r)
    group.unregister()
  })

  it.skipIf(!multishot)('readMultishot running dry: ENOBUFS, the group\'s exhausted event, and nothing lost after re-arming', async () => {
    const group = new BufferRing(ring, { entries: 2, size: 16 })
    const [r, w] = newPipe()
    const data = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(4))
    let exhausted = 0
    group.on('exhausted', () => exhausted++)
    const leases = []
    // Hold every buffer lent: the third completion finds the group empty.
    writeSync(w, data)
    closeSync(w)
    let error: NodeJS.ErrnoException | undefined
    try {
      for await (const lease of ring.readMultishot(r, group, { take: 'lend' })) leases.push(lease)
    } catch (err) {
      error = err as NodeJS.ErrnoException
    }
    expect(error?.code).toBe('ENOBUFS')
    expect(exhausted).toBe(1)
    const text = leases.map((lease) => lease.buffer.toString()).join('')
    for (const lease of leases) lease.release()
    // Re-armed (again each time two buffers were not enough), every byte comes out once, in order.
    const rest: Buffer[] = []
    for (let ended = false; !ended; ) {
      try {
        for await (const chunk of ring.readMultishot(r, group)) rest.push(chunk)
        ended = true
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOBUFS')
      }
    }
    expect(exhausted).toBeGreaterThan(1)
    expect(text + Buffer.concat(rest).toString()).toBe(data.toString())
    closeSync(r)
    group.unregister()
  })

  it.skipIf(!multishot)('legacy provided buffers behind the same interface', async () => {
    const group = await provideBuffers(ring, { count: 8, size: 1024 })
    const [r, w] = newPipe()
    const data = randomBytes(200_000)
    const fed = feed(w, data)
    const chunks: Buffer[] = []
    for (let ended = false; !ended; ) {
      try {
        for await (const chunk of ring.readMultishot(r, group)) chunks.push(chunk)
        ended = true
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOBUFS')
        if (group.stats.available === 0) await new Promise<void>((resolve) => group.once('available', () => resolve()))
      }
    }
    await fed
    expect(Buffer.concat(chunks).equals(data)).toBe(true)
    closeSync(r)
    await group.removeBuffers()
  })
})
