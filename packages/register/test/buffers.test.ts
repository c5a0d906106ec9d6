// @module-tag ring
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addressOf } from '@iouring/native'
import { IORING_FEAT_RSRC_TAGS, prepReadFixed, prepWriteFixed } from '@iouring/ops'
import {
  cloneBuffers,
  kernelAtLeast,
  registerBuffers,
  registerBuffersSparse,
  registrations,
  unregisterBuffers,
  updateBuffers,
} from '@iouring/register'
import { skipIfUnsupported, skipUnless } from '@iouring/tooling/skip'
import { refuseBlockingUnregister } from '../src/ring.js'
import { MiniRing, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
let file: string
let fd: number
const rings: MiniRing[] = []

function ring(): MiniRing {
  const r = new MiniRing()
  rings.push(r)
  return r
}

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = join(dir, 'data')
  writeFileSync(file, 'abcdefghijklmnopqrstuvwxyz')
  fd = openSync(file, 'r+')
})

afterEach(() => {
  for (const r of rings.splice(0)) r.close()
  closeSync(fd)
  cleanup()
})

/** READ_FIXED of `len` bytes at file offset `pos` into registered buffer `index` at `view` + `at`. */
function readFixed(r: MiniRing, index: number, view: ArrayBufferView, at: number, len: number, pos: number): number {
  prepReadFixed(r.sqes, r.sqe(1), fd, addressOf(view) + at, len, pos, index)
  return r.run(1)[0].res
}

describe('registered buffers', () => {
  it('registerBuffers() makes READ_FIXED and WRITE_FIXED work on the views, and keeps them', () => {
    const r = ring()
    const a = Buffer.alloc(8)
    const b = new Uint8Array(new ArrayBuffer(64), 16, 8)
    expect(registerBuffers(r, [a, b])).toBe(2)
    expect(registrations(r).buffers).toEqual([a, b])
    expect(registrations(r).bufferAddresses).toEqual([addressOf(a), addressOf(b)])
    expect(readFixed(r, 1, b, 2, 4, 3)).toBe(4)
    expect(Buffer.from(b).toString('latin1')).toBe('\0\0defg\0\0')
    a.write('XYZ')
    prepWriteFixed(r.sqes, r.sqe(2), fd, addressOf(a), 3, 0, 0)
    expect(r.run(1)[0].res).toBe(3)
    expect(readFileSync(file, 'latin1').slice(0, 5)).toBe('XYZde')
  })

  it('a fixed operation outside its registered buffer fails with EFAULT', () => {
    const r = ring()
    const a = Buffer.alloc(8)
    registerBuffers(r, [a])
    expect(readFixed(r, 0, a, 4, 8, 0)).toBe(-14)
  })

  it('one table per ring: registering again is EBUSY (named), unregistering twice ENXIO; unregistered slots fail', () => {
    const r = ring()
    const a = Buffer.alloc(8)
    registerBuffers(r, [a])
    expect(() => registerBuffers(r, [a])).toThrow(
      expect.objectContaining({ code: 'EBUSY', syscall: 'io_uring_register', opcode: 'REGISTER_BUFFERS', message: expect.stringContaining('IORING_REGISTER_BUFFERS') }),
    )
    unregisterBuffers(r)
    expect(registrations(r).buffers).toEqual([])
    expect(() => unregisterBuffers(r)).toThrow(expect.objectContaining({ code: 'ENXIO', opcode: 'UNREGISTER_BUFFERS' }))
    expect(readFixed(r, 0, a, 0, 4, 0)).toBe(-14)
  })

  it('tags: replacing a tagged buffer posts a CQE with its tag', (ctx) => {
    const r = ring()
    skipUnless(ctx, (r.features & IORING_FEAT_RSRC_TAGS) !== 0, 'buffer tags (IORING_FEAT_RSRC_TAGS)', '5.13')
    registerBuffers(r, [Buffer.alloc(8), Buffer.alloc(8)], { tags: [0x1234, 0] })
    expect(r.reap()).toEqual([])
    expect(updateBuffers(r, 0, [Buffer.alloc(8)], [0x5678])).toBe(1)
    r.submit(1)
    expect(r.reap()).toEqual([{ userData: 0x1234, res: 0, flags: 0 }])
  })

  it('tags: unregistering the table posts a CQE with each tag', (ctx) => {
    skipUnless(ctx, kernelAtLeast('6.13'), 'a tag CQE for each tagged buffer of an unregistered table', '6.13')
    const r = ring()
    registerBuffers(r, [Buffer.alloc(8), Buffer.alloc(8)], { tags: [0x1234, 0] })
    expect(r.reap()).toEqual([])
    unregisterBuffers(r)
    r.submit(1)
    expect(r.reap()).toEqual([{ userData: 0x1234, res: 0, flags: 0 }])
  })

  it('sparse tables fill slot by slot; updates replace slots and report how many changed', (ctx) => {
    const r = ring()
    expect(skipIfUnsupported(ctx, () => registerBuffersSparse(r, 4))).toBe(4)
    expect(registrations(r).buffers).toEqual([undefined, undefined, undefined, undefined])
    const a = Buffer.alloc(8)
    expect(readFixed(r, 2, a, 0, 4, 0)).toBe(-14)
    expect(updateBuffers(r, 2, [a])).toBe(1)
    expect(registrations(r).buffers[2]).toBe(a)
    expect(readFixed(r, 2, a, 0, 4, 0)).toBe(4)
    expect(a.toString('latin1', 0, 4)).toBe('abcd')
    // null empties a slot.
    expect(updateBuffers(r, 2, [null])).toBe(1)
    expect(registrations(r).buffers[2]).toBeUndefined()
    expect(readFixed(r, 2, a, 0, 4, 0)).toBe(-14)
    expect(() => updateBuffers(r, 3, [a, a])).toThrow(expect.objectContaining({ code: 'EINVAL', opcode: 'REGISTER_BUFFERS_UPDATE' }))
  })

  it('validates buffers before anything reaches the kernel', () => {
    const r = ring()
    expect(() => registerBuffers(r, 'x' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => registerBuffers(r, [])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => registerBuffers(r, [Buffer.alloc(0)])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => registerBuffers(r, [{} as never])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    const resizable = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(8, { maxByteLength: 16 })
    if ((resizable as { resizable?: boolean }).resizable) {
      expect(() => registerBuffers(r, [new Uint8Array(resizable)])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    }
    const detached = new ArrayBuffer(8)
    const view = new Uint8Array(detached)
    structuredClone(detached, { transfer: [detached] })
    expect(() => registerBuffers(r, [view])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    expect(() => registerBuffers(r, [Buffer.alloc(8)], { tags: [1, 2] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => registerBuffers(r, [Buffer.alloc(8)], { tags: [-1] })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => registerBuffersSparse(r, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => registerBuffers({} as never, [Buffer.alloc(8)])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(registrations(r).buffers).toEqual([])
  })

  it('a registered buffer cannot be detached by a transfer: it is copied instead', () => {
    const r = ring()
    const memory = new ArrayBuffer(16)
    registerBuffers(r, [new Uint8Array(memory)])
    const copy = structuredClone(memory, { transfer: [memory] })
    expect(memory.byteLength).toBe(16)
    expect(copy.byteLength).toBe(16)
    const { port1, port2 } = new MessageChannel()
    port1.postMessage(memory, [memory])
    expect(memory.byteLength).toBe(16)
    port1.close()
    port2.close()
    expect(readFixed(r, 0, new Uint8Array(memory), 0, 16, 0)).toBe(16)
  })

  it('cloneBuffers() gives a second ring the same buffers (whole table, then a range with replace)', (ctx) => {
    skipUnless(ctx, kernelAtLeast('6.13'), 'IORING_REGISTER_CLONE_BUFFERS with offsets', '6.13')
    const src = ring()
    const dst = ring()
    const a = Buffer.alloc(4)
    const b = Buffer.alloc(4)
    registerBuffers(src, [a, b])
    cloneBuffers(dst, src)
    expect(registrations(dst).buffers).toEqual([a, b])
    expect(readFixed(dst, 1, b, 0, 4, 4)).toBe(4)
    expect(b.toString()).toBe('efgh')
    // Without replace, a ring that has buffers refuses.
    expect(() => cloneBuffers(dst, src)).toThrow(expect.objectContaining({ code: 'EBUSY', opcode: 'REGISTER_CLONE_BUFFERS' }))
    // Slot 1 of src into slot 2 of dst: dst keeps slots 0..1, gains 2.
    cloneBuffers(dst, src, { srcOffset: 1, dstOffset: 2, count: 1, replace: true })
    expect(registrations(dst).buffers).toEqual([a, b, b])
    expect(readFixed(dst, 2, b, 0, 4, 8)).toBe(4)
    expect(b.toString()).toBe('ijkl')
    expect(() => cloneBuffers(dst, { handle: src.handle } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })

  it('before Linux 6.13 (the kernel would block until requests in flight finish) unregistering is refused while the ring has any', () => {
    const busy = { pending: 2 }
    expect(() => refuseBlockingUnregister(busy, 'UNREGISTER_BUFFERS', true)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_STATE', message: expect.stringContaining("IORING_UNREGISTER_BUFFERS would block this thread until the ring's 2 operations") }),
    )
    refuseBlockingUnregister({ pending: 0 }, 'UNREGISTER_BUFFERS', true)
    refuseBlockingUnregister(busy, 'UNREGISTER_BUFFERS', false)
    refuseBlockingUnregister(ring(), 'UNREGISTER_FILES', true)
  })
})
