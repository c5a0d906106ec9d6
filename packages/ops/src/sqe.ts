// The common core of every encoder (liburing's io_uring_prep_rw plus its
// io_uring_initialize_sqe) and the helpers that touch one SQE field.

import { IORING_FILE_INDEX_ALLOC, IOSQE_ASYNC, IOSQE_BUFFER_SELECT, IOSQE_CQE_SKIP_SUCCESS, IOSQE_FIXED_FILE, IOSQE_IO_DRAIN, IOSQE_IO_HARDLINK, IOSQE_IO_LINK } from './constants.js'
import {
  SQE_ATTR_PTR, SQE_ATTR_TYPE_MASK, SQE_BUF_INDEX, SQE_FILE_INDEX, SQE_FLAGS, SQE_IOPRIO, SQE_PERSONALITY, SQE_USER_DATA, Sqe,
} from './layout.js'
import { OutOfRangeError, type U64, writeU64 } from './u64.js'

/**
 * Writes all 64 bytes of the SQE at `at` except user_data: opcode, fd, off,
 * addr and len from the arguments and zero everywhere else. Each encoder then
 * sets its own extra fields. 8/16/32-bit arguments are truncated the way C
 * casts them (fd -1 and 0xffffffff both encode as ff ff ff ff); 64-bit ones
 * are checked by writeU64.
 */
export function prepRw(sqes: DataView, at: number, op: number, fd: number, addr: U64, len: number, off: U64): void {
  sqes.setUint8(at + Sqe.OPCODE, op)
  sqes.setUint8(at + Sqe.FLAGS, 0)
  sqes.setUint16(at + Sqe.IOPRIO, 0, true)
  sqes.setInt32(at + Sqe.FD, fd, true)
  writeU64(sqes, at + Sqe.OFF, off, 'offset')
  writeU64(sqes, at + Sqe.ADDR, addr, 'addr')
  sqes.setUint32(at + Sqe.LEN, len, true)
  sqes.setUint32(at + Sqe.RW_FLAGS, 0, true)
  sqes.setUint16(at + Sqe.BUF_INDEX, 0, true)
  sqes.setUint16(at + Sqe.PERSONALITY, 0, true)
  sqes.setUint32(at + Sqe.FILE_INDEX, 0, true)
  sqes.setUint32(at + Sqe.ADDR3, 0, true)
  sqes.setUint32(at + Sqe.ADDR3 + 4, 0, true)
  sqes.setUint32(at + Sqe.PAD2, 0, true)
  sqes.setUint32(at + Sqe.PAD2 + 4, 0, true)
}

/** file_index for the *_direct encoders: slot + 1, since 0 means "not
 * direct"; IORING_FILE_INDEX_ALLOC (or -1) passes through unchanged. */
export function setTargetFixedFile(sqes: DataView, at: number, fileIndex: number): void {
  const index = fileIndex >>> 0
  sqes.setUint32(at + SQE_FILE_INDEX, index === IORING_FILE_INDEX_ALLOC ? index : index + 1, true)
}

// ---- user_data -------------------------------------------------------------------

const TWO_32 = 0x1_0000_0000

/** Stores a user_data in [0, 2^53): low half at +32, high half at +36. */
export function setUserData(sqes: DataView, at: number, value: number): void {
  if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER && Math.floor(value) === value)) {
    throw new OutOfRangeError('userData', '>= 0 && <= 2 ** 53 - 1', value)
  }
  const lo = value >>> 0
  sqes.setUint32(at + Sqe.USER_DATA, lo, true)
  sqes.setUint32(at + Sqe.USER_DATA + 4, (value - lo) / TWO_32, true)
}

/** The SQE's user_data as a number (exact below 2^53; see setUserData). */
export function getUserData(sqes: DataView, at: number): number {
  return sqes.getUint32(at + SQE_USER_DATA + 4, true) * TWO_32 + sqes.getUint32(at + SQE_USER_DATA, true)
}

/** Full 64-bit user_data, for callers that pack pointers or tags above 2^53. */
export function setUserData64(sqes: DataView, at: number, value: bigint): void {
  writeU64(sqes, at + SQE_USER_DATA, value, 'userData')
}

/** The SQE's full 64-bit user_data. */
export function getUserData64(sqes: DataView, at: number): bigint {
  return sqes.getBigUint64(at + SQE_USER_DATA, true)
}

// ---- sqe->flags ------------------------------------------------------------------

/** Replaces sqe->flags (io_uring_sqe_set_flags). */
export function setFlags(sqes: DataView, at: number, flags: number): void {
  sqes.setUint8(at + SQE_FLAGS, flags)
}

/** ORs IOSQE_* bits into sqe->flags. */
export function addFlags(sqes: DataView, at: number, flags: number): void {
  sqes.setUint8(at + SQE_FLAGS, sqes.getUint8(at + SQE_FLAGS) | flags)
}

/** The SQE's flags byte (IOSQE_*). */
export function getFlags(sqes: DataView, at: number): number {
  return sqes.getUint8(at + SQE_FLAGS)
}

/** IOSQE_FIXED_FILE: fd is an index into the registered file table. */
export function setFixedFile(sqes: DataView, at: number): void {
  addFlags(sqes, at, IOSQE_FIXED_FILE)
}

/** IOSQE_IO_DRAIN: start only after everything submitted before completes. */
export function setDrain(sqes: DataView, at: number): void {
  addFlags(sqes, at, IOSQE_IO_DRAIN)
}

/** IOSQE_IO_LINK: the next SQE starts after this one succeeds. */
export function setLink(sqes: DataView, at: number): void {
  addFlags(sqes, at, IOSQE_IO_LINK)
}

/** IOSQE_IO_HARDLINK: the next SQE starts after this one, whatever its result. */
export function setHardlink(sqes: DataView, at: number): void {
  addFlags(sqes, at, IOSQE_IO_HARDLINK)
}

/** IOSQE_ASYNC: skip the inline attempt, go straight to io-wq. */
export function setAsync(sqes: DataView, at: number): void {
  addFlags(sqes, at, IOSQE_ASYNC)
}

/** IOSQE_BUFFER_SELECT with the provided-buffer group to pick from. */
export function setBufferSelect(sqes: DataView, at: number, bufGroup: number): void {
  addFlags(sqes, at, IOSQE_BUFFER_SELECT)
  sqes.setUint16(at + SQE_BUF_INDEX, bufGroup, true)
}

/** IOSQE_CQE_SKIP_SUCCESS: post no CQE unless the request fails. */
export function setCqeSkipSuccess(sqes: DataView, at: number): void {
  addFlags(sqes, at, IOSQE_CQE_SKIP_SUCCESS)
}

// ---- other single fields ------------------------------------------------------------

/** Writes sqe->ioprio (an I/O priority, or the send/recv/accept flags that share the field). */
export function setIoprio(sqes: DataView, at: number, ioprio: number): void {
  sqes.setUint16(at + SQE_IOPRIO, ioprio, true)
}

/** Writes sqe->personality: run the request with the credentials registered under that id (registerPersonality). */
export function setPersonality(sqes: DataView, at: number, personality: number): void {
  sqes.setUint16(at + SQE_PERSONALITY, personality, true)
}

/** Writes sqe->buf_index: the registered buffer a fixed read or write uses. */
export function setBufIndex(sqes: DataView, at: number, bufIndex: number): void {
  sqes.setUint16(at + SQE_BUF_INDEX, bufIndex, true)
}

/** buf_group shares its bytes with buf_index (io_uring_sqe_set_buf_group). */
export function setBufGroup(sqes: DataView, at: number, bufGroup: number): void {
  sqes.setUint16(at + SQE_BUF_INDEX, bufGroup, true)
}

/** Attaches attributes to a prepared read/write: `attrPtr` addresses e.g. an
 * io_uring_attr_pi (writeAttrPi), `attrTypeMask` says which
 * (IORING_RW_ATTR_FLAG_PI). These overlay addr3 and __pad2. */
export function setRwAttr(sqes: DataView, at: number, attrPtr: U64, attrTypeMask: U64): void {
  writeU64(sqes, at + SQE_ATTR_PTR, attrPtr, 'attrPtr')
  writeU64(sqes, at + SQE_ATTR_TYPE_MASK, attrTypeMask, 'attrTypeMask')
}

/** Raw file_index (no +1); see setTargetFixedFile for the *_direct encoding. */
export function setFileIndex(sqes: DataView, at: number, fileIndex: number): void {
  sqes.setUint32(at + SQE_FILE_INDEX, fileIndex, true)
}
