// One encoder per liburing io_uring_prep_* helper (Linux 6.18 opcodes):
// prepName(sqes, at, ...the same arguments in the same order). Each writes the
// whole SQE at byte offset `at` exactly as liburing does, user_data excepted,
// and allocates nothing. Pointers are numeric addresses; 64-bit arguments take
// number | bigint (see writeU64); narrower ones are truncated like C casts.
// Network encoders live in prep-net.ts.

import {
  IORING_ASYNC_CANCEL_FD, IORING_ASYNC_CANCEL_OP, IORING_FILE_INDEX_ALLOC, IORING_MSG_RING_FLAGS_PASS, IORING_MSG_SEND_FD,
  IORING_OP_ASYNC_CANCEL, IORING_OP_CLOSE, IORING_OP_FADVISE, IORING_OP_FALLOCATE, IORING_OP_FGETXATTR,
  IORING_OP_FILES_UPDATE, IORING_OP_FIXED_FD_INSTALL, IORING_OP_FSETXATTR, IORING_OP_FSYNC, IORING_OP_FTRUNCATE,
  IORING_OP_FUTEX_WAIT, IORING_OP_FUTEX_WAITV, IORING_OP_FUTEX_WAKE, IORING_OP_GETXATTR, IORING_OP_LINKAT,
  IORING_OP_LINK_TIMEOUT, IORING_OP_MADVISE, IORING_OP_MKDIRAT, IORING_OP_MSG_RING, IORING_OP_NOP, IORING_OP_OPENAT,
  IORING_OP_OPENAT2, IORING_OP_PIPE, IORING_OP_POLL_ADD, IORING_OP_POLL_REMOVE, IORING_OP_PROVIDE_BUFFERS,
  IORING_OP_READ, IORING_OP_READV, IORING_OP_READV_FIXED, IORING_OP_READ_FIXED, IORING_OP_READ_MULTISHOT,
  IORING_OP_REMOVE_BUFFERS, IORING_OP_RENAMEAT, IORING_OP_SETXATTR, IORING_OP_SPLICE, IORING_OP_STATX,
  IORING_OP_SYMLINKAT, IORING_OP_SYNC_FILE_RANGE, IORING_OP_TEE, IORING_OP_TIMEOUT, IORING_OP_TIMEOUT_REMOVE,
  IORING_OP_UNLINKAT, IORING_OP_URING_CMD, IORING_OP_WAITID, IORING_OP_WRITE, IORING_OP_WRITEV, IORING_OP_WRITEV_FIXED,
  IORING_OP_WRITE_FIXED, IORING_POLL_ADD_MULTI, IORING_TIMEOUT_UPDATE, IOSQE_BUFFER_SELECT, IOSQE_FIXED_FILE,
  BLOCK_URING_CMD_DISCARD,
} from './constants.js'
import { AT_FDCWD } from './sys.js'
import {
  OPEN_HOW_SIZE, SQE128_SIZE, SQE_ADDR, SQE_ADDR3, SQE_BUF_GROUP, SQE_BUF_INDEX, SQE_FILE_INDEX, SQE_FLAGS, SQE_LEN, SQE_OFF,
  SQE_RW_FLAGS, SQE_SIZE, SQE_SPLICE_FD_IN,
} from './layout.js'
import { prepRw, setTargetFixedFile } from './sqe.js'
import { type U64, writeSignExtended, writeU64 } from './u64.js'

/** The op-flags union at +28: rw_flags, fsync_flags, msg_flags, ... */
function setOpFlags(sqes: DataView, at: number, flags: number): void {
  sqes.setUint32(at + SQE_RW_FLAGS, flags, true)
}

/** io_uring_prep_nop: a request that does nothing and completes with 0. */
export function prepNop(sqes: DataView, at: number): void {
  prepRw(sqes, at, IORING_OP_NOP, -1, 0, 0, 0)
}

// ---- read / write ------------------------------------------------------------------

/** offset -1 reads from (and advances) the file position. */
export function prepRead(sqes: DataView, at: number, fd: number, buf: U64, nbytes: number, offset: U64): void {
  prepRw(sqes, at, IORING_OP_READ, fd, buf, nbytes, offset)
}

/**
 * io_uring_prep_write: writes `nbytes` from address `buf` to `fd` at `offset` (-1: at, and advancing, the file
 * position).
 */
export function prepWrite(sqes: DataView, at: number, fd: number, buf: U64, nbytes: number, offset: U64): void {
  prepRw(sqes, at, IORING_OP_WRITE, fd, buf, nbytes, offset)
}

/** io_uring_prep_readv, or io_uring_prep_readv2 when RWF_* flags are given. */
export function prepReadv(sqes: DataView, at: number, fd: number, iovecs: U64, nrVecs: number, offset: U64, flags = 0): void {
  prepRw(sqes, at, IORING_OP_READV, fd, iovecs, nrVecs, offset)
  setOpFlags(sqes, at, flags)
}

/** io_uring_prep_writev, or io_uring_prep_writev2 when RWF_* flags are given. */
export function prepWritev(sqes: DataView, at: number, fd: number, iovecs: U64, nrVecs: number, offset: U64, flags = 0): void {
  prepRw(sqes, at, IORING_OP_WRITEV, fd, iovecs, nrVecs, offset)
  setOpFlags(sqes, at, flags)
}

/** `buf` must lie inside registered buffer `bufIndex`. */
export function prepReadFixed(sqes: DataView, at: number, fd: number, buf: U64, nbytes: number, offset: U64, bufIndex: number): void {
  prepRw(sqes, at, IORING_OP_READ_FIXED, fd, buf, nbytes, offset)
  sqes.setUint16(at + SQE_BUF_INDEX, bufIndex, true)
}

/** io_uring_prep_write_fixed: as prepWrite, from memory inside registered buffer `bufIndex`. */
export function prepWriteFixed(sqes: DataView, at: number, fd: number, buf: U64, nbytes: number, offset: U64, bufIndex: number): void {
  prepRw(sqes, at, IORING_OP_WRITE_FIXED, fd, buf, nbytes, offset)
  sqes.setUint16(at + SQE_BUF_INDEX, bufIndex, true)
}

/** Vectored read whose iovecs all point into registered buffer `bufIndex`. */
export function prepReadvFixed(sqes: DataView, at: number, fd: number, iovecs: U64, nrVecs: number, offset: U64, flags: number, bufIndex: number): void {
  prepRw(sqes, at, IORING_OP_READV_FIXED, fd, iovecs, nrVecs, offset)
  setOpFlags(sqes, at, flags)
  sqes.setUint16(at + SQE_BUF_INDEX, bufIndex, true)
}

/** io_uring_prep_writev_fixed (6.15): vectored write whose iovecs all point into registered buffer `bufIndex`. */
export function prepWritevFixed(sqes: DataView, at: number, fd: number, iovecs: U64, nrVecs: number, offset: U64, flags: number, bufIndex: number): void {
  prepRw(sqes, at, IORING_OP_WRITEV_FIXED, fd, iovecs, nrVecs, offset)
  setOpFlags(sqes, at, flags)
  sqes.setUint16(at + SQE_BUF_INDEX, bufIndex, true)
}

/** Multishot read into buffers picked from group `bufGroup`; sets
 * IOSQE_BUFFER_SELECT itself. */
export function prepReadMultishot(sqes: DataView, at: number, fd: number, nbytes: number, offset: U64, bufGroup: number): void {
  prepRw(sqes, at, IORING_OP_READ_MULTISHOT, fd, 0, nbytes, offset)
  sqes.setUint16(at + SQE_BUF_GROUP, bufGroup, true)
  sqes.setUint8(at + SQE_FLAGS, IOSQE_BUFFER_SELECT)
}

// ---- sync, allocation, advice ----------------------------------------------------------

/** io_uring_prep_fsync: fsync(2) of `fd`; IORING_FSYNC_DATASYNC in `fsyncFlags` makes it fdatasync(2). */
export function prepFsync(sqes: DataView, at: number, fd: number, fsyncFlags: number): void {
  prepRw(sqes, at, IORING_OP_FSYNC, fd, 0, 0, 0)
  setOpFlags(sqes, at, fsyncFlags)
}

/** io_uring_prep_sync_file_range: sync_file_range(2) of `len` bytes at `offset`, with SYNC_FILE_RANGE_* `flags`. */
export function prepSyncFileRange(sqes: DataView, at: number, fd: number, len: number, offset: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_SYNC_FILE_RANGE, fd, 0, len, offset)
  setOpFlags(sqes, at, flags)
}

/** The 64-bit length travels in addr, the mode in len. */
export function prepFallocate(sqes: DataView, at: number, fd: number, mode: number, offset: U64, len: U64): void {
  prepRw(sqes, at, IORING_OP_FALLOCATE, fd, len, mode, offset)
}

/** io_uring_prep_ftruncate (6.9): ftruncate(2) of `fd` to `len` bytes. */
export function prepFtruncate(sqes: DataView, at: number, fd: number, len: U64): void {
  prepRw(sqes, at, IORING_OP_FTRUNCATE, fd, 0, 0, len)
}

/** 32-bit length; prepFadvise64 takes a 64-bit one. */
export function prepFadvise(sqes: DataView, at: number, fd: number, offset: U64, len: number, advice: number): void {
  prepRw(sqes, at, IORING_OP_FADVISE, fd, 0, len, offset)
  setOpFlags(sqes, at, advice)
}

/** The 64-bit length travels in addr (kernel 6.12+ reads it there when len is 0). */
export function prepFadvise64(sqes: DataView, at: number, fd: number, offset: U64, len: U64, advice: number): void {
  prepRw(sqes, at, IORING_OP_FADVISE, fd, len, 0, offset)
  setOpFlags(sqes, at, advice)
}

/**
 * io_uring_prep_madvise: madvise(2) of `length` bytes at address `addr` with MADV_* `advice` (prepMadvise64 takes a
 * 64-bit length).
 */
export function prepMadvise(sqes: DataView, at: number, addr: U64, length: number, advice: number): void {
  prepRw(sqes, at, IORING_OP_MADVISE, -1, addr, length, 0)
  setOpFlags(sqes, at, advice)
}

/** The 64-bit length travels in off. */
export function prepMadvise64(sqes: DataView, at: number, addr: U64, length: U64, advice: number): void {
  prepRw(sqes, at, IORING_OP_MADVISE, -1, addr, 0, length)
  setOpFlags(sqes, at, advice)
}

// ---- splice / tee ------------------------------------------------------------------------

/** offIn / offOut -1 mean "use (and advance) the file position"; for a pipe
 * end they must be -1. */
export function prepSplice(sqes: DataView, at: number, fdIn: number, offIn: U64, fdOut: number, offOut: U64, nbytes: number, spliceFlags: number): void {
  prepRw(sqes, at, IORING_OP_SPLICE, fdOut, offIn, nbytes, offOut)
  sqes.setInt32(at + SQE_SPLICE_FD_IN, fdIn, true)
  setOpFlags(sqes, at, spliceFlags)
}

/** io_uring_prep_tee: tee(2) of up to `nbytes` from pipe `fdIn` to pipe `fdOut`. */
export function prepTee(sqes: DataView, at: number, fdIn: number, fdOut: number, nbytes: number, spliceFlags: number): void {
  prepRw(sqes, at, IORING_OP_TEE, fdOut, 0, nbytes, 0)
  sqes.setInt32(at + SQE_SPLICE_FD_IN, fdIn, true)
  setOpFlags(sqes, at, spliceFlags)
}

// ---- poll ----------------------------------------------------------------------------

/** poll32_events is stored as is: little-endian hosts need no half-word swap. */
export function prepPollAdd(sqes: DataView, at: number, fd: number, pollMask: number): void {
  prepRw(sqes, at, IORING_OP_POLL_ADD, fd, 0, 0, 0)
  setOpFlags(sqes, at, pollMask)
}

/**
 * io_uring_prep_poll_multishot: as prepPollAdd, posting a CQE (with IORING_CQE_F_MORE) each time `fd` is ready,
 * until cancelled.
 */
export function prepPollMultishot(sqes: DataView, at: number, fd: number, pollMask: number): void {
  prepPollAdd(sqes, at, fd, pollMask)
  sqes.setUint32(at + SQE_LEN, IORING_POLL_ADD_MULTI, true)
}

/** io_uring_prep_poll_remove: removes the poll request whose user_data is `userData`. */
export function prepPollRemove(sqes: DataView, at: number, userData: U64): void {
  prepRw(sqes, at, IORING_OP_POLL_REMOVE, -1, userData, 0, 0)
}

/** `flags` (IORING_POLL_UPDATE_*, IORING_POLL_ADD_MULTI) say which of the new
 * user_data and mask apply. */
export function prepPollUpdate(sqes: DataView, at: number, oldUserData: U64, newUserData: U64, pollMask: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_POLL_REMOVE, -1, oldUserData, flags, newUserData)
  setOpFlags(sqes, at, pollMask)
}

// ---- timeouts --------------------------------------------------------------------------

/** Completes after `ts` (a __kernel_timespec address) or after `count` other
 * completions, whichever comes first. */
export function prepTimeout(sqes: DataView, at: number, ts: U64, count: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_TIMEOUT, -1, ts, 1, count)
  setOpFlags(sqes, at, flags)
}

/** io_uring_prep_timeout_remove: cancels timeout `userData` (IORING_TIMEOUT_* `flags`). */
export function prepTimeoutRemove(sqes: DataView, at: number, userData: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_TIMEOUT_REMOVE, -1, userData, 0, 0)
  setOpFlags(sqes, at, flags)
}

/** Re-arms timeout `userData` with `ts`; IORING_TIMEOUT_UPDATE is always added
 * (add IORING_LINK_TIMEOUT_UPDATE for a linked timeout). */
export function prepTimeoutUpdate(sqes: DataView, at: number, ts: U64, userData: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_TIMEOUT_REMOVE, -1, userData, 0, ts)
  setOpFlags(sqes, at, flags | IORING_TIMEOUT_UPDATE)
}

/**
 * io_uring_prep_link_timeout: a timeout for the request linked before it; `ts` is the address of a
 * __kernel_timespec.
 */
export function prepLinkTimeout(sqes: DataView, at: number, ts: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_LINK_TIMEOUT, -1, ts, 1, 0)
  setOpFlags(sqes, at, flags)
}

// ---- cancel ---------------------------------------------------------------------------------

/** Cancels the request whose user_data is `userData` (or per IORING_ASYNC_CANCEL_* flags). */
export function prepCancel64(sqes: DataView, at: number, userData: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_ASYNC_CANCEL, -1, userData, 0, 0)
  setOpFlags(sqes, at, flags)
}

/** liburing's pointer flavour; identical to prepCancel64 here. */
export function prepCancel(sqes: DataView, at: number, userData: U64, flags: number): void {
  prepCancel64(sqes, at, userData, flags)
}

/** Cancels requests on `fd`; IORING_ASYNC_CANCEL_FD is always added. */
export function prepCancelFd(sqes: DataView, at: number, fd: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_ASYNC_CANCEL, fd, 0, 0, 0)
  setOpFlags(sqes, at, flags | IORING_ASYNC_CANCEL_FD)
}

/** Cancels by opcode: IORING_ASYNC_CANCEL_OP plus the opcode in sqe->len
 * (no liburing prep helper; the kernel reads the opcode there since 6.6). */
export function prepCancelOp(sqes: DataView, at: number, opcode: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_ASYNC_CANCEL, -1, 0, opcode, 0)
  setOpFlags(sqes, at, flags | IORING_ASYNC_CANCEL_OP)
}

// ---- files: open, close, stat, paths ----------------------------------------------------------

/**
 * io_uring_prep_openat: openat(2) of the NUL-terminated path at address `path` relative to `dfd`, with O_* `flags`
 * and `mode`; the result is the fd.
 */
export function prepOpenat(sqes: DataView, at: number, dfd: number, path: U64, flags: number, mode: number): void {
  prepRw(sqes, at, IORING_OP_OPENAT, dfd, path, mode, 0)
  setOpFlags(sqes, at, flags)
}

/** Opens into direct-descriptor slot `fileIndex` (IORING_FILE_INDEX_ALLOC: any free one). */
export function prepOpenatDirect(sqes: DataView, at: number, dfd: number, path: U64, flags: number, mode: number, fileIndex: number): void {
  prepOpenat(sqes, at, dfd, path, flags, mode)
  setTargetFixedFile(sqes, at, fileIndex)
}

/** io_uring_prep_open: prepOpenat relative to the current directory. */
export function prepOpen(sqes: DataView, at: number, path: U64, flags: number, mode: number): void {
  prepOpenat(sqes, at, AT_FDCWD, path, flags, mode)
}

/** io_uring_prep_open_direct: prepOpenatDirect relative to the current directory. */
export function prepOpenDirect(sqes: DataView, at: number, path: U64, flags: number, mode: number, fileIndex: number): void {
  prepOpenatDirect(sqes, at, AT_FDCWD, path, flags, mode, fileIndex)
}

/** `how` is the address of a struct open_how (see writeOpenHow). */
export function prepOpenat2(sqes: DataView, at: number, dfd: number, path: U64, how: U64): void {
  prepRw(sqes, at, IORING_OP_OPENAT2, dfd, path, OPEN_HOW_SIZE, how)
}

/**
 * io_uring_prep_openat2_direct: prepOpenat2 into direct-descriptor slot `fileIndex` (IORING_FILE_INDEX_ALLOC: any
 * free one).
 */
export function prepOpenat2Direct(sqes: DataView, at: number, dfd: number, path: U64, how: U64, fileIndex: number): void {
  prepOpenat2(sqes, at, dfd, path, how)
  setTargetFixedFile(sqes, at, fileIndex)
}

/** io_uring_prep_close: close(2) of `fd`. */
export function prepClose(sqes: DataView, at: number, fd: number): void {
  prepRw(sqes, at, IORING_OP_CLOSE, fd, 0, 0, 0)
}

/** Closes direct-descriptor slot `fileIndex`. */
export function prepCloseDirect(sqes: DataView, at: number, fileIndex: number): void {
  prepClose(sqes, at, 0)
  sqes.setUint32(at + SQE_FILE_INDEX, fileIndex + 1, true)
}

/** Replaces `nrFds` slots of the registered file table from `offset` with
 * the __s32 fds at address `fds` (IORING_FILE_INDEX_ALLOC as offset: any). */
export function prepFilesUpdate(sqes: DataView, at: number, fds: U64, nrFds: number, offset: number): void {
  prepRw(sqes, at, IORING_OP_FILES_UPDATE, -1, fds, nrFds, 0)
  writeSignExtended(sqes, at + SQE_OFF, offset)
}

/** Installs direct descriptor `fd` as a normal one; sets IOSQE_FIXED_FILE itself. */
export function prepFixedFdInstall(sqes: DataView, at: number, fd: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_FIXED_FD_INSTALL, fd, 0, 0, 0)
  sqes.setUint8(at + SQE_FLAGS, IOSQE_FIXED_FILE)
  setOpFlags(sqes, at, flags)
}

/** `statxbuf` is the address of a 256-byte struct statx (see decodeStatx). */
export function prepStatx(sqes: DataView, at: number, dfd: number, path: U64, flags: number, mask: number, statxbuf: U64): void {
  prepRw(sqes, at, IORING_OP_STATX, dfd, path, mask, statxbuf)
  setOpFlags(sqes, at, flags)
}

/**
 * io_uring_prep_unlinkat: unlinkat(2) of the path at address `path` relative to `dfd` (AT_REMOVEDIR in `flags`
 * removes a directory).
 */
export function prepUnlinkat(sqes: DataView, at: number, dfd: number, path: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_UNLINKAT, dfd, path, 0, 0)
  setOpFlags(sqes, at, flags)
}

/** io_uring_prep_unlink: prepUnlinkat relative to the current directory. */
export function prepUnlink(sqes: DataView, at: number, path: U64, flags: number): void {
  prepUnlinkat(sqes, at, AT_FDCWD, path, flags)
}

/** The new directory fd travels in len, the new path in off. */
export function prepRenameat(sqes: DataView, at: number, olddfd: number, oldpath: U64, newdfd: number, newpath: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_RENAMEAT, olddfd, oldpath, newdfd, newpath)
  setOpFlags(sqes, at, flags)
}

/** io_uring_prep_rename: rename(2) of the paths at addresses `oldpath` and `newpath`. */
export function prepRename(sqes: DataView, at: number, oldpath: U64, newpath: U64): void {
  prepRenameat(sqes, at, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0)
}

/** io_uring_prep_mkdirat: mkdirat(2) of the path at address `path` relative to `dfd`. */
export function prepMkdirat(sqes: DataView, at: number, dfd: number, path: U64, mode: number): void {
  prepRw(sqes, at, IORING_OP_MKDIRAT, dfd, path, mode, 0)
}

/** io_uring_prep_mkdir: prepMkdirat relative to the current directory. */
export function prepMkdir(sqes: DataView, at: number, path: U64, mode: number): void {
  prepMkdirat(sqes, at, AT_FDCWD, path, mode)
}

/** io_uring_prep_symlinkat: symlinkat(2): a link at `linkpath` (relative to `newdirfd`) pointing at `target`. */
export function prepSymlinkat(sqes: DataView, at: number, target: U64, newdirfd: number, linkpath: U64): void {
  prepRw(sqes, at, IORING_OP_SYMLINKAT, newdirfd, target, 0, linkpath)
}

/** io_uring_prep_symlink: prepSymlinkat relative to the current directory. */
export function prepSymlink(sqes: DataView, at: number, target: U64, linkpath: U64): void {
  prepSymlinkat(sqes, at, target, AT_FDCWD, linkpath)
}

/**
 * io_uring_prep_linkat: linkat(2), a hard link `newpath` (relative to `newdfd`) to `oldpath` (relative to
 * `olddfd`).
 */
export function prepLinkat(sqes: DataView, at: number, olddfd: number, oldpath: U64, newdfd: number, newpath: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_LINKAT, olddfd, oldpath, newdfd, newpath)
  setOpFlags(sqes, at, flags)
}

/** io_uring_prep_link: prepLinkat relative to the current directory. */
export function prepLink(sqes: DataView, at: number, oldpath: U64, newpath: U64, flags: number): void {
  prepLinkat(sqes, at, AT_FDCWD, oldpath, AT_FDCWD, newpath, flags)
}

// ---- extended attributes ------------------------------------------------------------------

/** io_uring_prep_getxattr: getxattr(2) of attribute `name` of the file at `path` into `len` bytes at `value`. */
export function prepGetxattr(sqes: DataView, at: number, name: U64, value: U64, path: U64, len: number): void {
  prepRw(sqes, at, IORING_OP_GETXATTR, 0, name, len, value)
  writeU64(sqes, at + SQE_ADDR3, path, 'path')
}

/**
 * io_uring_prep_setxattr: setxattr(2) of attribute `name` of the file at `path` to `len` bytes at `value` (XATTR_*
 * `flags`).
 */
export function prepSetxattr(sqes: DataView, at: number, name: U64, value: U64, path: U64, flags: number, len: number): void {
  prepRw(sqes, at, IORING_OP_SETXATTR, 0, name, len, value)
  writeU64(sqes, at + SQE_ADDR3, path, 'path')
  setOpFlags(sqes, at, flags)
}

/** io_uring_prep_fgetxattr: fgetxattr(2), as prepGetxattr on an open `fd`. */
export function prepFgetxattr(sqes: DataView, at: number, fd: number, name: U64, value: U64, len: number): void {
  prepRw(sqes, at, IORING_OP_FGETXATTR, fd, name, len, value)
}

/** io_uring_prep_fsetxattr: fsetxattr(2), as prepSetxattr on an open `fd`. */
export function prepFsetxattr(sqes: DataView, at: number, fd: number, name: U64, value: U64, flags: number, len: number): void {
  prepRw(sqes, at, IORING_OP_FSETXATTR, fd, name, len, value)
  setOpFlags(sqes, at, flags)
}

// ---- provided buffers ------------------------------------------------------------------------

/** Hands `nr` buffers of `len` bytes starting at `addr` to group `bgid`,
 * numbered from `bid`. */
export function prepProvideBuffers(sqes: DataView, at: number, addr: U64, len: number, nr: number, bgid: number, bid: number): void {
  prepRw(sqes, at, IORING_OP_PROVIDE_BUFFERS, nr, addr, len, 0)
  writeSignExtended(sqes, at + SQE_OFF, bid)
  sqes.setUint16(at + SQE_BUF_GROUP, bgid, true)
}

/** io_uring_prep_remove_buffers: takes up to `nr` legacy provided buffers back from group `bgid`. */
export function prepRemoveBuffers(sqes: DataView, at: number, nr: number, bgid: number): void {
  prepRw(sqes, at, IORING_OP_REMOVE_BUFFERS, nr, 0, 0, 0)
  sqes.setUint16(at + SQE_BUF_GROUP, bgid, true)
}

// ---- messages between rings ----------------------------------------------------------------------

/** Posts a CQE with res `len` and user_data `data` on the ring behind `fd`. */
export function prepMsgRing(sqes: DataView, at: number, fd: number, len: number, data: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_MSG_RING, fd, 0, len, data)
  setOpFlags(sqes, at, flags)
}

/** As prepMsgRing, and the target CQE gets `cqeFlags` as its flags. */
export function prepMsgRingCqeFlags(sqes: DataView, at: number, fd: number, len: number, data: U64, flags: number, cqeFlags: number): void {
  prepRw(sqes, at, IORING_OP_MSG_RING, fd, 0, len, data)
  setOpFlags(sqes, at, IORING_MSG_RING_FLAGS_PASS | flags)
  sqes.setUint32(at + SQE_FILE_INDEX, cqeFlags, true)
}

/** Sends direct descriptor `sourceFd` into slot `targetFd` of the ring behind `fd`. */
export function prepMsgRingFd(sqes: DataView, at: number, fd: number, sourceFd: number, targetFd: number, data: U64, flags: number): void {
  prepRw(sqes, at, IORING_OP_MSG_RING, fd, IORING_MSG_SEND_FD, 0, data)
  writeSignExtended(sqes, at + SQE_ADDR3, sourceFd)
  setTargetFixedFile(sqes, at, targetFd)
  setOpFlags(sqes, at, flags)
}

/** io_uring_prep_msg_ring_fd_alloc: as prepMsgRingFd into any free slot of the target ring. */
export function prepMsgRingFdAlloc(sqes: DataView, at: number, fd: number, sourceFd: number, data: U64, flags: number): void {
  prepMsgRingFd(sqes, at, fd, sourceFd, IORING_FILE_INDEX_ALLOC, data, flags)
}

// ---- futex, waitid -------------------------------------------------------------------------------

/** `futexFlags` are FUTEX2_* (size, private), `flags` the io_uring futex flags (none yet). */
export function prepFutexWake(sqes: DataView, at: number, futex: U64, val: U64, mask: U64, futexFlags: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_FUTEX_WAKE, futexFlags, futex, 0, val)
  setOpFlags(sqes, at, flags)
  writeU64(sqes, at + SQE_ADDR3, mask, 'mask')
}

/**
 * io_uring_prep_futex_wait (6.7): waits while the futex at address `futex` holds `val` (FUTEX2_* `futexFlags`;
 * `mask` as FUTEX_BITSET_MATCH_ANY).
 */
export function prepFutexWait(sqes: DataView, at: number, futex: U64, val: U64, mask: U64, futexFlags: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_FUTEX_WAIT, futexFlags, futex, 0, val)
  setOpFlags(sqes, at, flags)
  writeU64(sqes, at + SQE_ADDR3, mask, 'mask')
}

/** `futex` is the address of `nrFutex` struct futex_waitv (see writeFutexWaitv). */
export function prepFutexWaitv(sqes: DataView, at: number, futex: U64, nrFutex: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_FUTEX_WAITV, 0, futex, nrFutex, 0)
  setOpFlags(sqes, at, flags)
}

/** waitid(idtype, id, infop, options): the id in fd, idtype in len, infop in addr2. */
export function prepWaitid(sqes: DataView, at: number, idtype: number, id: number, infop: U64, options: number, flags: number): void {
  prepRw(sqes, at, IORING_OP_WAITID, id, 0, idtype, infop)
  setOpFlags(sqes, at, flags)
  sqes.setUint32(at + SQE_FILE_INDEX, options, true)
}

// ---- pipe ------------------------------------------------------------------------------------------

/** Creates a pipe; the two fds land in the int[2] at address `fds`. */
export function prepPipe(sqes: DataView, at: number, fds: U64, pipeFlags: number): void {
  prepRw(sqes, at, IORING_OP_PIPE, 0, fds, 0, 0)
  setOpFlags(sqes, at, pipeFlags)
}

/** io_uring_prep_pipe_direct (6.16): prepPipe whose two ends land in direct-descriptor slots from `fileIndex`. */
export function prepPipeDirect(sqes: DataView, at: number, fds: U64, pipeFlags: number, fileIndex: number): void {
  prepPipe(sqes, at, fds, pipeFlags)
  setTargetFixedFile(sqes, at, fileIndex)
}

// ---- uring_cmd -----------------------------------------------------------------------------------------

/** A driver command: cmd_op in the low half of off. The command payload goes
 * in the cmd area from +48 (16 bytes, or 80 in an IORING_SETUP_SQE128 ring;
 * pass sqeSize 128 to zero all of it). */
export function prepUringCmd(sqes: DataView, at: number, cmdOp: number, fd: number, sqeSize: number = SQE_SIZE): void {
  prepRw(sqes, at, IORING_OP_URING_CMD, fd, 0, 0, cmdOp >>> 0)
  if (sqeSize === SQE128_SIZE) for (let i = SQE_SIZE; i < SQE128_SIZE; i += 4) sqes.setUint32(at + i, 0, true)
}

/** BLOCK_URING_CMD_DISCARD of [offset, offset + nbytes) on a block device. */
export function prepCmdDiscard(sqes: DataView, at: number, fd: number, offset: U64, nbytes: U64): void {
  prepUringCmd(sqes, at, BLOCK_URING_CMD_DISCARD, fd)
  writeU64(sqes, at + SQE_ADDR, offset, 'offset')
  writeU64(sqes, at + SQE_ADDR3, nbytes, 'nbytes')
}
