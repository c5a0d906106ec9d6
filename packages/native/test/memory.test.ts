// @module-tag ring
import { readFileSync } from 'node:fs'
import { release } from 'node:os'
import { describe, expect, it } from 'vitest'
import * as native from '@iouring/native'
import { skipUnless } from '@iouring/tooling/skip'

// mapMemory, mapRingRegion, alias and detach: memory shared with the kernel
// that outlives one operation (provided-buffer rings).
const IORING_REGISTER_PBUF_RING = 22
const IOU_PBUF_RING_MMAP = 1
const IORING_OFF_PBUF_RING = 0x80000000
const IORING_OFF_PBUF_SHIFT = 16

/** The line of /proc/self/maps whose range holds `address` (neighbouring anonymous mappings may be merged into one). */
function mappingAt(address: number): string | undefined {
  return readFileSync('/proc/self/maps', 'latin1')
    .split('\n')
    .find((line) => {
      const [start, end] = line.split(' ')[0].split('-').map((hex) => parseInt(hex, 16))
      return start <= address && address < end
    })
}

/** A finalizer of an external ArrayBuffer runs in an immediate after it is freed. */
const afterFinalizers = () => new Promise((resolve) => setImmediate(resolve))

function open() {
  const ring = native.setup({ entries: 4 }, () => {})
  if (typeof ring === 'number') throw native.systemError(ring, 'io_uring_setup')
  return ring
}

describe('shared memory helpers', () => {
  it('mapMemory() gives zeroed, page-aligned memory that is unmapped once the ArrayBuffer is detached', async () => {
    const memory = native.mapMemory(3 * 4096 + 1)
    if (typeof memory === 'number') throw native.systemError(memory, 'mmap')
    const address = native.addressOf(memory)
    expect(address % 4096).toBe(0)
    expect(memory.byteLength).toBe(3 * 4096 + 1)
    const bytes = new Uint8Array(memory)
    expect(bytes.every((b) => b === 0)).toBe(true)
    bytes[12288] = 7
    expect(mappingAt(address)).toMatch(/rw-p/)
    native.detach(memory)
    expect(bytes.length).toBe(0)
    await afterFinalizers()
    expect(mappingAt(address)).toBeUndefined()
  })

  it('mapMemory() memory is unmapped when the ArrayBuffer is collected', async () => {
    let address = 0
    ;(() => {
      const memory = native.mapMemory(1 << 20) as ArrayBuffer
      address = native.addressOf(memory)
    })()
    expect(mappingAt(address)).toBeDefined()
    for (let i = 0; i < 10 && mappingAt(address) !== undefined; i++) {
      globalThis.gc!()
      await afterFinalizers()
    }
    expect(mappingAt(address)).toBeUndefined()
  })

  it('mapMemory() reports a failed mmap as -errno and refuses a size that is no length', () => {
    expect(native.mapMemory(2 ** 52)).toBe(-12) // ENOMEM
    expect(() => native.mapMemory(0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => native.mapMemory(1.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
  })

  it('mapRingRegion() maps a buffer ring the kernel allocated; the mapping outlives close() until detached', async (ctx) => {
    const ring = open()
    const reg = new DataView(new ArrayBuffer(40))
    reg.setUint32(8, 8, true) // ring_entries
    reg.setUint16(12, 5, true) // bgid
    reg.setUint16(14, IOU_PBUF_RING_MMAP, true)
    const registered = native.register(ring.handle, IORING_REGISTER_PBUF_RING, reg, 1)
    // A kernel before 6.4 answers EINVAL to IOU_PBUF_RING_MMAP.
    const [major, minor] = release().split('.').map(Number)
    if (registered === -22 && (major < 6 || (major === 6 && minor < 4))) {
      native.close(ring.handle)
      skipUnless(ctx, false, 'a buffer ring the kernel allocates (IOU_PBUF_RING_MMAP)', '6.4')
    }
    expect(registered).toBe(0)
    const region = native.mapRingRegion(ring.handle, IORING_OFF_PBUF_RING + 5 * 2 ** IORING_OFF_PBUF_SHIFT, 4096)
    if (typeof region === 'number') throw native.systemError(region, 'mmap')
    const address = native.addressOf(region)
    expect(mappingAt(address)).toMatch(/rw-s .*io_uring/)
    // The kernel allocated it zeroed; the tail (bufs[0].resv) is 0.
    expect(new Uint16Array(region)[7]).toBe(0)
    // A group that has no kernel-allocated ring cannot be mapped (6.18 answers
    // ENOMEM from get_unmapped_area, older kernels EINVAL from mmap).
    expect([-12, -22]).toContain(native.mapRingRegion(ring.handle, IORING_OFF_PBUF_RING + 6 * 2 ** IORING_OFF_PBUF_SHIFT, 4096))
    native.close(ring.handle)
    expect(() => native.mapRingRegion(ring.handle, IORING_OFF_PBUF_RING, 4096)).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
    expect(mappingAt(address)).toBeDefined()
    native.detach(region)
    await afterFinalizers()
    expect(mappingAt(address)).toBeUndefined()
  })

  it('alias() shares the bytes of a range; detaching the alias leaves the original whole', () => {
    const memory = native.mapMemory(8192) as ArrayBuffer
    const original = new Uint8Array(memory)
    const alias = native.alias(memory, 4096, 16)
    const view = new Uint8Array(alias)
    expect(view.length).toBe(16)
    original[4096 + 3] = 0x5a
    expect(view[3]).toBe(0x5a)
    view[4] = 0xa5
    expect(original[4096 + 4]).toBe(0xa5)
    expect(native.addressOf(alias)).toBe(native.addressOf(memory) + 4096)
    // Two aliases of the same bytes can coexist.
    const again = native.alias(memory, 4096, 16)
    native.detach(alias)
    expect(view.length).toBe(0)
    expect(alias.byteLength).toBe(0)
    expect(new Uint8Array(again)[3]).toBe(0x5a)
    expect(original[4096 + 3]).toBe(0x5a)
    native.detach(memory)
  })

  it('alias() refuses ranges outside the buffer and non-buffers; detach() refuses non-buffers', () => {
    const memory = new ArrayBuffer(64)
    expect(() => native.alias(memory, 60, 8)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => native.alias(memory, -1, 8)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => native.alias(new Uint8Array(8) as never, 0, 8)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => native.detach(new Uint8Array(8) as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(native.alias(memory, 64, 0).byteLength).toBe(0)
  })
})
