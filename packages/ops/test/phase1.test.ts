import { describe, expect, it } from 'vitest'
import * as ops from '../src/index.js'
import {
  IORING_ASYNC_CANCEL_ALL, IORING_ASYNC_CANCEL_FD, IORING_ASYNC_CANCEL_FD_FIXED, IORING_FSYNC_DATASYNC,
  IORING_TIMEOUT_ABS, IORING_TIMEOUT_BOOTTIME, prepCancel, prepCancel64, prepCancelFd, prepFsync, prepLinkTimeout,
  prepNop, prepPollAdd, prepRead, prepReadv, prepTimeout, prepWrite, prepWritev,
} from '../src/index.js'
import { checkEncoder } from './sqe-expect.js'

const BIG_ADDR = 0x7f12_3456_7890 // above 2^32, below 2^47 like a real pointer
const BIG_OFF = 0x1_2345_6789 // above 2^32

describe('phase 1 encoders, byte for byte', () => {
  it('prepNop', () => {
    checkEncoder((v, at) => prepNop(v, at), { opcode: 0, fd: -1 })
  })

  it('prepRead with a 64-bit address and offset', () => {
    checkEncoder((v, at) => prepRead(v, at, 7, BIG_ADDR, 4096, BIG_OFF), {
      opcode: 22, fd: 7, addr: BigInt(BIG_ADDR), len: 4096, off: BigInt(BIG_OFF),
    })
  })

  it('prepRead with offset -1 (current position) and bigint arguments', () => {
    checkEncoder((v, at) => prepRead(v, at, 3, 0xffff_ffff_ffff_fff0n, 1, -1n), {
      opcode: 22, fd: 3, addr: 0xffff_ffff_ffff_fff0n, len: 1, off: 0xffff_ffff_ffff_ffffn,
    })
    checkEncoder((v, at) => prepRead(v, at, 3, 16, 1, -1), { opcode: 22, fd: 3, addr: 16n, len: 1, off: 2n ** 64n - 1n })
  })

  it('prepWrite', () => {
    checkEncoder((v, at) => prepWrite(v, at, 9, 0x1000, 0xffff_ffff, 12345), {
      opcode: 23, fd: 9, addr: 0x1000n, len: 0xffff_ffff, off: 12345n,
    })
  })

  it('prepReadv and prepReadv with RWF flags (readv2)', () => {
    checkEncoder((v, at) => prepReadv(v, at, 5, 0x2000, 3, 77), { opcode: 1, fd: 5, addr: 0x2000n, len: 3, off: 77n })
    checkEncoder((v, at) => prepReadv(v, at, 5, 0x2000, 3, 77, 0x10), {
      opcode: 1, fd: 5, addr: 0x2000n, len: 3, off: 77n, opFlags: 0x10,
    })
  })

  it('prepWritev (writev2 flags)', () => {
    checkEncoder((v, at) => prepWritev(v, at, 6, BIG_ADDR, 2, BIG_OFF, 0x8), {
      opcode: 2, fd: 6, addr: BigInt(BIG_ADDR), len: 2, off: BigInt(BIG_OFF), opFlags: 0x8,
    })
  })

  it('prepFsync', () => {
    checkEncoder((v, at) => prepFsync(v, at, 11, IORING_FSYNC_DATASYNC), { opcode: 3, fd: 11, opFlags: 1 })
  })

  it('prepPollAdd', () => {
    checkEncoder((v, at) => prepPollAdd(v, at, 12, 0x8000_0001), { opcode: 6, fd: 12, opFlags: 0x8000_0001 })
  })

  it('prepTimeout', () => {
    checkEncoder((v, at) => prepTimeout(v, at, BIG_ADDR, 4, IORING_TIMEOUT_ABS | IORING_TIMEOUT_BOOTTIME), {
      opcode: 11, fd: -1, addr: BigInt(BIG_ADDR), len: 1, off: 4n, opFlags: 5,
    })
  })

  it('prepLinkTimeout', () => {
    checkEncoder((v, at) => prepLinkTimeout(v, at, 0x5000, IORING_TIMEOUT_ABS), {
      opcode: 15, fd: -1, addr: 0x5000n, len: 1, opFlags: 1,
    })
  })

  it('prepCancel64 / prepCancel with a 64-bit user_data', () => {
    const fields = { opcode: 14, fd: -1, addr: 0xdead_beef_cafe_f00dn, opFlags: IORING_ASYNC_CANCEL_ALL }
    checkEncoder((v, at) => prepCancel64(v, at, 0xdead_beef_cafe_f00dn, IORING_ASYNC_CANCEL_ALL), fields)
    checkEncoder((v, at) => prepCancel(v, at, 0xdead_beef_cafe_f00dn, IORING_ASYNC_CANCEL_ALL), fields)
    checkEncoder((v, at) => prepCancel64(v, at, 2 ** 53 - 1, 0), { opcode: 14, fd: -1, addr: 2n ** 53n - 1n })
  })

  it('prepCancelFd always adds IORING_ASYNC_CANCEL_FD', () => {
    checkEncoder((v, at) => prepCancelFd(v, at, 42, IORING_ASYNC_CANCEL_FD_FIXED), {
      opcode: 14, fd: 42, opFlags: IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED,
    })
  })

  it('negative fds encode as __s32', () => {
    checkEncoder((v, at) => prepRead(v, at, -100, 0, 0, 0), { opcode: 22, fd: -100 })
  })
})

describe('64-bit range checks', () => {
  const view = new DataView(new ArrayBuffer(64))
  const bad: (number | bigint)[] = [-2, -1.5, 0.5, 2 ** 64, Infinity, NaN, -2n, 2n ** 64n]
  for (const value of bad) {
    it(`rejects ${String(value)} with ERR_OUT_OF_RANGE`, () => {
      expect(() => prepRead(view, 0, 1, 0, 1, value)).toThrowError(RangeError)
      try {
        prepRead(view, 0, 1, value, 1, 0)
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(RangeError)
        expect((err as { code?: string }).code).toBe('ERR_OUT_OF_RANGE')
      }
    })
  }

  it('accepts the extremes', () => {
    prepRead(view, 0, 1, 2n ** 64n - 1n, 1, 2 ** 64 - 2 ** 11)
    expect(view.getBigUint64(16, true)).toBe(2n ** 64n - 1n)
    expect(view.getBigUint64(8, true)).toBe(2n ** 64n - 2n ** 11n)
  })
})

describe('SQE helpers', () => {
  it('setUserData / getUserData round trip and range', () => {
    const v = new DataView(new ArrayBuffer(128))
    for (const value of [0, 1, 0xffff_ffff, 2 ** 32, 2 ** 53 - 1, 0x12_3456_789a_bcde]) {
      ops.setUserData(v, 64, value)
      expect(ops.getUserData(v, 64)).toBe(value)
      expect(v.getBigUint64(64 + 32, true)).toBe(BigInt(value))
    }
    ops.setUserData(v, 0, 0x1_0000_0002)
    expect(v.getUint32(32, true)).toBe(2)
    expect(v.getUint32(36, true)).toBe(1)
    for (const value of [-1, 2 ** 53, 1.5, NaN]) {
      expect(() => ops.setUserData(v, 0, value)).toThrowError(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    }
    ops.setUserData64(v, 0, 0xffff_ffff_ffff_fffen)
    expect(ops.getUserData64(v, 0)).toBe(0xffff_ffff_ffff_fffen)
  })

  it('encoders leave user_data alone', () => {
    const v = new DataView(new ArrayBuffer(64))
    ops.setUserData(v, 0, 123456789)
    prepRead(v, 0, 1, 2, 3, 4)
    expect(ops.getUserData(v, 0)).toBe(123456789)
  })

  it('setFlags replaces, addFlags ORs', () => {
    const v = new DataView(new ArrayBuffer(64))
    prepNop(v, 0)
    ops.setFlags(v, 0, ops.IOSQE_IO_LINK)
    ops.addFlags(v, 0, ops.IOSQE_ASYNC)
    expect(v.getUint8(1)).toBe(ops.IOSQE_IO_LINK | ops.IOSQE_ASYNC)
    ops.setFlags(v, 0, ops.IOSQE_IO_DRAIN)
    expect(ops.getFlags(v, 0)).toBe(ops.IOSQE_IO_DRAIN)
  })

  it('CQE readers', () => {
    const v = new DataView(new ArrayBuffer(64))
    v.setBigUint64(16, 0x1f_ffff_ffff_ffffn, true)
    v.setInt32(24, -11, true)
    v.setUint32(28, (513 << 16) | ops.IORING_CQE_F_BUFFER | ops.IORING_CQE_F_MORE, true)
    expect(ops.cqeUserData(v, 16)).toBe(2 ** 53 - 1)
    expect(ops.cqeRes(v, 16)).toBe(-11)
    const flags = ops.cqeFlags(v, 16)
    expect(ops.cqeBufferId(flags)).toBe(513)
    expect(ops.cqeHasMore(flags)).toBe(true)
    expect(ops.cqeBufferId(0xffff_0000)).toBe(0xffff)
  })
})
