import { describe, expect, it } from 'vitest'
import * as ops from '../src/index.js'

interface Codec<T> {
  size: number
  write: (v: DataView, at: number, value: T) => number
  encode?: (value: T) => Uint8Array
  decode: (v: DataView, at: number) => unknown
  value: T
  /** [byte offset, width in bytes, expected little-endian value] */
  bytes: [number, 1 | 2 | 4 | 8, bigint][]
}

const read = (v: DataView, off: number, width: 1 | 2 | 4 | 8): bigint =>
  width === 1 ? BigInt(v.getUint8(off)) : width === 2 ? BigInt(v.getUint16(off, true)) : width === 4 ? BigInt(v.getUint32(off, true)) : v.getBigUint64(off, true)

const P = 0x7f00_1234_5000 // an address above 2^32

const codecs: Record<string, Codec<never>> = {
  files_update: { size: 16, write: ops.writeFilesUpdate, encode: ops.encodeFilesUpdate, decode: ops.decodeFilesUpdate, value: { offset: 5, fds: P } as never, bytes: [[0, 4, 5n], [8, 8, BigInt(P)]] },
  rsrc_update: { size: 16, write: ops.writeRsrcUpdate, encode: ops.encodeRsrcUpdate, decode: ops.decodeRsrcUpdate, value: { offset: 6, data: P } as never, bytes: [[0, 4, 6n], [8, 8, BigInt(P)]] },
  rsrc_register: { size: 32, write: ops.writeRsrcRegister, encode: ops.encodeRsrcRegister, decode: ops.decodeRsrcRegister, value: { nr: 64, flags: ops.IORING_RSRC_REGISTER_SPARSE, data: P, tags: P + 8 } as never, bytes: [[0, 4, 64n], [4, 4, 1n], [8, 8, 0n], [16, 8, BigInt(P)], [24, 8, BigInt(P + 8)]] },
  rsrc_update2: { size: 32, write: ops.writeRsrcUpdate2, encode: ops.encodeRsrcUpdate2, decode: ops.decodeRsrcUpdate2, value: { offset: 3, data: P, tags: P + 16, nr: 9 } as never, bytes: [[0, 4, 3n], [8, 8, BigInt(P)], [16, 8, BigInt(P + 16)], [24, 4, 9n], [28, 4, 0n]] },
  restriction: { size: 16, write: ops.writeRestriction, encode: ops.encodeRestriction, decode: ops.decodeRestriction, value: { opcode: ops.IORING_RESTRICTION_SQE_OP, arg: ops.IORING_OP_READ } as never, bytes: [[0, 2, 1n], [2, 1, 22n], [3, 1, 0n], [4, 8, 0n]] },
  buf_reg: { size: 40, write: ops.writeBufReg, encode: ops.encodeBufReg, decode: ops.decodeBufReg, value: { ringAddr: P, ringEntries: 256, bgid: 7, flags: ops.IOU_PBUF_RING_INC } as never, bytes: [[0, 8, BigInt(P)], [8, 4, 256n], [12, 2, 7n], [14, 2, 2n], [16, 8, 0n], [32, 8, 0n]] },
  buf_status: { size: 40, write: ops.writeBufStatus, encode: ops.encodeBufStatus, decode: ops.decodeBufStatus, value: { bufGroup: 7, head: 123 } as never, bytes: [[0, 4, 7n], [4, 4, 123n], [8, 8, 0n]] },
  sync_cancel_reg: { size: 64, write: ops.writeSyncCancelReg, encode: ops.encodeSyncCancelReg, decode: ops.decodeSyncCancelReg, value: { addr: 0xdead_beef_0000, fd: -1, flags: ops.IORING_ASYNC_CANCEL_ANY, timeoutSec: -1, timeoutNsec: -1, opcode: ops.IORING_OP_POLL_ADD } as never, bytes: [[0, 8, 0xdead_beef_0000n], [8, 4, 0xffff_ffffn], [12, 4, 4n], [16, 8, 2n ** 64n - 1n], [24, 8, 2n ** 64n - 1n], [32, 1, 6n], [33, 1, 0n], [40, 8, 0n], [56, 8, 0n]] },
  file_index_range: { size: 16, write: ops.writeFileIndexRange, encode: ops.encodeFileIndexRange, decode: ops.decodeFileIndexRange, value: { off: 10, len: 20 } as never, bytes: [[0, 4, 10n], [4, 4, 20n], [8, 8, 0n]] },
  clock_register: { size: 16, write: ops.writeClockRegister, encode: ops.encodeClockRegister, decode: ops.decodeClockRegister, value: { clockid: ops.CLOCK_BOOTTIME } as never, bytes: [[0, 4, 7n], [4, 4, 0n], [8, 8, 0n]] },
  clone_buffers: { size: 32, write: ops.writeCloneBuffers, encode: ops.encodeCloneBuffers, decode: ops.decodeCloneBuffers, value: { srcFd: 4, flags: ops.IORING_REGISTER_DST_REPLACE, srcOff: 1, dstOff: 2, nr: 3 } as never, bytes: [[0, 4, 4n], [4, 4, 2n], [8, 4, 1n], [12, 4, 2n], [16, 4, 3n], [20, 4, 0n]] },
  napi: { size: 16, write: ops.writeNapi, encode: ops.encodeNapi, decode: ops.decodeNapi, value: { busyPollTo: 100, preferBusyPoll: 1, opcode: ops.IO_URING_NAPI_STATIC_ADD_ID, opParam: 0x1234 } as never, bytes: [[0, 4, 100n], [4, 1, 1n], [5, 1, 1n], [6, 2, 0n], [8, 4, 0x1234n], [12, 4, 0n]] },
  region_desc: { size: 64, write: ops.writeRegionDesc, encode: ops.encodeRegionDesc, decode: ops.decodeRegionDesc, value: { userAddr: P, size: 1 << 20, flags: ops.IORING_MEM_REGION_TYPE_USER, id: 2, mmapOffset: 0x8000_0000 } as never, bytes: [[0, 8, BigInt(P)], [8, 8, 1n << 20n], [16, 4, 1n], [20, 4, 2n], [24, 8, 0x8000_0000n], [32, 8, 0n]] },
  mem_region_reg: { size: 32, write: ops.writeMemRegionReg, encode: ops.encodeMemRegionReg, decode: ops.decodeMemRegionReg, value: { regionUptr: P, flags: ops.IORING_MEM_REGION_REG_WAIT_ARG } as never, bytes: [[0, 8, BigInt(P)], [8, 8, 1n], [16, 8, 0n]] },
  zcrx_area_reg: { size: 48, write: ops.writeZcrxAreaReg, encode: ops.encodeZcrxAreaReg, decode: ops.decodeZcrxAreaReg, value: { addr: P, len: 1 << 24, rqAreaToken: 0x1_0000_0000_0000, flags: ops.IORING_ZCRX_AREA_DMABUF, dmabufFd: 9 } as never, bytes: [[0, 8, BigInt(P)], [8, 8, 1n << 24n], [16, 8, 1n << 48n], [24, 4, 1n], [28, 4, 9n], [32, 8, 0n]] },
  zcrx_ifq_reg: { size: 96, write: ops.writeZcrxIfqReg, encode: ops.encodeZcrxIfqReg, decode: ops.decodeZcrxIfqReg, value: { ifIdx: 2, ifRxq: 3, rqEntries: 4096, flags: 0, areaPtr: P, regionPtr: P + 64, rqHead: 0, rqTail: 64, rqRqes: 128, zcrxId: 5 } as never, bytes: [[0, 4, 2n], [4, 4, 3n], [8, 4, 4096n], [16, 8, BigInt(P)], [24, 8, BigInt(P + 64)], [36, 4, 64n], [40, 4, 128n], [64, 4, 5n], [68, 4, 0n], [88, 8, 0n]] },
  zcrx_rqe: { size: 16, write: ops.writeZcrxRqe, decode: ops.decodeZcrxRqe, value: { off: 2 ** 48 + 4096, len: 4096 } as never, bytes: [[0, 8, (1n << 48n) + 4096n], [8, 4, 4096n], [12, 4, 0n]] },
  zcrx_cqe: { size: 16, write: ops.writeZcrxCqe, decode: ops.decodeZcrxCqe, value: { off: 2 ** 49 + 8192 } as never, bytes: [[0, 8, (2n << 48n) + 8192n], [8, 8, 0n]] },
  query_hdr: { size: 40, write: ops.writeQueryHdr, encode: ops.encodeQueryHdr, decode: ops.decodeQueryHdr, value: { nextEntry: 0, queryData: P, queryOp: ops.IO_URING_QUERY_OPCODES, size: 48, result: -22 } as never, bytes: [[8, 8, BigInt(P)], [16, 4, 0n], [20, 4, 48n], [24, 4, 0xffff_ffean], [28, 4, 0n]] },
  query_opcode: { size: 48, write: ops.writeQueryOpcode, decode: ops.decodeQueryOpcode, value: { nrRequestOpcodes: 63, nrRegisterOpcodes: 36, featureFlags: 0x3ffff, ringSetupFlags: 0x7ffff, enterFlags: 0xff, sqeFlags: 0x7f, nrQueryOpcodes: 1 } as never, bytes: [[0, 4, 63n], [4, 4, 36n], [8, 8, 0x3ffffn], [16, 8, 0x7ffffn], [24, 8, 0xffn], [32, 8, 0x7fn], [40, 4, 1n], [44, 4, 0n]] },
}

describe('register argument structs', () => {
  for (const [name, c] of Object.entries(codecs)) {
    it(`${name}: kernel layout, zeroed reserved bytes, round trip`, () => {
      const v = new DataView(new Uint8Array(c.size + 16).fill(0xa5).buffer)
      expect(c.write(v, 8, c.value)).toBe(c.size)
      for (const [off, width, value] of c.bytes) expect([off, read(v, 8 + off, width)]).toEqual([off, value])
      expect(v.getUint8(7)).toBe(0xa5)
      expect(v.getUint8(8 + c.size)).toBe(0xa5)
      expect(c.decode(v, 8)).toEqual(c.value)
      if (c.encode) expect(c.encode(c.value)).toEqual(new Uint8Array(v.buffer, 8, c.size))
    })
  }

  it('restriction arrays', () => {
    const bytes = ops.encodeRestrictions([{ opcode: ops.IORING_RESTRICTION_REGISTER_OP, arg: ops.IORING_REGISTER_PROBE }, { opcode: ops.IORING_RESTRICTION_SQE_FLAGS_ALLOWED, arg: ops.IOSQE_IO_LINK }])
    expect(bytes.length).toBe(32)
    expect([bytes[0], bytes[2], bytes[16], bytes[18]]).toEqual([0, 8, 2, 4])
  })

  it('range errors from 64-bit fields', () => {
    expect(() => ops.encodeRsrcRegister({ nr: 1, flags: 0, data: -2, tags: 0 })).toThrowError(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
  })
})

describe('io_uring_params', () => {
  it('encodes setup arguments at their kernel offsets', () => {
    const bytes = ops.encodeParams({ sqEntries: 256, cqEntries: 1024, flags: ops.IORING_SETUP_CQSIZE | ops.IORING_SETUP_SQPOLL, sqThreadCpu: 3, sqThreadIdle: 1000, features: 0, wqFd: 9 })
    expect(bytes.length).toBe(120)
    const v = new DataView(bytes.buffer)
    expect([0, 4, 8, 12, 16, 20, 24].map((o) => v.getUint32(o, true))).toEqual([256, 1024, 10, 3, 1000, 0, 9])
    expect(bytes.subarray(28).every((b) => b === 0)).toBe(true)
  })

  it('decodes what the kernel fills in (round trip with ring offsets and NO_MMAP user addresses)', () => {
    const p = {
      sqEntries: 8, cqEntries: 16, flags: ops.IORING_SETUP_NO_MMAP, sqThreadCpu: 0, sqThreadIdle: 0, features: 0x3ffff, wqFd: 0,
      sqOff: { head: 0, tail: 4, ringMask: 8, ringEntries: 12, flags: 16, dropped: 20, array: 24, userAddr: 0x7f00_0000_0000 },
      cqOff: { head: 64, tail: 68, ringMask: 72, ringEntries: 76, overflow: 80, cqes: 128, flags: 84, userAddr: 0x7f00_0001_0000 },
    }
    const v = new DataView(ops.encodeParams(p).buffer)
    expect(v.getUint32(40 + 4, true)).toBe(4)
    expect(v.getBigUint64(40 + 32, true)).toBe(0x7f00_0000_0000n)
    expect(v.getUint32(80 + 20, true)).toBe(128)
    expect(v.getBigUint64(80 + 32, true)).toBe(0x7f00_0001_0000n)
    expect(ops.decodeParams(v, 0)).toEqual(p)
    expect(ops.decodeSqringOffsets(v, 40)).toEqual(p.sqOff)
    expect(ops.decodeCqringOffsets(v, 80)).toEqual(p.cqOff)
  })
})
