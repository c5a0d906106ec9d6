// @module-tag ring
import { closeSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addressOf } from '@iouring/native'
import { AT_FDCWD, IORING_FEAT_RSRC_TAGS, IORING_FILE_INDEX_ALLOC, IOSQE_FIXED_FILE, O_RDONLY, addFlags, prepOpenatDirect, prepRead } from '@iouring/ops'
import {
  fixedFile,
  isFixedFile,
  kernelAtLeast,
  registerFiles,
  registerFilesSparse,
  registeredFiles,
  setFileAllocRange,
  unregisterFiles,
  updateFiles,
} from '@iouring/register'
import { skipUnless } from '@iouring/tooling/skip'
import { MiniRing, needsRegisterOp, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
const fds: number[] = []
const rings: MiniRing[] = []

function ring(): MiniRing {
  const r = new MiniRing()
  rings.push(r)
  return r
}

function fileWith(name: string, text: string): number {
  writeFileSync(join(dir, name), text)
  const fd = openSync(join(dir, name), 'r')
  fds.push(fd)
  return fd
}

/** A read through registered file `index` (IOSQE_FIXED_FILE): the text, or -errno. */
function readSlot(r: MiniRing, index: number): string | number {
  const buf = Buffer.alloc(16)
  const at = r.sqe(7)
  prepRead(r.sqes, at, index, addressOf(buf), buf.length, 0)
  addFlags(r.sqes, at, IOSQE_FIXED_FILE)
  const res = r.run(1)[0].res
  return res < 0 ? res : buf.toString('latin1', 0, res)
}

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})

afterEach(() => {
  for (const r of rings.splice(0)) r.close()
  for (const fd of fds.splice(0)) closeSync(fd)
  cleanup()
})

describe('registered files', () => {
  it('registerFiles() makes each fd usable by its index; -1 leaves a slot empty', () => {
    const r = ring()
    const a = fileWith('a', 'file a')
    const b = fileWith('b', 'file b')
    expect(registerFiles(r, [a, -1, b])).toBe(3)
    expect(registeredFiles(r)).toBe(3)
    expect(readSlot(r, 0)).toBe('file a')
    expect(readSlot(r, 1)).toBe(-9) // EBADF
    expect(readSlot(r, 2)).toBe('file b')
    expect(() => registerFiles(r, [a])).toThrow(expect.objectContaining({ code: 'EBUSY', opcode: 'REGISTER_FILES' }))
  })

  it('the kernel holds its own reference: closing the fd leaves the slot working', () => {
    const r = ring()
    writeFileSync(join(dir, 'c'), 'still here')
    const c = openSync(join(dir, 'c'), 'r')
    registerFiles(r, [c])
    closeSync(c)
    expect(readSlot(r, 0)).toBe('still here')
  })

  it('updating a slot redirects later reads; -1 empties it and -2 skips it', () => {
    const r = ring()
    const a = fileWith('a', 'file a')
    const b = fileWith('b', 'file b')
    registerFiles(r, [a, a])
    expect(readSlot(r, 0)).toBe('file a')
    expect(updateFiles(r, 0, [b, -2])).toBe(2)
    expect(readSlot(r, 0)).toBe('file b')
    expect(readSlot(r, 1)).toBe('file a')
    expect(updateFiles(r, 1, [-1], [0])).toBe(1)
    expect(readSlot(r, 1)).toBe(-9)
    expect(() => updateFiles(r, 1, [a, a])).toThrow(expect.objectContaining({ code: 'EINVAL', opcode: 'REGISTER_FILES_UPDATE' }))
    unregisterFiles(r)
    expect(registeredFiles(r)).toBe(0)
    expect(readSlot(r, 0)).toBe(-9)
    expect(() => unregisterFiles(r)).toThrow(expect.objectContaining({ code: 'ENXIO', opcode: 'UNREGISTER_FILES' }))
    expect(() => updateFiles(r, 0, [a])).toThrow(expect.objectContaining({ code: 'ENXIO', opcode: 'REGISTER_FILES_UPDATE' }))
  })

  it('tags: replacing a tagged file posts a CQE with its tag', (ctx) => {
    const r = ring()
    skipUnless(ctx, (r.features & IORING_FEAT_RSRC_TAGS) !== 0, 'file tags (IORING_FEAT_RSRC_TAGS)', '5.13')
    const a = fileWith('a', 'file a')
    registerFiles(r, [a], { tags: [99] })
    updateFiles(r, 0, [a], [100])
    r.submit(1)
    expect(r.reap()).toEqual([{ userData: 99, res: 0, flags: 0 }])
  })

  it('tags: unregistering the table posts a CQE with each tag', (ctx) => {
    skipUnless(ctx, kernelAtLeast('6.13'), 'a tag CQE for each tagged file of an unregistered table', '6.13')
    const r = ring()
    registerFiles(r, [fileWith('a', 'file a')], { tags: [100] })
    unregisterFiles(r)
    r.submit(1)
    expect(r.reap()).toEqual([{ userData: 100, res: 0, flags: 0 }])
  })

  it('a sparse table takes direct opens, allocated from the file alloc range', (ctx) => {
    needsRegisterOp(ctx, 'REGISTER_FILE_ALLOC_RANGE')
    const r = ring()
    fileWith('direct', 'opened directly')
    expect(registerFilesSparse(r, 8)).toBe(8)
    setFileAllocRange(r, 5, 2)
    const path = Buffer.from(join(dir, 'direct') + '\0')
    const open = () => {
      prepOpenatDirect(r.sqes, r.sqe(3), AT_FDCWD, addressOf(path), O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
      return r.run(1)[0].res
    }
    expect(open()).toBe(5)
    expect(open()).toBe(6)
    expect(open()).toBe(-23) // ENFILE: the range is used up
    expect(readSlot(r, 5)).toBe('opened directly')
    expect(readSlot(r, 0)).toBe(-9)
    expect(() => setFileAllocRange(r, 7, 4)).toThrow(expect.objectContaining({ code: 'EINVAL', opcode: 'REGISTER_FILE_ALLOC_RANGE' }))
  })

  it('fixedFile() markers are frozen, branded, and validated', () => {
    const marker = fixedFile(3)
    expect(marker.index).toBe(3)
    expect(Object.isFrozen(marker)).toBe(true)
    expect(isFixedFile(marker)).toBe(true)
    expect(isFixedFile({ index: 3 })).toBe(false)
    expect(String(marker)).toBe('FixedFile(3)')
    expect(() => fixedFile(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => fixedFile('1' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })

  it('validates fds before anything reaches the kernel', () => {
    const r = ring()
    expect(() => registerFiles(r, [])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => registerFiles(r, [-2])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => registerFiles(r, ['3' as never])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => registerFilesSparse(r, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => updateFiles(r, -1, [1])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(registeredFiles(r)).toBe(0)
  })
})
