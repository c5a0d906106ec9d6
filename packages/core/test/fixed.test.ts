// @module-tag ring
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import {
  kernelAtLeast,
  registerBuffers,
  registerBuffersSparse,
  registerFiles,
  registerFilesSparse,
  registrations,
  unregisterBuffers,
  updateBuffers,
  updateFiles,
} from '@iouring/register'
import { skipIfUnsupported, skipUnless } from '@iouring/tooling/skip'
import { emptyPipe, forceGc, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
let ring: IoUring
const fds: number[] = []

function fileWith(name: string, text: string, flags = 'r+'): number {
  writeFileSync(join(dir, name), text)
  const fd = openSync(join(dir, name), flags)
  fds.push(fd)
  return fd
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    forceGc()
    await new Promise((resolve) => setImmediate(resolve))
  }
}

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  ring = new IoUring({ entries: 16 })
})

afterEach(async () => {
  await ring.dispose()
  for (const fd of fds.splice(0)) closeSync(fd)
  cleanup()
})

describe('readFixed / writeFixed', () => {
  it('a fixed read returns the right bytes, into the registered buffer at offset and length', async () => {
    const fd = fileWith('data', '0123456789abcdef')
    const a = Buffer.alloc(8, '.')
    const b = Buffer.alloc(32, '.')
    registerBuffers(ring, [a, b])
    expect(await ring.readFixed(fd, 0)).toBe(8)
    expect(a.toString()).toBe('01234567')
    expect(await ring.readFixed(fd, 1, 4, 6, 10)).toBe(6)
    expect(b.toString()).toBe('....abcdef......................')
    // Length defaults to what the buffer holds past offset; reads stop at EOF.
    expect(await ring.readFixed(fd, 1, 20, undefined, 12)).toBe(4)
    expect(b.toString('latin1', 20, 24)).toBe('cdef')
  })

  it('writeFixed writes from the registered buffer; position -1 uses and advances the file position', async () => {
    const fd = fileWith('out', '')
    const buf = Buffer.from('hello, fixed world')
    registerBuffers(ring, [buf])
    expect(await ring.writeFixed(fd, 0, 0, 5)).toBe(5)
    expect(await ring.writeFixed(fd, 0, 5, 7)).toBe(7)
    expect(await ring.writeFixed(fd, 0, 12, 6, 100)).toBe(6)
    const text = readFileSync(join(dir, 'out'), 'latin1')
    expect(text.slice(0, 12)).toBe('hello, fixed')
    expect(text.slice(100)).toBe(' world')
  })

  it('refuses synchronously what the registry says cannot work, submitting nothing', (ctx) => {
    const fd = fileWith('data', 'x')
    expect(() => ring.readFixed(fd, 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('this ring has none') }))
    skipIfUnsupported(ctx, () => registerBuffersSparse(ring, 2))
    updateBuffers(ring, 1, [Buffer.alloc(8)])
    expect(() => ring.readFixed(fd, 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('empty') }))
    expect(() => ring.readFixed(fd, 2)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('past its end') }))
    expect(() => ring.readFixed(fd, -1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.readFixed(fd, 1, 9)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.readFixed(fd, 1, 4, 5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.readFixed(fd, 1, 0.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.readFixed(fd, 1, '0' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.writeFixed('3' as never, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.readFixed(fd, 1, 0, 8, -2)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(ring.pending).toBe(0)
  })

  it('kernel failures reject with a system error naming the operation', async () => {
    registerBuffers(ring, [Buffer.alloc(8)])
    await expect(ring.readFixed(12345, 0)).rejects.toMatchObject({ code: 'EBADF', syscall: 'readFixed' })
    const wo = fileWith('wo', 'x', 'w')
    await expect(ring.readFixed(wo, 0)).rejects.toMatchObject({ code: 'EBADF', syscall: 'readFixed' })
  })

  it('readvFixed / writevFixed scatter and gather through pieces of one registered buffer (Linux 6.15)', async () => {
    const fd = fileWith('data', 'abcdefghij')
    const buf = Buffer.alloc(16, '.')
    registerBuffers(ring, [buf])
    if (!kernelAtLeast('6.15') || !ring.probe().supports('READV_FIXED')) {
      console.warn('readvFixed: this kernel lacks IORING_OP_READV_FIXED (6.15); checking the refusal instead')
      expect(() => ring.readvFixed(fd, 0, [{ offset: 0, length: 2 }])).toThrow(expect.objectContaining({ code: 'ERR_IOURING_UNSUPPORTED_OP' }))
      return
    }
    expect(await ring.readvFixed(fd, 0, [{ offset: 8, length: 3 }, { offset: 0, length: 4 }], 0)).toBe(7)
    expect(buf.toString()).toBe('defg....abc.....')
    const out = fileWith('out', '')
    expect(await ring.writevFixed(out, 0, [{ offset: 8, length: 3 }, { offset: 0, length: 4 }], 0)).toBe(7)
    expect(readFileSync(join(dir, 'out'), 'latin1')).toBe('abcdefg')
    expect(() => ring.readvFixed(fd, 0, [])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.readvFixed(fd, 0, [{ offset: 15, length: 2 }])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.readvFixed(fd, 0, [{ offset: 0, length: 0 }])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.readvFixed(fd, 0, 'x' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })
})

describe('registered files: ring.fixedFile(index)', () => {
  it('is accepted wherever an fd is: read, write, readv, writev, fsync, readFixed, writeFixed', async () => {
    const fd = fileWith('data', 'fixed file data!')
    registerFiles(ring, [fd])
    const file = ring.fixedFile(0)
    expect(Object.isFrozen(file)).toBe(true)
    const buf = Buffer.alloc(5)
    expect(await ring.read(file, buf, 6)).toBe(5)
    expect(buf.toString()).toBe('file ')
    expect(await ring.write(file, Buffer.from('FIXED'), 0)).toBe(5)
    const [a, b] = [Buffer.alloc(3), Buffer.alloc(3)]
    expect(await ring.readv(file, [a, b], 0)).toBe(6)
    expect(a.toString() + b.toString()).toBe('FIXED ')
    expect(await ring.writev(file, [Buffer.from('da'), Buffer.from('ta')], 11)).toBe(4)
    expect(await ring.fsync(file)).toBe(0)
    expect(await ring.fsync(file, { datasync: true })).toBe(0)
    const fixedBuf = Buffer.alloc(16)
    registerBuffers(ring, [fixedBuf])
    expect(await ring.readFixed(file, 0, 0, 16, 0)).toBe(16)
    expect(fixedBuf.toString()).toBe('FIXED file data!')
    fixedBuf.write('x')
    expect(await ring.writeFixed(file, 0, 0, 1, 15)).toBe(1)
    expect(readFileSync(join(dir, 'data'), 'latin1')).toBe('FIXED file datax')
  })

  it('updating a file slot redirects later fixed reads', async () => {
    const a = fileWith('a', 'from file A')
    const b = fileWith('b', 'from file B')
    const buf = Buffer.alloc(11)
    registerBuffers(ring, [buf])
    registerFiles(ring, [a])
    expect(await ring.readFixed(ring.fixedFile(0), 0, 0, 11, 0)).toBe(11)
    expect(buf.toString()).toBe('from file A')
    updateFiles(ring, 0, [b])
    expect(await ring.readFixed(ring.fixedFile(0), 0, 0, 11, 0)).toBe(11)
    expect(buf.toString()).toBe('from file B')
  })

  it('an empty slot fails in the kernel with EBADF; a bad index or type is refused synchronously', async (ctx) => {
    skipIfUnsupported(ctx, () => registerFilesSparse(ring, 2))
    await expect(ring.read(ring.fixedFile(1), Buffer.alloc(1), 0)).rejects.toMatchObject({ code: 'EBADF', syscall: 'read' })
    await expect(ring.read(ring.fixedFile(7), Buffer.alloc(1), 0)).rejects.toMatchObject({ code: 'EBADF' })
    expect(() => ring.fixedFile(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.read({ index: 0 } as never, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.fsync(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })
})

describe('unregistering buffers while an operation uses one', () => {
  // Before 6.13 the kernel would block this thread until the operation completed, so
  // unregisterBuffers() refuses (ERR_INVALID_STATE; @iouring/register's tests cover that).
  it('neither refuses nor blocks: unregister returns at once, the operation completes into the same memory', async (ctx) => {
    skipUnless(ctx, kernelAtLeast('6.13'), 'unregistering buffers while an operation uses them', '6.13')
    const pipe = emptyPipe(dir)
    fds.push(pipe)
    const view = new Uint8Array(new ArrayBuffer(64), 8, 16).fill(0x2e)
    registerBuffers(ring, [view])
    const pending = ring.readFixed(pipe, 0, 2, 10)
    ring.submit()
    const started = performance.now()
    unregisterBuffers(ring)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(registrations(ring).buffers).toEqual([])
    // New fixed operations on the dropped table are refused before the kernel sees them.
    expect(() => ring.readFixed(pipe, 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(ring.pending).toBe(1)
    writeSync(pipe, 'ten bytes!')
    expect(await pending).toBe(10)
    expect(Buffer.from(view).toString('latin1')).toBe('..ten bytes!....')
  })

  it('the in-flight operation keeps the memory alive after the registry lets go, through forced GCs', async (ctx) => {
    skipUnless(ctx, kernelAtLeast('6.13'), 'unregistering buffers while an operation uses them', '6.13')
    const pipe = emptyPipe(dir)
    fds.push(pipe)
    const finalized: string[] = []
    const registry = new FinalizationRegistry((name: string) => finalized.push(name))
    let weak!: WeakRef<ArrayBuffer>
    let pending!: Promise<number>
    ;(() => {
      const memory = new ArrayBuffer(1 << 16)
      weak = new WeakRef(memory)
      registry.register(memory, 'registered buffer')
      registerBuffers(ring, [new Uint8Array(memory, 100, 10)])
      pending = ring.readFixed(pipe, 0)
    })()
    ring.submit()
    unregisterBuffers(ring)
    await turns(5)
    expect(finalized).toEqual([])
    writeSync(pipe, '0123456789')
    expect(await pending).toBe(10)
    expect(Buffer.from(weak.deref()!, 100, 10).toString()).toBe('0123456789')
  })

  it('the ring keeps a registered buffer alive while registered and lets it go after unregistering', async () => {
    const finalized: string[] = []
    const registry = new FinalizationRegistry((name: string) => finalized.push(name))
    ;(() => {
      const memory = new ArrayBuffer(4096)
      registry.register(memory, 'registered')
      registerBuffers(ring, [new Uint8Array(memory)])
    })()
    await turns(5)
    expect(finalized).toEqual([])
    unregisterBuffers(ring)
    for (let i = 0; i < 50 && finalized.length === 0; i++) await turns(1)
    expect(finalized).toEqual(['registered'])
  })
})
