// Every encoder, byte for byte against struct io_uring_sqe: each case gives
// distinct values to the fields the encoder sets and expects zero elsewhere
// (the slot starts as 0xa5 garbage; user_data must keep it).
import { describe, expect, it } from 'vitest'
import * as ops from '../src/index.js'
import { checkEncoder, type SqeFields } from './sqe-expect.js'

const ADDR = 0x7f12_3456_7890 // a pointer above 2^32
const ADDR2 = 0x7f00_dead_b000
const ADDR3 = 0x5555_0000_1230
const OFF = 0x1_2345_6789 // an offset above 2^32
const BIG = (n: number): bigint => BigInt(n)
const ALLOC = 0xffff_ffff

interface Case {
  name: string
  encode: (v: DataView, at: number) => void
  fields: SqeFields
}

const cases: Case[] = [
  // read / write
  { name: 'prepRw', encode: (v, at) => ops.prepRw(v, at, 0xfe, -7, ADDR, 0xffff_fffe, OFF), fields: { opcode: 0xfe, fd: -7, addr: BIG(ADDR), len: 0xffff_fffe, off: BIG(OFF) } },
  { name: 'prepNop', encode: (v, at) => ops.prepNop(v, at), fields: { opcode: 0, fd: -1 } },
  { name: 'prepRead', encode: (v, at) => ops.prepRead(v, at, 7, ADDR, 4096, OFF), fields: { opcode: 22, fd: 7, addr: BIG(ADDR), len: 4096, off: BIG(OFF) } },
  { name: 'prepWrite', encode: (v, at) => ops.prepWrite(v, at, 8, ADDR, 100, -1), fields: { opcode: 23, fd: 8, addr: BIG(ADDR), len: 100, off: 2n ** 64n - 1n } },
  { name: 'prepReadv', encode: (v, at) => ops.prepReadv(v, at, 5, ADDR, 3, OFF, ops.RWF_NOWAIT), fields: { opcode: 1, fd: 5, addr: BIG(ADDR), len: 3, off: BIG(OFF), opFlags: 8 } },
  { name: 'prepWritev', encode: (v, at) => ops.prepWritev(v, at, 5, ADDR, 3, OFF, ops.RWF_DSYNC), fields: { opcode: 2, fd: 5, addr: BIG(ADDR), len: 3, off: BIG(OFF), opFlags: 2 } },
  { name: 'prepReadFixed', encode: (v, at) => ops.prepReadFixed(v, at, 3, ADDR, 100, OFF, 7), fields: { opcode: 4, fd: 3, addr: BIG(ADDR), len: 100, off: BIG(OFF), bufIndex: 7 } },
  { name: 'prepWriteFixed', encode: (v, at) => ops.prepWriteFixed(v, at, 3, ADDR, 100, OFF, 0xffff), fields: { opcode: 5, fd: 3, addr: BIG(ADDR), len: 100, off: BIG(OFF), bufIndex: 0xffff } },
  { name: 'prepReadvFixed', encode: (v, at) => ops.prepReadvFixed(v, at, 3, ADDR, 4, OFF, 0x10, 9), fields: { opcode: 60, fd: 3, addr: BIG(ADDR), len: 4, off: BIG(OFF), opFlags: 0x10, bufIndex: 9 } },
  { name: 'prepWritevFixed', encode: (v, at) => ops.prepWritevFixed(v, at, 3, ADDR, 4, OFF, 0x10, 9), fields: { opcode: 61, fd: 3, addr: BIG(ADDR), len: 4, off: BIG(OFF), opFlags: 0x10, bufIndex: 9 } },
  { name: 'prepReadMultishot', encode: (v, at) => ops.prepReadMultishot(v, at, 4, 512, OFF, 12), fields: { opcode: 49, fd: 4, len: 512, off: BIG(OFF), bufIndex: 12, flags: ops.IOSQE_BUFFER_SELECT } },
  // sync, allocation, advice
  { name: 'prepFsync', encode: (v, at) => ops.prepFsync(v, at, 11, ops.IORING_FSYNC_DATASYNC), fields: { opcode: 3, fd: 11, opFlags: 1 } },
  { name: 'prepSyncFileRange', encode: (v, at) => ops.prepSyncFileRange(v, at, 11, 4096, OFF, 2), fields: { opcode: 8, fd: 11, len: 4096, off: BIG(OFF), opFlags: 2 } },
  { name: 'prepFallocate', encode: (v, at) => ops.prepFallocate(v, at, 11, 3, OFF, 0x2_0000_0000), fields: { opcode: 17, fd: 11, len: 3, off: BIG(OFF), addr: 0x2_0000_0000n } },
  { name: 'prepFtruncate', encode: (v, at) => ops.prepFtruncate(v, at, 11, 0x3_0000_0000n), fields: { opcode: 55, fd: 11, off: 0x3_0000_0000n } },
  { name: 'prepFadvise', encode: (v, at) => ops.prepFadvise(v, at, 11, OFF, 4096, ops.POSIX_FADV_DONTNEED), fields: { opcode: 24, fd: 11, off: BIG(OFF), len: 4096, opFlags: 4 } },
  { name: 'prepFadvise64', encode: (v, at) => ops.prepFadvise64(v, at, 11, OFF, 0x5_0000_0000, 3), fields: { opcode: 24, fd: 11, off: BIG(OFF), addr: 0x5_0000_0000n, opFlags: 3 } },
  { name: 'prepMadvise', encode: (v, at) => ops.prepMadvise(v, at, ADDR, 8192, ops.MADV_WILLNEED), fields: { opcode: 25, fd: -1, addr: BIG(ADDR), len: 8192, opFlags: 3 } },
  { name: 'prepMadvise64', encode: (v, at) => ops.prepMadvise64(v, at, ADDR, 0x5_0000_0000, 4), fields: { opcode: 25, fd: -1, addr: BIG(ADDR), off: 0x5_0000_0000n, opFlags: 4 } },
  // splice / tee
  { name: 'prepSplice', encode: (v, at) => ops.prepSplice(v, at, 3, -1, 4, OFF, 1000, ops.SPLICE_F_FD_IN_FIXED | ops.SPLICE_F_MOVE), fields: { opcode: 30, fd: 4, addr: 2n ** 64n - 1n, off: BIG(OFF), len: 1000, fileIndex: 3, opFlags: 0x8000_0001 } },
  { name: 'prepTee', encode: (v, at) => ops.prepTee(v, at, 3, 4, 1000, ops.SPLICE_F_NONBLOCK), fields: { opcode: 33, fd: 4, len: 1000, fileIndex: 3, opFlags: 2 } },
  // poll
  { name: 'prepPollAdd', encode: (v, at) => ops.prepPollAdd(v, at, 12, ops.EPOLLIN | ops.EPOLLET), fields: { opcode: 6, fd: 12, opFlags: 0x8000_0001 } },
  { name: 'prepPollMultishot', encode: (v, at) => ops.prepPollMultishot(v, at, 12, ops.POLLOUT), fields: { opcode: 6, fd: 12, opFlags: 4, len: ops.IORING_POLL_ADD_MULTI } },
  { name: 'prepPollRemove', encode: (v, at) => ops.prepPollRemove(v, at, 0xdead_beef_cafe_f00dn), fields: { opcode: 7, fd: -1, addr: 0xdead_beef_cafe_f00dn } },
  { name: 'prepPollUpdate', encode: (v, at) => ops.prepPollUpdate(v, at, 0x1111, 0x2_2222_2222, ops.POLLIN, ops.IORING_POLL_UPDATE_EVENTS | ops.IORING_POLL_UPDATE_USER_DATA), fields: { opcode: 7, fd: -1, addr: 0x1111n, off: 0x2_2222_2222n, len: 6, opFlags: 1 } },
  // timeouts
  { name: 'prepTimeout', encode: (v, at) => ops.prepTimeout(v, at, ADDR, 4, ops.IORING_TIMEOUT_ABS), fields: { opcode: 11, fd: -1, addr: BIG(ADDR), len: 1, off: 4n, opFlags: 1 } },
  { name: 'prepTimeoutRemove', encode: (v, at) => ops.prepTimeoutRemove(v, at, 0x77, 0), fields: { opcode: 12, fd: -1, addr: 0x77n } },
  { name: 'prepTimeoutUpdate', encode: (v, at) => ops.prepTimeoutUpdate(v, at, ADDR, 0x77, ops.IORING_LINK_TIMEOUT_UPDATE), fields: { opcode: 12, fd: -1, addr: 0x77n, off: BIG(ADDR), opFlags: 0x12 } },
  { name: 'prepLinkTimeout', encode: (v, at) => ops.prepLinkTimeout(v, at, ADDR, ops.IORING_TIMEOUT_BOOTTIME), fields: { opcode: 15, fd: -1, addr: BIG(ADDR), len: 1, opFlags: 4 } },
  // cancel
  { name: 'prepCancel64', encode: (v, at) => ops.prepCancel64(v, at, 0xdead_beef_cafe_f00dn, ops.IORING_ASYNC_CANCEL_ALL), fields: { opcode: 14, fd: -1, addr: 0xdead_beef_cafe_f00dn, opFlags: 1 } },
  { name: 'prepCancel', encode: (v, at) => ops.prepCancel(v, at, 123456, 0), fields: { opcode: 14, fd: -1, addr: 123456n } },
  { name: 'prepCancelFd', encode: (v, at) => ops.prepCancelFd(v, at, 42, ops.IORING_ASYNC_CANCEL_FD_FIXED), fields: { opcode: 14, fd: 42, opFlags: 0xa } },
  { name: 'prepCancelOp', encode: (v, at) => ops.prepCancelOp(v, at, ops.IORING_OP_READ, ops.IORING_ASYNC_CANCEL_ALL), fields: { opcode: 14, fd: -1, len: 22, opFlags: 0x21 } },
  // files
  { name: 'prepOpenat', encode: (v, at) => ops.prepOpenat(v, at, -100, ADDR, ops.O_CREAT | ops.O_WRONLY, 0o644), fields: { opcode: 18, fd: -100, addr: BIG(ADDR), len: 0o644, opFlags: 0o101 } },
  { name: 'prepOpenatDirect', encode: (v, at) => ops.prepOpenatDirect(v, at, 5, ADDR, 2, 0o600, 9), fields: { opcode: 18, fd: 5, addr: BIG(ADDR), len: 0o600, opFlags: 2, fileIndex: 10 } },
  { name: 'prepOpenatDirect alloc', encode: (v, at) => ops.prepOpenatDirect(v, at, 5, ADDR, 2, 0, ALLOC), fields: { opcode: 18, fd: 5, addr: BIG(ADDR), opFlags: 2, fileIndex: ALLOC } },
  { name: 'prepOpen', encode: (v, at) => ops.prepOpen(v, at, ADDR, 2, 0o600), fields: { opcode: 18, fd: -100, addr: BIG(ADDR), len: 0o600, opFlags: 2 } },
  { name: 'prepOpenDirect', encode: (v, at) => ops.prepOpenDirect(v, at, ADDR, 2, 0o600, 0), fields: { opcode: 18, fd: -100, addr: BIG(ADDR), len: 0o600, opFlags: 2, fileIndex: 1 } },
  { name: 'prepOpenat2', encode: (v, at) => ops.prepOpenat2(v, at, 5, ADDR, ADDR2), fields: { opcode: 28, fd: 5, addr: BIG(ADDR), len: 24, off: BIG(ADDR2) } },
  { name: 'prepOpenat2Direct', encode: (v, at) => ops.prepOpenat2Direct(v, at, 5, ADDR, ADDR2, 4), fields: { opcode: 28, fd: 5, addr: BIG(ADDR), len: 24, off: BIG(ADDR2), fileIndex: 5 } },
  { name: 'prepClose', encode: (v, at) => ops.prepClose(v, at, 13), fields: { opcode: 19, fd: 13 } },
  { name: 'prepCloseDirect', encode: (v, at) => ops.prepCloseDirect(v, at, 13), fields: { opcode: 19, fd: 0, fileIndex: 14 } },
  { name: 'prepFilesUpdate', encode: (v, at) => ops.prepFilesUpdate(v, at, ADDR, 3, 5), fields: { opcode: 20, fd: -1, addr: BIG(ADDR), len: 3, off: 5n } },
  { name: 'prepFilesUpdate alloc', encode: (v, at) => ops.prepFilesUpdate(v, at, ADDR, 3, -1), fields: { opcode: 20, fd: -1, addr: BIG(ADDR), len: 3, off: 2n ** 64n - 1n } },
  { name: 'prepFixedFdInstall', encode: (v, at) => ops.prepFixedFdInstall(v, at, 7, ops.IORING_FIXED_FD_NO_CLOEXEC), fields: { opcode: 54, fd: 7, flags: ops.IOSQE_FIXED_FILE, opFlags: 1 } },
  { name: 'prepStatx', encode: (v, at) => ops.prepStatx(v, at, -100, ADDR, ops.AT_EMPTY_PATH, ops.STATX_BASIC_STATS, ADDR2), fields: { opcode: 21, fd: -100, addr: BIG(ADDR), len: 0x7ff, off: BIG(ADDR2), opFlags: 0x1000 } },
  { name: 'prepUnlinkat', encode: (v, at) => ops.prepUnlinkat(v, at, 5, ADDR, ops.AT_REMOVEDIR), fields: { opcode: 36, fd: 5, addr: BIG(ADDR), opFlags: 0x200 } },
  { name: 'prepUnlink', encode: (v, at) => ops.prepUnlink(v, at, ADDR, 0), fields: { opcode: 36, fd: -100, addr: BIG(ADDR) } },
  { name: 'prepRenameat', encode: (v, at) => ops.prepRenameat(v, at, 5, ADDR, 6, ADDR2, ops.RENAME_NOREPLACE), fields: { opcode: 35, fd: 5, addr: BIG(ADDR), len: 6, off: BIG(ADDR2), opFlags: 1 } },
  { name: 'prepRename', encode: (v, at) => ops.prepRename(v, at, ADDR, ADDR2), fields: { opcode: 35, fd: -100, addr: BIG(ADDR), len: 0xffff_ff9c, off: BIG(ADDR2) } },
  { name: 'prepMkdirat', encode: (v, at) => ops.prepMkdirat(v, at, 5, ADDR, 0o755), fields: { opcode: 37, fd: 5, addr: BIG(ADDR), len: 0o755 } },
  { name: 'prepMkdir', encode: (v, at) => ops.prepMkdir(v, at, ADDR, 0o700), fields: { opcode: 37, fd: -100, addr: BIG(ADDR), len: 0o700 } },
  { name: 'prepSymlinkat', encode: (v, at) => ops.prepSymlinkat(v, at, ADDR, 6, ADDR2), fields: { opcode: 38, fd: 6, addr: BIG(ADDR), off: BIG(ADDR2) } },
  { name: 'prepSymlink', encode: (v, at) => ops.prepSymlink(v, at, ADDR, ADDR2), fields: { opcode: 38, fd: -100, addr: BIG(ADDR), off: BIG(ADDR2) } },
  { name: 'prepLinkat', encode: (v, at) => ops.prepLinkat(v, at, 5, ADDR, 6, ADDR2, ops.AT_SYMLINK_FOLLOW), fields: { opcode: 39, fd: 5, addr: BIG(ADDR), len: 6, off: BIG(ADDR2), opFlags: 0x400 } },
  { name: 'prepLink', encode: (v, at) => ops.prepLink(v, at, ADDR, ADDR2, 0), fields: { opcode: 39, fd: -100, addr: BIG(ADDR), len: 0xffff_ff9c, off: BIG(ADDR2) } },
  // xattr
  { name: 'prepGetxattr', encode: (v, at) => ops.prepGetxattr(v, at, ADDR, ADDR2, ADDR3, 64), fields: { opcode: 44, fd: 0, addr: BIG(ADDR), off: BIG(ADDR2), addr3: BIG(ADDR3), len: 64 } },
  { name: 'prepSetxattr', encode: (v, at) => ops.prepSetxattr(v, at, ADDR, ADDR2, ADDR3, ops.XATTR_CREATE, 64), fields: { opcode: 42, fd: 0, addr: BIG(ADDR), off: BIG(ADDR2), addr3: BIG(ADDR3), len: 64, opFlags: 1 } },
  { name: 'prepFgetxattr', encode: (v, at) => ops.prepFgetxattr(v, at, 5, ADDR, ADDR2, 64), fields: { opcode: 43, fd: 5, addr: BIG(ADDR), off: BIG(ADDR2), len: 64 } },
  { name: 'prepFsetxattr', encode: (v, at) => ops.prepFsetxattr(v, at, 5, ADDR, ADDR2, ops.XATTR_REPLACE, 64), fields: { opcode: 41, fd: 5, addr: BIG(ADDR), off: BIG(ADDR2), len: 64, opFlags: 2 } },
  // provided buffers
  { name: 'prepProvideBuffers', encode: (v, at) => ops.prepProvideBuffers(v, at, ADDR, 4096, 16, 3, 100), fields: { opcode: 31, fd: 16, addr: BIG(ADDR), len: 4096, off: 100n, bufIndex: 3 } },
  { name: 'prepRemoveBuffers', encode: (v, at) => ops.prepRemoveBuffers(v, at, 16, 3), fields: { opcode: 32, fd: 16, bufIndex: 3 } },
  // msg_ring
  { name: 'prepMsgRing', encode: (v, at) => ops.prepMsgRing(v, at, 8, 0x1234, 0xab_cdef_0123, ops.IORING_MSG_RING_CQE_SKIP), fields: { opcode: 40, fd: 8, len: 0x1234, off: 0xab_cdef_0123n, opFlags: 1 } },
  { name: 'prepMsgRingCqeFlags', encode: (v, at) => ops.prepMsgRingCqeFlags(v, at, 8, 0x1234, 0xab_cdef_0123, 0, 0x55), fields: { opcode: 40, fd: 8, len: 0x1234, off: 0xab_cdef_0123n, opFlags: 2, fileIndex: 0x55 } },
  { name: 'prepMsgRingFd', encode: (v, at) => ops.prepMsgRingFd(v, at, 8, 3, 4, 0xab_cdef_0123, 0), fields: { opcode: 40, fd: 8, addr: 1n, off: 0xab_cdef_0123n, addr3: 3n, fileIndex: 5 } },
  { name: 'prepMsgRingFd negative source', encode: (v, at) => ops.prepMsgRingFd(v, at, 8, -5, 4, 1, 0), fields: { opcode: 40, fd: 8, addr: 1n, off: 1n, addr3: 2n ** 64n - 5n, fileIndex: 5 } },
  { name: 'prepMsgRingFdAlloc', encode: (v, at) => ops.prepMsgRingFdAlloc(v, at, 8, 3, 0xab_cdef_0123, 1), fields: { opcode: 40, fd: 8, addr: 1n, off: 0xab_cdef_0123n, addr3: 3n, fileIndex: ALLOC, opFlags: 1 } },
  // futex, waitid, pipe
  { name: 'prepFutexWake', encode: (v, at) => ops.prepFutexWake(v, at, ADDR, 1, 0xffff_ffff, ops.FUTEX2_SIZE_U32 | ops.FUTEX2_PRIVATE, 0), fields: { opcode: 52, fd: 0x82, addr: BIG(ADDR), off: 1n, addr3: 0xffff_ffffn } },
  { name: 'prepFutexWait', encode: (v, at) => ops.prepFutexWait(v, at, ADDR, 0x1_0000_0001n, 0x8000_0000_0000_0000n, ops.FUTEX2_SIZE_U64, 0), fields: { opcode: 51, fd: 3, addr: BIG(ADDR), off: 0x1_0000_0001n, addr3: 0x8000_0000_0000_0000n } },
  { name: 'prepFutexWaitv', encode: (v, at) => ops.prepFutexWaitv(v, at, ADDR, 3, 0), fields: { opcode: 53, fd: 0, addr: BIG(ADDR), len: 3 } },
  { name: 'prepWaitid', encode: (v, at) => ops.prepWaitid(v, at, ops.P_PID, 1234, ADDR, ops.WEXITED, 0), fields: { opcode: 50, fd: 1234, len: 1, off: BIG(ADDR), fileIndex: 4 } },
  { name: 'prepPipe', encode: (v, at) => ops.prepPipe(v, at, ADDR, ops.O_CLOEXEC), fields: { opcode: 62, fd: 0, addr: BIG(ADDR), opFlags: 0o2000000 } },
  { name: 'prepPipeDirect', encode: (v, at) => ops.prepPipeDirect(v, at, ADDR, 0, 6), fields: { opcode: 62, fd: 0, addr: BIG(ADDR), fileIndex: 7 } },
  // uring_cmd
  { name: 'prepUringCmd', encode: (v, at) => ops.prepUringCmd(v, at, 0x8004_5502, 9), fields: { opcode: 46, fd: 9, off: 0x8004_5502n } },
  { name: 'prepCmdDiscard', encode: (v, at) => ops.prepCmdDiscard(v, at, 9, OFF, 0x20_0000), fields: { opcode: 46, fd: 9, off: 0x1200n, addr: BIG(OFF), addr3: 0x20_0000n } },
  { name: 'prepCmdSock', encode: (v, at) => ops.prepCmdSock(v, at, ops.SOCKET_URING_OP_GETSOCKOPT, 9, ops.SOL_SOCKET, ops.SO_ERROR, ADDR, 4), fields: { opcode: 46, fd: 9, off: 2n, addr: (4n << 32n) | 1n, fileIndex: 4, addr3: BIG(ADDR) } },
  // sockets
  { name: 'prepSocket', encode: (v, at) => ops.prepSocket(v, at, ops.AF_INET, ops.SOCK_STREAM | ops.SOCK_CLOEXEC, ops.IPPROTO_TCP, 0), fields: { opcode: 45, fd: 2, len: 6, off: 0o2000001n } },
  { name: 'prepSocketDirect', encode: (v, at) => ops.prepSocketDirect(v, at, ops.AF_INET6, ops.SOCK_DGRAM, ops.IPPROTO_UDP, 5, 0), fields: { opcode: 45, fd: 10, len: 17, off: 2n, fileIndex: 6 } },
  { name: 'prepSocketDirectAlloc', encode: (v, at) => ops.prepSocketDirectAlloc(v, at, ops.AF_UNIX, ops.SOCK_STREAM, 0, 0), fields: { opcode: 45, fd: 1, off: 1n, fileIndex: ALLOC } },
  { name: 'prepConnect', encode: (v, at) => ops.prepConnect(v, at, 9, ADDR, 16), fields: { opcode: 16, fd: 9, addr: BIG(ADDR), off: 16n } },
  { name: 'prepBind', encode: (v, at) => ops.prepBind(v, at, 9, ADDR, 28), fields: { opcode: 56, fd: 9, addr: BIG(ADDR), off: 28n } },
  { name: 'prepListen', encode: (v, at) => ops.prepListen(v, at, 9, 511), fields: { opcode: 57, fd: 9, len: 511 } },
  { name: 'prepShutdown', encode: (v, at) => ops.prepShutdown(v, at, 9, ops.SHUT_RDWR), fields: { opcode: 34, fd: 9, len: 2 } },
  { name: 'prepAccept', encode: (v, at) => ops.prepAccept(v, at, 9, ADDR, ADDR2, ops.SOCK_NONBLOCK | ops.SOCK_CLOEXEC), fields: { opcode: 13, fd: 9, addr: BIG(ADDR), off: BIG(ADDR2), opFlags: 0o2004000 } },
  { name: 'prepAcceptDirect', encode: (v, at) => ops.prepAcceptDirect(v, at, 9, ADDR, ADDR2, 0, 7), fields: { opcode: 13, fd: 9, addr: BIG(ADDR), off: BIG(ADDR2), fileIndex: 8 } },
  { name: 'prepMultishotAccept', encode: (v, at) => ops.prepMultishotAccept(v, at, 9, 0, 0, ops.SOCK_NONBLOCK), fields: { opcode: 13, fd: 9, ioprio: 1, opFlags: 0o4000 } },
  { name: 'prepMultishotAcceptDirect', encode: (v, at) => ops.prepMultishotAcceptDirect(v, at, 9, 0, 0, 0), fields: { opcode: 13, fd: 9, ioprio: 1, fileIndex: ALLOC } },
  { name: 'prepSend', encode: (v, at) => ops.prepSend(v, at, 9, ADDR, 100, ops.MSG_NOSIGNAL), fields: { opcode: 26, fd: 9, addr: BIG(ADDR), len: 100, opFlags: 0x4000 } },
  { name: 'prepSendBundle', encode: (v, at) => ops.prepSendBundle(v, at, 9, 100, 0), fields: { opcode: 26, fd: 9, len: 100, ioprio: 0x10 } },
  { name: 'prepSendto', encode: (v, at) => ops.prepSendto(v, at, 9, ADDR, 100, ops.MSG_DONTWAIT, ADDR2, 28), fields: { opcode: 26, fd: 9, addr: BIG(ADDR), len: 100, opFlags: 0x40, off: BIG(ADDR2), fileIndex: 28 } },
  { name: 'prepSendZc', encode: (v, at) => ops.prepSendZc(v, at, 9, ADDR, 100, ops.MSG_NOSIGNAL, ops.IORING_SEND_ZC_REPORT_USAGE), fields: { opcode: 47, fd: 9, addr: BIG(ADDR), len: 100, opFlags: 0x4000, ioprio: 8 } },
  { name: 'prepSendZcFixed', encode: (v, at) => ops.prepSendZcFixed(v, at, 9, ADDR, 100, 0, ops.IORING_RECVSEND_POLL_FIRST, 3), fields: { opcode: 47, fd: 9, addr: BIG(ADDR), len: 100, ioprio: 5, bufIndex: 3 } },
  { name: 'prepSendmsg', encode: (v, at) => ops.prepSendmsg(v, at, 9, ADDR, ops.MSG_NOSIGNAL), fields: { opcode: 9, fd: 9, addr: BIG(ADDR), len: 1, opFlags: 0x4000 } },
  { name: 'prepSendmsgZc', encode: (v, at) => ops.prepSendmsgZc(v, at, 9, ADDR, 0), fields: { opcode: 48, fd: 9, addr: BIG(ADDR), len: 1 } },
  { name: 'prepSendmsgZcFixed', encode: (v, at) => ops.prepSendmsgZcFixed(v, at, 9, ADDR, ops.MSG_MORE, 5), fields: { opcode: 48, fd: 9, addr: BIG(ADDR), len: 1, opFlags: 0x8000, ioprio: 4, bufIndex: 5 } },
  { name: 'prepRecv', encode: (v, at) => ops.prepRecv(v, at, 9, ADDR, 100, ops.MSG_PEEK), fields: { opcode: 27, fd: 9, addr: BIG(ADDR), len: 100, opFlags: 2 } },
  { name: 'prepRecvMultishot', encode: (v, at) => ops.prepRecvMultishot(v, at, 9, 0, 0, 0), fields: { opcode: 27, fd: 9, ioprio: 2 } },
  { name: 'prepRecvMultishotBundle', encode: (v, at) => ops.prepRecvMultishotBundle(v, at, 9, 0), fields: { opcode: 27, fd: 9, ioprio: 0x12 } },
  { name: 'prepRecvBundle', encode: (v, at) => ops.prepRecvBundle(v, at, 9, 0, ops.MSG_WAITALL), fields: { opcode: 27, fd: 9, ioprio: 0x10, opFlags: 0x100 } },
  { name: 'prepRecvmsg', encode: (v, at) => ops.prepRecvmsg(v, at, 9, ADDR, ops.MSG_CMSG_CLOEXEC), fields: { opcode: 10, fd: 9, addr: BIG(ADDR), len: 1, opFlags: 0x4000_0000 } },
  { name: 'prepRecvmsgMultishot', encode: (v, at) => ops.prepRecvmsgMultishot(v, at, 9, ADDR, 0), fields: { opcode: 10, fd: 9, addr: BIG(ADDR), len: 1, ioprio: 2 } },
  { name: 'prepRecvZc', encode: (v, at) => ops.prepRecvZc(v, at, 9, 65536, 0, 3), fields: { opcode: 58, fd: 9, len: 65536, ioprio: 2, fileIndex: 3 } },
  { name: 'prepEpollCtl', encode: (v, at) => ops.prepEpollCtl(v, at, 9, 10, ops.EPOLL_CTL_ADD, ADDR), fields: { opcode: 29, fd: 9, addr: BIG(ADDR), len: 1, off: 10n } },
  { name: 'prepEpollCtl negative fd', encode: (v, at) => ops.prepEpollCtl(v, at, 9, -1, ops.EPOLL_CTL_DEL, 0), fields: { opcode: 29, fd: 9, len: 2, off: 0xffff_ffffn } },
  { name: 'prepEpollWait', encode: (v, at) => ops.prepEpollWait(v, at, 9, ADDR, 64, 0), fields: { opcode: 59, fd: 9, addr: BIG(ADDR), len: 64 } },
]

describe('encoders write all 64 bytes of struct io_uring_sqe', () => {
  for (const c of cases) it(c.name, () => void checkEncoder(c.encode, c.fields))
})

describe('coverage', () => {
  it('every opcode of OPCODES has an encoder', () => {
    const produced = new Set(cases.filter((c) => c.name !== 'prepRw').map((c) => c.fields.opcode))
    const missing = ops.OPCODES.filter((op) => !produced.has(op.value)).map((op) => op.name)
    expect(missing).toEqual([])
  })

  it('every exported prep* function is exercised', () => {
    const tested = new Set(cases.map((c) => c.name.split(' ')[0]))
    const modifiers = new Set(['prepSendSetAddr'])
    const untested = Object.keys(ops).filter((k) => k.startsWith('prep') && !tested.has(k) && !modifiers.has(k))
    expect(untested).toEqual([])
  })
})

describe('special cases', () => {
  it('prepUringCmd with sqeSize 128 zeroes the whole 80-byte command area', () => {
    checkEncoder((v, at) => ops.prepUringCmd(v, at, 7, 3, ops.SQE128_SIZE), { opcode: 46, fd: 3, off: 7n }, 128)
  })

  it('prepSendSetAddr only touches addr2 and addr_len', () => {
    const v = new DataView(new ArrayBuffer(64))
    ops.prepSend(v, 0, 9, 0x1000, 10, 0)
    const before = new Uint8Array(v.buffer).slice()
    ops.prepSendSetAddr(v, 0, 0x7fff_0000_1000, 16)
    const after = new Uint8Array(v.buffer)
    const changed = [...after.keys()].filter((i) => after[i] !== before[i])
    expect(changed.every((i) => (i >= 8 && i < 16) || (i >= 44 && i < 46))).toBe(true)
    expect(v.getBigUint64(8, true)).toBe(0x7fff_0000_1000n)
    expect(v.getUint16(44, true)).toBe(16)
  })

  it('flag helpers OR the right IOSQE bits and setBufferSelect stores the group', () => {
    const v = new DataView(new ArrayBuffer(64))
    ops.prepRecv(v, 0, 3, 0, 100, 0)
    ops.setFixedFile(v, 0)
    ops.setDrain(v, 0)
    ops.setLink(v, 0)
    ops.setHardlink(v, 0)
    ops.setAsync(v, 0)
    ops.setBufferSelect(v, 0, 0xbeef)
    ops.setCqeSkipSuccess(v, 0)
    expect(v.getUint8(1)).toBe(0x7f)
    expect(v.getUint16(40, true)).toBe(0xbeef)
  })

  it('single-field setters', () => {
    const v = new DataView(new ArrayBuffer(64))
    ops.prepNop(v, 0)
    ops.setIoprio(v, 0, 0x6004)
    ops.setPersonality(v, 0, 0x1234)
    ops.setBufIndex(v, 0, 0xfffe)
    ops.setFileIndex(v, 0, 0x8765_4321)
    ops.setRwAttr(v, 0, 0x7f00_0000_0000, ops.IORING_RW_ATTR_FLAG_PI)
    expect(v.getUint16(2, true)).toBe(0x6004)
    expect(v.getUint16(42, true)).toBe(0x1234)
    expect(v.getUint16(40, true)).toBe(0xfffe)
    expect(v.getUint32(44, true)).toBe(0x8765_4321)
    expect(v.getBigUint64(48, true)).toBe(0x7f00_0000_0000n)
    expect(v.getBigUint64(56, true)).toBe(1n)
    ops.setBufGroup(v, 0, 7)
    expect(v.getUint16(40, true)).toBe(7)
    ops.setTargetFixedFile(v, 0, 4)
    expect(v.getUint32(44, true)).toBe(5)
    ops.setTargetFixedFile(v, 0, -1)
    expect(v.getUint32(44, true)).toBe(ALLOC)
  })

  it('encoders work at any offset of a larger ring buffer', () => {
    const v = new DataView(new ArrayBuffer(64 * 8))
    for (let i = 0; i < 8; i++) ops.prepRead(v, i * 64, i, 0x1000 * i, i, i)
    for (let i = 0; i < 8; i++) {
      expect(v.getInt32(i * 64 + 4, true)).toBe(i)
      expect(v.getBigUint64(i * 64 + 16, true)).toBe(BigInt(0x1000 * i))
    }
  })

  it('unrepresentable 64-bit arguments throw ERR_OUT_OF_RANGE from any encoder', () => {
    const v = new DataView(new ArrayBuffer(64))
    const code = expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })
    expect(() => ops.prepFutexWait(v, 0, 0x1000, 1, 2n ** 64n, 2, 0)).toThrowError(code)
    expect(() => ops.prepGetxattr(v, 0, 1, 2, -3, 4)).toThrowError(code)
    expect(() => ops.prepFallocate(v, 0, 1, 0, 0.5, 1)).toThrowError(code)
    expect(() => ops.prepCmdSock(v, 0, 2, 9, 1, 4, 2 ** 64, 4)).toThrowError(code)
    expect(() => ops.prepSendSetAddr(v, 0, -7n, 16)).toThrowError(code)
  })
})
