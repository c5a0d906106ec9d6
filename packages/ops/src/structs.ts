// Codecs for the small fixed structs io_uring requests point at. Convention
// across the package: writeX(view, at, value) writes into a DataView at byte
// offset `at` and returns the bytes written (allocating nothing);
// encodeX(value) returns a fresh Uint8Array; decodeX(view, at) returns a new
// plain object. Addresses and lengths come back as numbers (exact below
// 2^53), opaque 64-bit data (epoll data, futex values, masks) as bigint.

import {
  ATTR_PI_ADDR, ATTR_PI_APP_TAG, ATTR_PI_FLAGS, ATTR_PI_LEN, ATTR_PI_RSVD, ATTR_PI_SEED, ATTR_PI_SIZE, BUF_ADDR,
  BUF_BID, BUF_LEN, BUF_RING_TAIL, BUF_SIZE, EPOLL_EVENT_DATA, EPOLL_EVENT_EVENTS, EPOLL_EVENT_SIZE,
  FUTEX_WAITV_FLAGS, FUTEX_WAITV_RESERVED, FUTEX_WAITV_SIZE, FUTEX_WAITV_UADDR, FUTEX_WAITV_VAL,
  GETEVENTS_ARG_MIN_WAIT_USEC, GETEVENTS_ARG_SIGMASK, GETEVENTS_ARG_SIGMASK_SZ, GETEVENTS_ARG_SIZE, GETEVENTS_ARG_TS,
  IOVEC_BASE, IOVEC_LEN, IOVEC_SIZE, OPEN_HOW_FLAGS, OPEN_HOW_MODE, OPEN_HOW_RESOLVE, OPEN_HOW_SIZE, PROBE_LAST_OP,
  PROBE_OPS, PROBE_OPS_LEN, PROBE_OP_FLAGS, PROBE_OP_OP, PROBE_OP_SIZE, PROBE_SIZE, RECVMSG_OUT_CONTROLLEN,
  RECVMSG_OUT_FLAGS, RECVMSG_OUT_NAMELEN, RECVMSG_OUT_PAYLOADLEN, RECVMSG_OUT_SIZE, REG_WAIT_FLAGS,
  REG_WAIT_MIN_WAIT_USEC, REG_WAIT_SIGMASK, REG_WAIT_SIGMASK_SZ, REG_WAIT_SIZE, REG_WAIT_TS, TIMESPEC_NSEC, TIMESPEC_SEC, TIMESPEC_SIZE,
} from './layout.js'
import { IO_URING_OP_SUPPORTED } from './constants.js'
import { OutOfRangeError, readI64, readU64, type U64, writeI64, writeU64 } from './u64.js'

/** Zeroes `length` bytes so reserved fields never carry stale data. */
export function zeroBytes(view: DataView, at: number, length: number): void {
  let i = 0
  for (; i + 4 <= length; i += 4) view.setUint32(at + i, 0)
  for (; i < length; i++) view.setUint8(at + i, 0)
}

/** Runs a writeX into a fresh buffer of `size` bytes. */
function encodeWith<T>(size: number, write: (view: DataView, at: number, value: T) => number, value: T): Uint8Array {
  const bytes = new Uint8Array(size)
  write(new DataView(bytes.buffer), 0, value)
  return bytes
}

// ---- struct iovec[] -----------------------------------------------------------------------

/** One struct iovec: a buffer's address and length. */
export interface Iovec {
  /** iov_base: a buffer address */
  addr: U64
  /** iov_len */
  len: U64
}

/** Writes `iovecs` as a struct iovec array at `at`; returns the bytes written. */
export function writeIovecs(view: DataView, at: number, iovecs: readonly Iovec[]): number {
  for (let i = 0; i < iovecs.length; i++) writeIovec(view, at + i * IOVEC_SIZE, iovecs[i].addr, iovecs[i].len)
  return iovecs.length * IOVEC_SIZE
}

/** One struct iovec at `at`, with no object to describe it (for hot paths that fill arrays in place). */
export function writeIovec(view: DataView, at: number, addr: U64, len: U64): void {
  writeU64(view, at + IOVEC_BASE, addr, 'addr')
  writeU64(view, at + IOVEC_LEN, len, 'len')
}

/** An iovec array; empty input gives an empty array (nr_vecs 0). */
export function encodeIovecs(iovecs: readonly Iovec[]): Uint8Array {
  return encodeWith(iovecs.length * IOVEC_SIZE, writeIovecs, iovecs)
}

/** Reads `count` struct iovec from `at`. */
export function decodeIovecs(view: DataView, at: number, count: number): { addr: number; len: number }[] {
  const out: { addr: number; len: number }[] = []
  for (let i = 0; i < count; i++) {
    out.push({ addr: readU64(view, at + i * IOVEC_SIZE + IOVEC_BASE), len: readU64(view, at + i * IOVEC_SIZE + IOVEC_LEN) })
  }
  return out
}

// ---- struct __kernel_timespec ----------------------------------------------------------------

/** A struct __kernel_timespec: seconds and nanoseconds. */
export interface Timespec {
  /** Seconds (a bigint for values past 2^53). */
  sec: number | bigint
  /** 0 to 999 999 999 */
  nsec: number
}

/**
 * Writes `ts` as a struct __kernel_timespec at `at`; returns its size. Throws ERR_OUT_OF_RANGE for nsec outside [0,
 * 1e9).
 */
export function writeTimespec(view: DataView, at: number, ts: Timespec): number {
  if (!(Number.isInteger(ts.nsec) && ts.nsec >= 0 && ts.nsec < 1e9)) throw new OutOfRangeError('nsec', '>= 0 && < 1e9', ts.nsec)
  writeI64(view, at + TIMESPEC_SEC, ts.sec, 'sec')
  view.setUint32(at + TIMESPEC_NSEC, ts.nsec, true)
  view.setUint32(at + TIMESPEC_NSEC + 4, 0, true)
  return TIMESPEC_SIZE
}

/** `ts` as a new 16-byte struct __kernel_timespec. */
export function encodeTimespec(ts: Timespec): Uint8Array {
  return encodeWith(TIMESPEC_SIZE, writeTimespec, ts)
}

/** Reads the struct __kernel_timespec at `at`. */
export function decodeTimespec(view: DataView, at: number): { sec: number; nsec: number } {
  return { sec: readI64(view, at + TIMESPEC_SEC), nsec: readI64(view, at + TIMESPEC_NSEC) }
}

/** A relative timeout of `ms` milliseconds as a timespec. */
export function timespecFromMs(ms: number): Timespec {
  if (!(ms >= 0 && Number.isFinite(ms))) throw new OutOfRangeError('ms', '>= 0 and finite', ms)
  const sec = Math.floor(ms / 1000)
  const nsec = Math.round((ms - sec * 1000) * 1e6)
  return nsec < 1e9 ? { sec, nsec } : { sec: sec + 1, nsec: nsec - 1e9 }
}

// ---- struct open_how ---------------------------------------------------------------------------

/** struct open_how, openat2(2)'s argument. */
export interface OpenHow {
  /** O_* */
  flags: U64
  /** file mode for O_CREAT / O_TMPFILE, else 0 */
  mode: U64
  /** RESOLVE_* */
  resolve: U64
}

/** Writes `how` as a struct open_how at `at`; returns its size. */
export function writeOpenHow(view: DataView, at: number, how: OpenHow): number {
  writeU64(view, at + OPEN_HOW_FLAGS, how.flags, 'flags')
  writeU64(view, at + OPEN_HOW_MODE, how.mode, 'mode')
  writeU64(view, at + OPEN_HOW_RESOLVE, how.resolve, 'resolve')
  return OPEN_HOW_SIZE
}

/** `how` as a new 24-byte struct open_how. */
export function encodeOpenHow(how: OpenHow): Uint8Array {
  return encodeWith(OPEN_HOW_SIZE, writeOpenHow, how)
}

/** Reads the struct open_how at `at`. */
export function decodeOpenHow(view: DataView, at: number): { flags: number; mode: number; resolve: number } {
  return { flags: readU64(view, at + OPEN_HOW_FLAGS), mode: readU64(view, at + OPEN_HOW_MODE), resolve: readU64(view, at + OPEN_HOW_RESOLVE) }
}

// ---- struct epoll_event ---------------------------------------------------------------------------

/** One struct epoll_event: the events and the caller's data. */
export interface EpollEvent {
  /** EPOLL* */
  events: number
  /** epoll_data, opaque to the kernel */
  data: U64
}

/** Writes EPOLL_EVENT_SIZE bytes (12 on x86-64, 16 elsewhere). */
export function writeEpollEvent(view: DataView, at: number, ev: EpollEvent): number {
  view.setUint32(at + EPOLL_EVENT_EVENTS, ev.events, true)
  if (EPOLL_EVENT_DATA !== 4) view.setUint32(at + 4, 0, true)
  writeU64(view, at + EPOLL_EVENT_DATA, ev.data, 'data')
  return EPOLL_EVENT_SIZE
}

/** Reads the struct epoll_event at `at` (the running architecture's layout). */
export function decodeEpollEvent(view: DataView, at: number): { events: number; data: bigint } {
  return { events: view.getUint32(at + EPOLL_EVENT_EVENTS, true), data: view.getBigUint64(at + EPOLL_EVENT_DATA, true) }
}

/** The first `count` entries of an epoll_wait result array. */
export function decodeEpollEvents(view: DataView, at: number, count: number): { events: number; data: bigint }[] {
  const out: { events: number; data: bigint }[] = []
  for (let i = 0; i < count; i++) out.push(decodeEpollEvent(view, at + i * EPOLL_EVENT_SIZE))
  return out
}

// ---- struct futex_waitv -------------------------------------------------------------------------------

/** One struct futex_waitv: a futex FUTEX_WAITV waits on. */
export interface FutexWaitv {
  /** the expected value */
  val: U64
  /** the futex address */
  uaddr: U64
  /** FUTEX2_* */
  flags: number
}

/** Writes `w` as a struct futex_waitv at `at`; returns its size. */
export function writeFutexWaitv(view: DataView, at: number, w: FutexWaitv): number {
  writeU64(view, at + FUTEX_WAITV_VAL, w.val, 'val')
  writeU64(view, at + FUTEX_WAITV_UADDR, w.uaddr, 'uaddr')
  view.setUint32(at + FUTEX_WAITV_FLAGS, w.flags, true)
  view.setUint32(at + FUTEX_WAITV_RESERVED, 0, true)
  return FUTEX_WAITV_SIZE
}

/** A futex_waitv array for FUTEX_WAITV. */
export function encodeFutexWaitv(list: readonly FutexWaitv[]): Uint8Array {
  const bytes = new Uint8Array(list.length * FUTEX_WAITV_SIZE)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < list.length; i++) writeFutexWaitv(view, i * FUTEX_WAITV_SIZE, list[i])
  return bytes
}

/** Reads the struct futex_waitv at `at`. */
export function decodeFutexWaitv(view: DataView, at: number): { val: bigint; uaddr: number; flags: number } {
  return { val: view.getBigUint64(at + FUTEX_WAITV_VAL, true), uaddr: readU64(view, at + FUTEX_WAITV_UADDR), flags: view.getUint32(at + FUTEX_WAITV_FLAGS, true) }
}

// ---- struct io_uring_getevents_arg, io_uring_reg_wait ------------------------------------------------------

/** struct io_uring_getevents_arg, io_uring_enter(2)'s argument with IORING_ENTER_EXT_ARG. */
export interface GeteventsArg {
  /** address of a sigset_t, or 0 */
  sigmask: U64
  /** its size in bytes (8 for the kernel's sigset) */
  sigmaskSz: number
  /** with IORING_FEAT_MIN_TIMEOUT: wait at least this long for more than one CQE */
  minWaitUsec: number
  /** address of a __kernel_timespec, or 0 for no timeout */
  ts: U64
}

/** Writes `arg` as a struct io_uring_getevents_arg at `at`; returns its size. */
export function writeGeteventsArg(view: DataView, at: number, arg: GeteventsArg): number {
  writeU64(view, at + GETEVENTS_ARG_SIGMASK, arg.sigmask, 'sigmask')
  view.setUint32(at + GETEVENTS_ARG_SIGMASK_SZ, arg.sigmaskSz, true)
  view.setUint32(at + GETEVENTS_ARG_MIN_WAIT_USEC, arg.minWaitUsec, true)
  writeU64(view, at + GETEVENTS_ARG_TS, arg.ts, 'ts')
  return GETEVENTS_ARG_SIZE
}

/** Reads the struct io_uring_getevents_arg at `at`. */
export function decodeGeteventsArg(view: DataView, at: number): { sigmask: number; sigmaskSz: number; minWaitUsec: number; ts: number } {
  return {
    sigmask: readU64(view, at + GETEVENTS_ARG_SIGMASK),
    sigmaskSz: view.getUint32(at + GETEVENTS_ARG_SIGMASK_SZ, true),
    minWaitUsec: view.getUint32(at + GETEVENTS_ARG_MIN_WAIT_USEC, true),
    ts: readU64(view, at + GETEVENTS_ARG_TS),
  }
}

/** One struct io_uring_reg_wait, a slot of a registered wait region. */
export interface RegWait {
  /** The timeout, used when `flags` has IORING_REG_WAIT_TS. */
  ts: Timespec
  /** With IORING_FEAT_MIN_TIMEOUT: wait at least this long for more than one CQE. */
  minWaitUsec: number
  /** IORING_REG_WAIT_TS when ts applies */
  flags: number
  /** Address of a sigset_t, or 0. */
  sigmask: U64
  /** Its size in bytes. */
  sigmaskSz: number
}

/** One slot of a registered wait region (IORING_ENTER_EXT_ARG_REG). */
export function writeRegWait(view: DataView, at: number, w: RegWait): number {
  zeroBytes(view, at, REG_WAIT_SIZE)
  writeTimespec(view, at + REG_WAIT_TS, w.ts)
  view.setUint32(at + REG_WAIT_MIN_WAIT_USEC, w.minWaitUsec, true)
  view.setUint32(at + REG_WAIT_FLAGS, w.flags, true)
  writeU64(view, at + REG_WAIT_SIGMASK, w.sigmask, 'sigmask')
  view.setUint32(at + REG_WAIT_SIGMASK_SZ, w.sigmaskSz, true)
  return REG_WAIT_SIZE
}

/** Reads the struct io_uring_reg_wait at `at`. */
export function decodeRegWait(view: DataView, at: number): { ts: { sec: number; nsec: number }; minWaitUsec: number; flags: number; sigmask: number; sigmaskSz: number } {
  return {
    ts: decodeTimespec(view, at + REG_WAIT_TS),
    minWaitUsec: view.getUint32(at + REG_WAIT_MIN_WAIT_USEC, true),
    flags: view.getUint32(at + REG_WAIT_FLAGS, true),
    sigmask: readU64(view, at + REG_WAIT_SIGMASK),
    sigmaskSz: view.getUint32(at + REG_WAIT_SIGMASK_SZ, true),
  }
}

// ---- struct io_uring_recvmsg_out ---------------------------------------------------------------------------

/** struct io_uring_recvmsg_out, the header the kernel writes at the start of each multishot recvmsg buffer. */
export interface RecvmsgOut {
  /** bytes of source address the kernel had (may exceed the room given) */
  namelen: number
  /** Bytes of control data the kernel had (may exceed the room given). */
  controllen: number
  /** Bytes of payload the datagram had (may exceed what fits in the buffer). */
  payloadlen: number
  /** MSG_* (MSG_TRUNC, MSG_CTRUNC, ...) */
  flags: number
}

/** Writes `out` as a struct io_uring_recvmsg_out at `at` (for tests and tools); returns its size. */
export function writeRecvmsgOut(view: DataView, at: number, out: RecvmsgOut): number {
  view.setUint32(at + RECVMSG_OUT_NAMELEN, out.namelen, true)
  view.setUint32(at + RECVMSG_OUT_CONTROLLEN, out.controllen, true)
  view.setUint32(at + RECVMSG_OUT_PAYLOADLEN, out.payloadlen, true)
  view.setUint32(at + RECVMSG_OUT_FLAGS, out.flags, true)
  return RECVMSG_OUT_SIZE
}

/** A multishot recvmsg buffer's header plus where its parts are (decodeRecvmsgOut). */
export interface RecvmsgOutLayout extends RecvmsgOut {
  /** byte offsets, relative to the DataView, of the parts of the buffer */
  nameOffset: number
  /** Byte offset, relative to the DataView, of the control messages. */
  controlOffset: number
  /** Byte offset, relative to the DataView, of the payload. */
  payloadOffset: number
  /** payload bytes actually in this buffer */
  payloadLength: number
}

/**
 * Decodes the head of one multishot recvmsg buffer of `bufLen` bytes at `at`
 * (the CQE's res), given the msg_namelen / msg_controllen of the msghdr the
 * request was armed with; like liburing's io_uring_recvmsg_validate, returns
 * null when the buffer cannot even hold the header, name and control parts.
 */
export function decodeRecvmsgOut(view: DataView, at: number, bufLen: number, msgNamelen: number, msgControllen: number): RecvmsgOutLayout | null {
  if (bufLen < RECVMSG_OUT_SIZE + msgNamelen + msgControllen) return null
  const nameOffset = at + RECVMSG_OUT_SIZE
  const payloadOffset = nameOffset + msgNamelen + msgControllen
  return {
    namelen: view.getUint32(at + RECVMSG_OUT_NAMELEN, true),
    controllen: view.getUint32(at + RECVMSG_OUT_CONTROLLEN, true),
    payloadlen: view.getUint32(at + RECVMSG_OUT_PAYLOADLEN, true),
    flags: view.getUint32(at + RECVMSG_OUT_FLAGS, true),
    nameOffset,
    controlOffset: nameOffset + msgNamelen,
    payloadOffset,
    payloadLength: at + bufLen - payloadOffset,
  }
}

// ---- struct io_uring_probe ---------------------------------------------------------------------------------

/** Bytes to allocate for IORING_REGISTER_PROBE with room for `nrOps` ops. */
export function probeSize(nrOps: number): number {
  return PROBE_SIZE + nrOps * PROBE_OP_SIZE
}

/** struct io_uring_probe: what IORING_REGISTER_PROBE reports. */
export interface Probe {
  /** the highest opcode the kernel knows */
  lastOp: number
  /** One entry per opcode up to ops_len: the opcode, its flags, and whether IO_URING_OP_SUPPORTED is set. */
  ops: { op: number; flags: number; supported: boolean }[]
}

/** Writes `probe` as a struct io_uring_probe at `at` (for tests); returns the bytes written. */
export function writeProbe(view: DataView, at: number, probe: Probe): number {
  const size = probeSize(probe.ops.length)
  zeroBytes(view, at, size)
  view.setUint8(at + PROBE_LAST_OP, probe.lastOp)
  view.setUint8(at + PROBE_OPS_LEN, probe.ops.length)
  for (let i = 0; i < probe.ops.length; i++) {
    view.setUint8(at + PROBE_OPS + i * PROBE_OP_SIZE + PROBE_OP_OP, probe.ops[i].op)
    view.setUint16(at + PROBE_OPS + i * PROBE_OP_SIZE + PROBE_OP_FLAGS, probe.ops[i].flags, true)
  }
  return size
}

/** Reads the struct io_uring_probe at `at`. */
export function decodeProbe(view: DataView, at: number): Probe {
  const ops: Probe['ops'] = []
  const opsLen = view.getUint8(at + PROBE_OPS_LEN)
  for (let i = 0; i < opsLen; i++) {
    const flags = view.getUint16(at + PROBE_OPS + i * PROBE_OP_SIZE + PROBE_OP_FLAGS, true)
    ops.push({ op: view.getUint8(at + PROBE_OPS + i * PROBE_OP_SIZE + PROBE_OP_OP), flags, supported: (flags & IO_URING_OP_SUPPORTED) !== 0 })
  }
  return { lastOp: view.getUint8(at + PROBE_LAST_OP), ops }
}

/** Whether a probe result says `opcode` works (io_uring_opcode_supported). */
export function probeSupports(view: DataView, at: number, opcode: number): boolean {
  if (opcode > view.getUint8(at + PROBE_LAST_OP) || opcode >= view.getUint8(at + PROBE_OPS_LEN)) return false
  return (view.getUint16(at + PROBE_OPS + opcode * PROBE_OP_SIZE + PROBE_OP_FLAGS, true) & IO_URING_OP_SUPPORTED) !== 0
}

// ---- provided-buffer ring: struct io_uring_buf, io_uring_buf_ring --------------------------------------------

/** Writes entry `index` of a buffer ring (`index` already masked). */
export function writeBufRingEntry(view: DataView, ringAt: number, index: number, addr: U64, len: number, bid: number): number {
  const at = ringAt + index * BUF_SIZE
  writeU64(view, at + BUF_ADDR, addr, 'addr')
  view.setUint32(at + BUF_LEN, len, true)
  view.setUint16(at + BUF_BID, bid, true)
  return BUF_SIZE
}

/** Reads entry `index` of the buffer ring at `ringAt`. */
export function decodeBufRingEntry(view: DataView, ringAt: number, index: number): { addr: number; len: number; bid: number } {
  const at = ringAt + index * BUF_SIZE
  return { addr: readU64(view, at + BUF_ADDR), len: view.getUint32(at + BUF_LEN, true), bid: view.getUint16(at + BUF_BID, true) }
}

/** io_uring_buf_ring_add: fills slot (tail + offset) & mask; publish with bufRingAdvance. */
export function bufRingAdd(view: DataView, ringAt: number, addr: U64, len: number, bid: number, mask: number, offset: number): void {
  writeBufRingEntry(view, ringAt, (getBufRingTail(view, ringAt) + offset) & mask, addr, len, bid)
}

/** The ring tail, a __u16 overlaying bufs[0].resv. */
export function getBufRingTail(view: DataView, ringAt: number): number {
  return view.getUint16(ringAt + BUF_RING_TAIL, true)
}

/** Plain store of the new tail. The kernel reads it with acquire semantics;
 * a caller sharing the ring across threads should store through Atomics on a
 * Uint16Array at ringAt + BUF_RING_TAIL instead. */
export function setBufRingTail(view: DataView, ringAt: number, tail: number): void {
  view.setUint16(ringAt + BUF_RING_TAIL, tail, true)
}

/** io_uring_buf_ring_advance: makes `count` added buffers visible. */
export function bufRingAdvance(view: DataView, ringAt: number, count: number): void {
  setBufRingTail(view, ringAt, getBufRingTail(view, ringAt) + count)
}

// ---- struct io_uring_attr_pi (read/write with IORING_RW_ATTR_FLAG_PI) ----------------------------------------

/** struct io_uring_attr_pi: protection information for a read or write with IORING_RW_ATTR_FLAG_PI. */
export interface AttrPi {
  /** Integrity-check flags. */
  flags: number
  /** The application tag. */
  appTag: number
  /** length of the protection-information buffer */
  len: number
  /** its address */
  addr: U64
  /** The reference tag seed. */
  seed: U64
}

/** Writes `pi` as a struct io_uring_attr_pi at `at`; returns its size. */
export function writeAttrPi(view: DataView, at: number, pi: AttrPi): number {
  view.setUint16(at + ATTR_PI_FLAGS, pi.flags, true)
  view.setUint16(at + ATTR_PI_APP_TAG, pi.appTag, true)
  view.setUint32(at + ATTR_PI_LEN, pi.len, true)
  writeU64(view, at + ATTR_PI_ADDR, pi.addr, 'addr')
  writeU64(view, at + ATTR_PI_SEED, pi.seed, 'seed')
  writeU64(view, at + ATTR_PI_RSVD, 0, 'rsvd')
  return ATTR_PI_SIZE
}

/** Reads the struct io_uring_attr_pi at `at`. */
export function decodeAttrPi(view: DataView, at: number): { flags: number; appTag: number; len: number; addr: number; seed: bigint } {
  return {
    flags: view.getUint16(at + ATTR_PI_FLAGS, true),
    appTag: view.getUint16(at + ATTR_PI_APP_TAG, true),
    len: view.getUint32(at + ATTR_PI_LEN, true),
    addr: readU64(view, at + ATTR_PI_ADDR),
    seed: view.getBigUint64(at + ATTR_PI_SEED, true),
  }
}
