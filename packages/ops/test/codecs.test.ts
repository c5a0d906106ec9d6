import { describe, expect, it } from 'vitest'
import * as ops from '../src/index.js'

const view = (size: number, fill = 0xa5): DataView => new DataView(new Uint8Array(size).fill(fill).buffer)
const code = expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })

describe('iovec arrays', () => {
  it('round trip, with addresses above 2^32 and a max-length entry', () => {
    const list = [{ addr: 0x7f12_3456_7890, len: 4096 }, { addr: 0x1000, len: 0 }, { addr: 2 ** 47, len: 2 ** 53 - 1 }]
    const bytes = ops.encodeIovecs(list)
    expect(bytes.length).toBe(48)
    const v = new DataView(bytes.buffer)
    expect(v.getBigUint64(0, true)).toBe(0x7f12_3456_7890n)
    expect(v.getBigUint64(8, true)).toBe(4096n)
    expect(v.getBigUint64(40, true)).toBe(2n ** 53n - 1n)
    expect(ops.decodeIovecs(v, 0, 3)).toEqual(list)
  })

  it('empty list gives zero bytes', () => {
    expect(ops.encodeIovecs([]).length).toBe(0)
    expect(ops.writeIovecs(view(16), 0, [])).toBe(0)
    expect(ops.decodeIovecs(view(0), 0, 0)).toEqual([])
  })

  it('writes at an offset and accepts bigint', () => {
    const v = view(64)
    expect(ops.writeIovecs(v, 16, [{ addr: 0xffff_ffff_ffff_f000n, len: 1n }])).toBe(16)
    expect(v.getBigUint64(16, true)).toBe(0xffff_ffff_ffff_f000n)
    expect(v.getUint8(15)).toBe(0xa5)
    expect(v.getUint8(32)).toBe(0xa5)
  })

  it('rejects negative lengths', () => {
    expect(() => ops.encodeIovecs([{ addr: 0, len: -5 }])).toThrowError(code)
  })
})

describe('__kernel_timespec', () => {
  it('round trips, including negative seconds and bigint input', () => {
    for (const ts of [{ sec: 0, nsec: 0 }, { sec: 1, nsec: 999_999_999 }, { sec: -5, nsec: 1 }, { sec: 2 ** 40, nsec: 7 }]) {
      expect(ops.decodeTimespec(new DataView(ops.encodeTimespec(ts).buffer), 0)).toEqual(ts)
    }
    const v = new DataView(ops.encodeTimespec({ sec: -(2n ** 63n), nsec: 0 }).buffer)
    expect(v.getBigInt64(0, true)).toBe(-(2n ** 63n))
    expect(v.getBigInt64(8, true)).toBe(0n)
  })

  it('validates nsec and sec', () => {
    expect(() => ops.encodeTimespec({ sec: 0, nsec: 1e9 })).toThrowError(code)
    expect(() => ops.encodeTimespec({ sec: 0, nsec: -1 })).toThrowError(code)
    expect(() => ops.encodeTimespec({ sec: 2n ** 63n, nsec: 0 })).toThrowError(code)
    expect(() => ops.encodeTimespec({ sec: 0.5, nsec: 0 })).toThrowError(code)
  })

  it('timespecFromMs', () => {
    expect(ops.timespecFromMs(0)).toEqual({ sec: 0, nsec: 0 })
    expect(ops.timespecFromMs(1500)).toEqual({ sec: 1, nsec: 500_000_000 })
    expect(ops.timespecFromMs(0.000001)).toEqual({ sec: 0, nsec: 1 })
    expect(ops.timespecFromMs(1999.9999999)).toEqual({ sec: 2, nsec: 0 })
    expect(() => ops.timespecFromMs(-1)).toThrowError(code)
  })
})

describe('open_how', () => {
  it('round trips and lays out flags, mode, resolve', () => {
    const how = { flags: ops.O_CREAT | ops.O_RDWR | ops.O_CLOEXEC, mode: 0o640, resolve: ops.RESOLVE_BENEATH | ops.RESOLVE_CACHED }
    const bytes = ops.encodeOpenHow(how)
    expect(bytes.length).toBe(24)
    const v = new DataView(bytes.buffer)
    expect(v.getBigUint64(0, true)).toBe(BigInt(how.flags))
    expect(v.getBigUint64(8, true)).toBe(0o640n)
    expect(v.getBigUint64(16, true)).toBe(0x28n)
    expect(ops.decodeOpenHow(v, 0)).toEqual(how)
  })
})

describe('epoll_event', () => {
  it('round trips with 64-bit data at the architecture offset', () => {
    const v = view(32)
    expect(ops.writeEpollEvent(v, 4, { events: ops.EPOLLIN | ops.EPOLLET, data: 0xdead_beef_0000_0001n })).toBe(ops.EPOLL_EVENT_SIZE)
    expect(v.getUint32(4, true)).toBe(0x8000_0001)
    expect(v.getBigUint64(4 + ops.EPOLL_EVENT_DATA, true)).toBe(0xdead_beef_0000_0001n)
    expect(ops.decodeEpollEvent(v, 4)).toEqual({ events: 0x8000_0001, data: 0xdead_beef_0000_0001n })
  })

  it('decodes an epoll_wait result array', () => {
    const v = view(ops.EPOLL_EVENT_SIZE * 3)
    for (let i = 0; i < 3; i++) ops.writeEpollEvent(v, i * ops.EPOLL_EVENT_SIZE, { events: 1 << i, data: i })
    expect(ops.decodeEpollEvents(v, 0, 3)).toEqual([{ events: 1, data: 0n }, { events: 2, data: 1n }, { events: 4, data: 2n }])
  })
})

describe('futex_waitv', () => {
  it('round trips and zeroes __reserved', () => {
    const list = [{ val: 1, uaddr: 0x7f00_0000_1000, flags: ops.FUTEX2_SIZE_U32 | ops.FUTEX2_PRIVATE }, { val: 0xffff_ffff_ffff_ffffn, uaddr: 0x2000, flags: ops.FUTEX2_SIZE_U64 }]
    const bytes = ops.encodeFutexWaitv(list)
    expect(bytes.length).toBe(48)
    const v = new DataView(bytes.buffer)
    expect(v.getUint32(20, true)).toBe(0)
    expect(ops.decodeFutexWaitv(v, 0)).toEqual({ val: 1n, uaddr: 0x7f00_0000_1000, flags: 130 })
    expect(ops.decodeFutexWaitv(v, 24)).toEqual({ val: 0xffff_ffff_ffff_ffffn, uaddr: 0x2000, flags: 3 })
  })
})

describe('io_uring_getevents_arg and io_uring_reg_wait', () => {
  it('getevents_arg', () => {
    const v = view(24)
    const arg = { sigmask: 0x7f00_0000_2000, sigmaskSz: 8, minWaitUsec: 500, ts: 0x7f00_0000_3000 }
    expect(ops.writeGeteventsArg(v, 0, arg)).toBe(24)
    expect([v.getUint32(8, true), v.getUint32(12, true), v.getBigUint64(16, true)]).toEqual([8, 500, 0x7f00_0000_3000n])
    expect(ops.decodeGeteventsArg(v, 0)).toEqual(arg)
  })

  it('reg_wait', () => {
    const v = view(64)
    const w = { ts: { sec: 3, nsec: 4 }, minWaitUsec: 10, flags: ops.IORING_REG_WAIT_TS, sigmask: 0x1000, sigmaskSz: 8 }
    expect(ops.writeRegWait(v, 0, w)).toBe(64)
    expect(v.getUint32(32, true)).toBe(8)
    expect(v.getUint32(60, true)).toBe(0)
    expect(ops.decodeRegWait(v, 0)).toEqual(w)
  })
})

describe('io_uring_recvmsg_out', () => {
  it('decodes the header and locates name, control and payload', () => {
    const v = view(256)
    ops.writeRecvmsgOut(v, 32, { namelen: 16, controllen: 24, payloadlen: 100, flags: ops.MSG_TRUNC })
    const out = ops.decodeRecvmsgOut(v, 32, 16 + 28 + 32 + 100, 28, 32)
    expect(out).toEqual({
      namelen: 16, controllen: 24, payloadlen: 100, flags: 0x20,
      nameOffset: 48, controlOffset: 76, payloadOffset: 108, payloadLength: 100,
    })
  })

  it('returns null when the buffer cannot hold header, name and control', () => {
    expect(ops.decodeRecvmsgOut(view(64), 0, 15, 0, 0)).toBeNull()
    expect(ops.decodeRecvmsgOut(view(64), 0, 40, 16, 16)).toBeNull()
    expect(ops.decodeRecvmsgOut(view(64), 0, 48, 16, 16)?.payloadLength).toBe(0)
  })
})

describe('io_uring_probe', () => {
  it('round trips and answers probeSupports', () => {
    const probe = { lastOp: 62, ops: ops.OPCODES.map((op) => ({ op: op.value, flags: op.value === 7 ? 0 : ops.IO_URING_OP_SUPPORTED, supported: op.value !== 7 })) }
    const v = view(ops.probeSize(64))
    expect(ops.writeProbe(v, 0, probe)).toBe(16 + 63 * 8)
    expect(v.getUint8(0)).toBe(62)
    expect(v.getUint8(1)).toBe(63)
    expect(v.getUint16(16 + 8 * 22 + 2, true)).toBe(1)
    expect(ops.decodeProbe(v, 0)).toEqual(probe)
    expect(ops.probeSupports(v, 0, ops.IORING_OP_READ)).toBe(true)
    expect(ops.probeSupports(v, 0, 7)).toBe(false)
    expect(ops.probeSupports(v, 0, 63)).toBe(false)
  })
})

describe('provided-buffer ring', () => {
  it('adds entries at (tail + offset) & mask and advances the tail over bufs[0].resv', () => {
    const v = view(16 * 4, 0)
    ops.bufRingAdd(v, 0, 0x7f00_0000_1000, 4096, 7, 3, 0)
    ops.bufRingAdd(v, 0, 0x7f00_0000_2000, 4096, 8, 3, 1)
    ops.bufRingAdvance(v, 0, 2)
    expect(ops.getBufRingTail(v, 0)).toBe(2)
    expect(v.getUint16(14, true)).toBe(2)
    expect(ops.decodeBufRingEntry(v, 0, 1)).toEqual({ addr: 0x7f00_0000_2000, len: 4096, bid: 8 })
    ops.bufRingAdd(v, 0, 0x3000, 1, 9, 3, 2) // (2 + 2) & 3 = slot 0
    expect(ops.decodeBufRingEntry(v, 0, 0)).toEqual({ addr: 0x3000, len: 1, bid: 9 })
    expect(ops.getBufRingTail(v, 0)).toBe(2)
  })

  it('the 16-bit tail wraps', () => {
    const v = view(16, 0)
    ops.setBufRingTail(v, 0, 0xffff)
    ops.bufRingAdvance(v, 0, 2)
    expect(ops.getBufRingTail(v, 0)).toBe(1)
  })

  it('entry codec round trip', () => {
    const v = view(48)
    expect(ops.writeBufRingEntry(v, 16, 1, 2 ** 46, 0xffff_ffff, 0xffff)).toBe(16)
    expect(ops.decodeBufRingEntry(v, 16, 1)).toEqual({ addr: 2 ** 46, len: 0xffff_ffff, bid: 0xffff })
    expect(v.getUint16(32 + 14, true)).toBe(0xa5a5) // resv / tail of that slot untouched
  })
})

describe('io_uring_attr_pi', () => {
  it('round trips', () => {
    const v = view(32)
    expect(ops.writeAttrPi(v, 0, { flags: 1, appTag: 0xbeef, len: 512, addr: 0x7f00_0000_4000, seed: 0x1234_5678_9abc_def0n })).toBe(32)
    expect(v.getBigUint64(24, true)).toBe(0n)
    expect(ops.decodeAttrPi(v, 0)).toEqual({ flags: 1, appTag: 0xbeef, len: 512, addr: 0x7f00_0000_4000, seed: 0x1234_5678_9abc_def0n })
  })
})

describe('msghdr and control messages', () => {
  it('msghdr round trip, padding zeroed', () => {
    const v = view(56)
    const msg = { name: 0x7f00_0000_1000, namelen: 28, iov: 0x7f00_0000_2000, iovlen: 2, control: 0x7f00_0000_3000, controllen: 64, flags: ops.MSG_CTRUNC }
    expect(ops.writeMsghdr(v, 0, msg)).toBe(56)
    expect(v.getUint32(12, true)).toBe(0)
    expect(v.getUint32(52, true)).toBe(0)
    expect(v.getBigUint64(24, true)).toBe(2n)
    expect(ops.decodeMsghdr(v, 0)).toEqual(msg)
  })

  it('CMSG_LEN / CMSG_SPACE', () => {
    expect([ops.cmsgLen(4), ops.cmsgSpace(4), ops.cmsgSpace(8), ops.cmsgSpace(12), ops.cmsgSpace(0)]).toEqual([20, 24, 24, 32, 16])
  })

  it('SCM_RIGHTS encodes as the kernel expects and decodes back', () => {
    const bytes = ops.encodeScmRights([3, 4, 5])
    expect(bytes.length).toBe(32)
    const v = new DataView(bytes.buffer)
    expect(v.getBigUint64(0, true)).toBe(28n)
    expect([v.getInt32(8, true), v.getInt32(12, true)]).toEqual([ops.SOL_SOCKET, ops.SCM_RIGHTS])
    expect([v.getInt32(16, true), v.getInt32(20, true), v.getInt32(24, true), v.getInt32(28, true)]).toEqual([3, 4, 5, 0])
    expect(ops.decodeControlMessages(v, 0, bytes.length)).toEqual([{ kind: 'rights', fds: [3, 4, 5] }])
  })

  it('SCM_CREDENTIALS: struct ucred (pid, uid, gid) as the kernel lays it out', () => {
    const bytes = ops.encodeControlMessages([{ kind: 'credentials', pid: 4242, uid: 1000, gid: 100 }])
    expect(bytes.length).toBe(32) // CMSG_SPACE(12)
    const v = new DataView(bytes.buffer)
    expect(v.getBigUint64(0, true)).toBe(28n) // CMSG_LEN(12)
    expect([v.getInt32(8, true), v.getInt32(12, true)]).toEqual([ops.SOL_SOCKET, ops.SCM_CREDENTIALS])
    expect([v.getInt32(16, true), v.getUint32(20, true), v.getUint32(24, true)]).toEqual([4242, 1000, 100])
    expect(ops.decodeControlMessages(v, 0, bytes.length)).toEqual([{ kind: 'credentials', pid: 4242, uid: 1000, gid: 100 }])
  })

  it('several messages: rights, IP_PKTINFO, IPV6_PKTINFO and an unknown one', () => {
    const messages: ops.ControlMessage[] = [
      { kind: 'rights', fds: [7] },
      { kind: 'pktinfo', ifindex: 2, specDst: '10.0.0.1', address: '192.168.1.20' },
      { kind: 'pktinfo6', ifindex: 3, address: 'fe80::1' },
      { kind: 'raw', level: ops.SOL_SOCKET, type: 29, data: new Uint8Array([1, 2, 3, 4, 5]) },
    ]
    const bytes = ops.encodeControlMessages(messages)
    expect(bytes.length).toBe(ops.controlMessagesSize(messages))
    expect(bytes.length).toBe(24 + 32 + 40 + 24)
    const v = new DataView(bytes.buffer)
    expect(v.getUint32(24 + 16, true)).toBe(2) // in_pktinfo.ipi_ifindex
    expect([...bytes.subarray(24 + 20, 24 + 24)]).toEqual([10, 0, 0, 1])
    expect(v.getInt32(56 + 12, true)).toBe(ops.IPV6_PKTINFO)
    expect(bytes[56 + 16]).toBe(0xfe)
    expect(ops.decodeControlMessages(v, 0, bytes.length)).toEqual(messages)
  })

  it('stops at truncated data and handles an empty buffer', () => {
    const bytes = ops.encodeScmRights([1, 2])
    expect(ops.decodeControlMessages(new DataView(bytes.buffer), 0, 20)).toEqual([])
    expect(ops.decodeControlMessages(new DataView(bytes.buffer), 0, 0)).toEqual([])
    const v = new DataView(new ArrayBuffer(16))
    v.setBigUint64(0, 8n, true) // cmsg_len smaller than a header
    expect(ops.decodeControlMessages(v, 0, 16)).toEqual([])
  })

  it('rejects a pktinfo address of the wrong family', () => {
    expect(() => ops.encodeControlMessages([{ kind: 'pktinfo', ifindex: 0, specDst: '::1', address: '1.2.3.4' }])).toThrowError(TypeError)
  })
})

describe('statx', () => {
  const sample = (): ops.Statx<bigint> => ({
    dev: ops.makedev(259, 3), ino: 0xffff_0000_1234_5678n, mode: BigInt(ops.S_IFREG | 0o644), nlink: 2n, uid: 1000n, gid: 100n,
    rdev: ops.makedev(0x1234_5, 0x6789_ab), size: 0x7_0000_0001n, blksize: 4096n, blocks: 123n,
    atime: { sec: 1_700_000_000n, nsec: 1n }, mtime: { sec: -1n, nsec: 999_999_999n }, ctime: { sec: 3n, nsec: 4n }, birthtime: { sec: 5n, nsec: 6n },
    mask: ops.STATX_BASIC_STATS | ops.STATX_BTIME, attributes: BigInt(ops.STATX_ATTR_APPEND), attributesMask: 0xfffn,
    devMajor: 259, devMinor: 3, rdevMajor: 0x1234_5, rdevMinor: 0x6789_ab, mntId: 77n, dioMemAlign: 512, dioOffsetAlign: 4096,
    dioReadOffsetAlign: 512, subvol: 9n, atomicWriteUnitMin: 4096, atomicWriteUnitMax: 65536, atomicWriteUnitMaxOpt: 16384, atomicWriteSegmentsMax: 1,
  })

  it('bigint round trip', () => {
    const v = view(256)
    expect(ops.writeStatx(v, 0, sample())).toBe(256)
    expect(ops.decodeStatx(v, 0, true)).toEqual(sample())
  })

  it('number decode matches what fs.Stats would hold', () => {
    const v = view(256)
    ops.writeStatx(v, 0, sample())
    const s = ops.decodeStatx(v, 0)
    expect(s.dev).toBe(0x10303) // makedev(259, 3)
    expect(s.mode).toBe(ops.S_IFREG | 0o644)
    expect(s.size).toBe(0x7_0000_0001)
    expect(s.rdev).toBe(Number(ops.makedev(0x1234_5, 0x6789_ab)))
    expect(s.mtime).toEqual({ sec: -1, nsec: 999_999_999 })
    expect(s.blksize).toBe(4096)
    expect(s.attributes).toBe(0x20n)
  })

  it('field offsets', () => {
    const v = view(256)
    ops.writeStatx(v, 0, sample())
    expect(v.getUint32(0, true)).toBe(0xfff)
    expect(v.getUint16(28, true)).toBe(0o100644)
    expect(v.getBigUint64(32, true)).toBe(0xffff_0000_1234_5678n)
    expect(v.getBigInt64(112, true)).toBe(-1n) // stx_mtime.tv_sec
    expect(v.getUint32(136, true)).toBe(259) // stx_dev_major
    expect(v.getUint32(184, true)).toBe(16384) // stx_atomic_write_unit_max_opt
    expect(v.getUint32(188, true)).toBe(0)
  })

  it('makedev follows glibc', () => {
    expect(ops.makedev(8, 1)).toBe(0x801n)
    expect(ops.makedev(0xfff, 0xff)).toBe(0xfffffn)
    expect(ops.makedev(0x1000, 0x100)).toBe((0x1000n << 32n) | (0x100n << 12n))
    expect(ops.makedev(0xffff_ffff, 0xffff_ffff)).toBe(0xffff_ffff_ffff_ffffn)
  })
})

describe('CQE decoding', () => {
  it('decodeCqe for 16- and 32-byte CQEs', () => {
    const v = view(64)
    v.setBigUint64(32, 0x1234_5678_9abc_def0n, true)
    v.setInt32(40, -104, true)
    v.setUint32(44, ops.IORING_CQE_F_32 | ops.IORING_CQE_F_NOTIF, true)
    v.setBigUint64(48, 0xffff_0000_0000_0001n, true)
    v.setBigUint64(56, 2n, true)
    expect(ops.decodeCqe(v, 32)).toEqual({ userData: 0x1234_5678_9abc_def0n, res: -104, flags: 0x8008 })
    expect(ops.decodeCqe(v, 32, true)).toEqual({ userData: 0x1234_5678_9abc_def0n, res: -104, flags: 0x8008, bigCqe: [0xffff_0000_0000_0001n, 2n] })
    expect(ops.cqeBigCqe(v, 32, 1)).toBe(2n)
    expect(ops.cqeUserData64(v, 32)).toBe(0x1234_5678_9abc_def0n)
  })

  it('flag predicates', () => {
    const all = 0xabcd_0000 | 0x803f
    expect([ops.cqeHasBuffer(all), ops.cqeHasMore(all), ops.cqeSockNonempty(all), ops.cqeIsNotif(all), ops.cqeBufMore(all), ops.cqeIsSkip(all), ops.cqeIs32(all)]).toEqual([true, true, true, true, true, true, true])
    expect([ops.cqeHasBuffer(0), ops.cqeHasMore(0), ops.cqeSockNonempty(0), ops.cqeIsNotif(0), ops.cqeBufMore(0), ops.cqeIsSkip(0), ops.cqeIs32(0)]).toEqual([false, false, false, false, false, false, false])
    expect(ops.cqeBufferId(all)).toBe(0xabcd)
  })
})

describe('siginfo_t (waitid)', () => {
  it('decodes the SIGCHLD fields at their kernel offsets', () => {
    const v = view(ops.SIGINFO_SIZE)
    v.setInt32(0, 17, true) // SIGCHLD
    v.setInt32(4, 0, true)
    v.setInt32(8, ops.CLD_EXITED, true)
    v.setInt32(12, 0, true) // padding before the union
    v.setInt32(16, 4242, true)
    v.setUint32(20, 1000, true)
    v.setInt32(24, 3, true)
    expect(ops.decodeSiginfo(v, 0)).toEqual({ signo: 17, errno: 0, code: 1, pid: 4242, uid: 1000, status: 3 })
  })
})
