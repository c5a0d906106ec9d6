// Reading completion queue entries.

import {
  IORING_CQE_BUFFER_SHIFT, IORING_CQE_F_32, IORING_CQE_F_BUF_MORE, IORING_CQE_F_BUFFER, IORING_CQE_F_MORE,
  IORING_CQE_F_NOTIF, IORING_CQE_F_SKIP, IORING_CQE_F_SOCK_NONEMPTY,
} from './constants.js'
import { CQE_BIG_CQE, CQE_FLAGS, CQE_RES, CQE_USER_DATA } from './layout.js'

/** user_data as a number: exact for values set with setUserData (< 2^53). */
export function cqeUserData(cqes: DataView, at: number): number {
  return cqes.getUint32(at + CQE_USER_DATA + 4, true) * 0x1_0000_0000 + cqes.getUint32(at + CQE_USER_DATA, true)
}

/** The CQE's full 64-bit user_data. */
export function cqeUserData64(cqes: DataView, at: number): bigint {
  return cqes.getBigUint64(at + CQE_USER_DATA, true)
}

/** The result: >= 0 on success, -errno on failure. */
export function cqeRes(cqes: DataView, at: number): number {
  return cqes.getInt32(at + CQE_RES, true)
}

/** The CQE's flags (IORING_CQE_F_*). */
export function cqeFlags(cqes: DataView, at: number): number {
  return cqes.getUint32(at + CQE_FLAGS, true)
}

/** The provided-buffer id; meaningful only when IORING_CQE_F_BUFFER is set. */
export function cqeBufferId(flags: number): number {
  return flags >>> IORING_CQE_BUFFER_SHIFT
}

/** The request used a provided buffer, whose id is cqeBufferId(flags). */
export function cqeHasBuffer(flags: number): boolean {
  return (flags & IORING_CQE_F_BUFFER) !== 0
}

/** The request stays armed and will post more CQEs (multishot). */
export function cqeHasMore(flags: number): boolean {
  return (flags & IORING_CQE_F_MORE) !== 0
}

/** The socket still had data after this receive. */
export function cqeSockNonempty(flags: number): boolean {
  return (flags & IORING_CQE_F_SOCK_NONEMPTY) !== 0
}

/** A zero-copy send's notification that the kernel released the buffer. */
export function cqeIsNotif(flags: number): boolean {
  return (flags & IORING_CQE_F_NOTIF) !== 0
}

/** An incrementally consumed buffer stays with the kernel for more data. */
export function cqeBufMore(flags: number): boolean {
  return (flags & IORING_CQE_F_BUF_MORE) !== 0
}

/** A filler in a CQE_MIXED ring: skip it. */
export function cqeIsSkip(flags: number): boolean {
  return (flags & IORING_CQE_F_SKIP) !== 0
}

/** A 32-byte CQE in a CQE_MIXED ring. */
export function cqeIs32(flags: number): boolean {
  return (flags & IORING_CQE_F_32) !== 0
}

/** big_cqe[index] (index 0 or 1) of a 32-byte CQE. */
export function cqeBigCqe(cqes: DataView, at: number, index: number): bigint {
  return cqes.getBigUint64(at + CQE_BIG_CQE + 8 * index, true)
}

/** A CQE copied out of the ring (decodeCqe). */
export interface Cqe {
  /** The request's user_data. */
  userData: bigint
  /** The result: >= 0 on success, -errno on failure. */
  res: number
  /** IORING_CQE_F_* bits, and a provided buffer's id in the upper 16. */
  flags: number
  /** The 16 extra bytes of a 32-byte CQE (big_cqe[0], big_cqe[1]). */
  bigCqe?: [bigint, bigint]
}

/** Copies one CQE into a plain object; `big` reads the CQE32 extra 16 bytes. */
export function decodeCqe(cqes: DataView, at: number, big = false): Cqe {
  const cqe: Cqe = { userData: cqeUserData64(cqes, at), res: cqeRes(cqes, at), flags: cqeFlags(cqes, at) }
  if (big) cqe.bigCqe = [cqeBigCqe(cqes, at, 0), cqeBigCqe(cqes, at, 1)]
  return cqe
}
