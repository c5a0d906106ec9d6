// Codecs for io_uring_setup(2) / io_uring_register(2) argument structs, built
// from one small field-table helper: each struct gets writeX(view, at, value)
// (returns its size; reserved bytes zeroed), encodeX(value) (a fresh
// Uint8Array) and decodeX(view, at) (a plain object; 64-bit fields as numbers).

import {
  BUF_REG_BGID, BUF_REG_FLAGS, BUF_REG_RING_ADDR, BUF_REG_RING_ENTRIES, BUF_REG_SIZE, BUF_STATUS_BUF_GROUP,
  BUF_STATUS_HEAD, BUF_STATUS_SIZE, CLOCK_REGISTER_CLOCKID, CLOCK_REGISTER_SIZE, CLONE_BUFFERS_DST_OFF,
  CLONE_BUFFERS_FLAGS, CLONE_BUFFERS_NR, CLONE_BUFFERS_SIZE, CLONE_BUFFERS_SRC_FD, CLONE_BUFFERS_SRC_OFF,
  CQRING_OFFSETS_SIZE, CQ_OFF_CQES, CQ_OFF_FLAGS, CQ_OFF_HEAD, CQ_OFF_OVERFLOW, CQ_OFF_RING_ENTRIES, CQ_OFF_RING_MASK,
  CQ_OFF_TAIL, CQ_OFF_USER_ADDR, FILES_UPDATE_FDS, FILES_UPDATE_OFFSET, FILES_UPDATE_SIZE, FILE_INDEX_RANGE_LEN,
  FILE_INDEX_RANGE_OFF, FILE_INDEX_RANGE_SIZE, MEM_REGION_REG_FLAGS, MEM_REGION_REG_REGION_UPTR, MEM_REGION_REG_SIZE,
  NAPI_BUSY_POLL_TO, NAPI_OPCODE, NAPI_OP_PARAM, NAPI_PREFER_BUSY_POLL, NAPI_SIZE, PARAMS_CQ_ENTRIES, PARAMS_CQ_OFF,
  PARAMS_FEATURES, PARAMS_FLAGS, PARAMS_SIZE, PARAMS_SQ_ENTRIES, PARAMS_SQ_OFF, PARAMS_SQ_THREAD_CPU,
  PARAMS_SQ_THREAD_IDLE, PARAMS_WQ_FD, QUERY_HDR_NEXT_ENTRY, QUERY_HDR_QUERY_DATA, QUERY_HDR_QUERY_OP,
  QUERY_HDR_RESULT, QUERY_HDR_SIZE, QUERY_HDR_SIZE_FIELD, QUERY_OPCODE_ENTER_FLAGS, QUERY_OPCODE_FEATURE_FLAGS,
  QUERY_OPCODE_NR_QUERY_OPCODES, QUERY_OPCODE_NR_REGISTER_OPCODES, QUERY_OPCODE_NR_REQUEST_OPCODES,
  QUERY_OPCODE_RING_SETUP_FLAGS, QUERY_OPCODE_SIZE, QUERY_OPCODE_SQE_FLAGS, REGION_DESC_FLAGS, REGION_DESC_ID,
  REGION_DESC_MMAP_OFFSET, REGION_DESC_SIZE, REGION_DESC_SIZE_FIELD, REGION_DESC_USER_ADDR, RESTRICTION_ARG,
  RESTRICTION_OPCODE, RESTRICTION_SIZE, RSRC_REGISTER_DATA, RSRC_REGISTER_FLAGS, RSRC_REGISTER_NR, RSRC_REGISTER_SIZE,
  RSRC_REGISTER_TAGS, RSRC_UPDATE2_DATA, RSRC_UPDATE2_NR, RSRC_UPDATE2_OFFSET, RSRC_UPDATE2_SIZE, RSRC_UPDATE2_TAGS,
  RSRC_UPDATE_DATA, RSRC_UPDATE_OFFSET, RSRC_UPDATE_SIZE, SQRING_OFFSETS_SIZE, SQ_OFF_ARRAY, SQ_OFF_DROPPED,
  SQ_OFF_FLAGS, SQ_OFF_HEAD, SQ_OFF_RING_ENTRIES, SQ_OFF_RING_MASK, SQ_OFF_TAIL, SQ_OFF_USER_ADDR,
  SYNC_CANCEL_REG_ADDR, SYNC_CANCEL_REG_FD, SYNC_CANCEL_REG_FLAGS, SYNC_CANCEL_REG_OPCODE, SYNC_CANCEL_REG_SIZE,
  SYNC_CANCEL_REG_TIMEOUT, TIMESPEC_NSEC, TIMESPEC_SEC, ZCRX_AREA_REG_ADDR, ZCRX_AREA_REG_DMABUF_FD,
  ZCRX_AREA_REG_FLAGS, ZCRX_AREA_REG_LEN, ZCRX_AREA_REG_RQ_AREA_TOKEN, ZCRX_AREA_REG_SIZE, ZCRX_CQE_OFF,
  ZCRX_CQE_SIZE, ZCRX_IFQ_REG_AREA_PTR, ZCRX_IFQ_REG_FLAGS, ZCRX_IFQ_REG_IF_IDX, ZCRX_IFQ_REG_IF_RXQ,
  ZCRX_IFQ_REG_OFFSETS, ZCRX_IFQ_REG_REGION_PTR, ZCRX_IFQ_REG_RQ_ENTRIES, ZCRX_IFQ_REG_SIZE, ZCRX_IFQ_REG_ZCRX_ID,
  ZCRX_OFFSETS_HEAD, ZCRX_OFFSETS_RQES, ZCRX_OFFSETS_TAIL, ZCRX_RQE_LEN, ZCRX_RQE_OFF,
  ZCRX_RQE_SIZE,
} from './layout.js'
import { zeroBytes } from './structs.js'
import { readI64, readU64, type U64, writeI64, writeU64 } from './u64.js'

type Kind = 'u8' | 'u16' | 'u32' | 's32' | 'u64' | 's64'
type Spec = Record<string, readonly [Kind, number]>
type Input<S extends Spec> = { [K in keyof S]: S[K][0] extends 'u64' | 's64' ? U64 : number }
type Output<S extends Spec> = { [K in keyof S]: number }

/** The three functions of one struct's codec (size, write, encode, decode), as the struct codecs below are built. */
export interface StructCodec<S extends Spec> {
  /** The struct's size in bytes. */
  readonly size: number
  /** Writes `value` at `at`, reserved bytes zeroed; returns `size`. */
  write(view: DataView, at: number, value: Input<S>): number
  /** `value` in a new Uint8Array of `size` bytes. */
  encode(value: Input<S>): Uint8Array
  /** Reads the struct at `at` (64-bit fields as numbers). */
  decode(view: DataView, at: number): Output<S>
}

/** A codec for a flat struct of `size` bytes whose fields sit at the given
 * offsets; every byte not covered by a field is written as zero. */
function struct<S extends Spec>(size: number, spec: S): StructCodec<S> {
  const names = Object.keys(spec) as (keyof S & string)[]
  const write = (view: DataView, at: number, value: Input<S>): number => {
    zeroBytes(view, at, size)
    for (const name of names) {
      const [kind, off] = spec[name]
      const v = value[name]
      switch (kind) {
        case 'u8': view.setUint8(at + off, v as number); break
        case 'u16': view.setUint16(at + off, v as number, true); break
        case 'u32': view.setUint32(at + off, v as number, true); break
        case 's32': view.setInt32(at + off, v as number, true); break
        case 'u64': writeU64(view, at + off, v, name); break
        case 's64': writeI64(view, at + off, v, name); break
      }
    }
    return size
  }
  const decode = (view: DataView, at: number): Output<S> => {
    const out = {} as Record<string, number>
    for (const name of names) {
      const [kind, off] = spec[name]
      switch (kind) {
        case 'u8': out[name] = view.getUint8(at + off); break
        case 'u16': out[name] = view.getUint16(at + off, true); break
        case 'u32': out[name] = view.getUint32(at + off, true); break
        case 's32': out[name] = view.getInt32(at + off, true); break
        case 'u64': out[name] = readU64(view, at + off); break
        case 's64': out[name] = readI64(view, at + off); break
      }
    }
    return out as Output<S>
  }
  const encode = (value: Input<S>): Uint8Array => {
    const bytes = new Uint8Array(size)
    write(new DataView(bytes.buffer), 0, value)
    return bytes
  }
  return { size, write, encode, decode }
}

// ---- io_uring_setup(2) ------------------------------------------------------------------

const sqOffsets = struct(SQRING_OFFSETS_SIZE, {
  head: ['u32', SQ_OFF_HEAD], tail: ['u32', SQ_OFF_TAIL], ringMask: ['u32', SQ_OFF_RING_MASK],
  ringEntries: ['u32', SQ_OFF_RING_ENTRIES], flags: ['u32', SQ_OFF_FLAGS], dropped: ['u32', SQ_OFF_DROPPED],
  array: ['u32', SQ_OFF_ARRAY], userAddr: ['u64', SQ_OFF_USER_ADDR],
})

const cqOffsets = struct(CQRING_OFFSETS_SIZE, {
  head: ['u32', CQ_OFF_HEAD], tail: ['u32', CQ_OFF_TAIL], ringMask: ['u32', CQ_OFF_RING_MASK],
  ringEntries: ['u32', CQ_OFF_RING_ENTRIES], overflow: ['u32', CQ_OFF_OVERFLOW], cqes: ['u32', CQ_OFF_CQES],
  flags: ['u32', CQ_OFF_FLAGS], userAddr: ['u64', CQ_OFF_USER_ADDR],
})

export const {
  /** Writes a struct io_sqring_offsets at `at`, reserved bytes zeroed; returns its size. */
  write: writeSqringOffsets,
  /** Reads the struct io_sqring_offsets at `at` (64-bit fields as numbers). */
  decode: decodeSqringOffsets,
} = sqOffsets
export const {
  /** Writes a struct io_cqring_offsets at `at`, reserved bytes zeroed; returns its size. */
  write: writeCqringOffsets,
  /** Reads the struct io_cqring_offsets at `at` (64-bit fields as numbers). */
  decode: decodeCqringOffsets,
} = cqOffsets

const paramsHead = struct(PARAMS_SQ_OFF, {
  sqEntries: ['u32', PARAMS_SQ_ENTRIES], cqEntries: ['u32', PARAMS_CQ_ENTRIES], flags: ['u32', PARAMS_FLAGS],
  sqThreadCpu: ['u32', PARAMS_SQ_THREAD_CPU], sqThreadIdle: ['u32', PARAMS_SQ_THREAD_IDLE],
  features: ['u32', PARAMS_FEATURES], wqFd: ['u32', PARAMS_WQ_FD],
})

/** struct io_sqring_offsets decoded: byte offsets of the SQ ring's fields in its mapping. */
export type SqringOffsets = ReturnType<typeof sqOffsets.decode>
/** struct io_cqring_offsets decoded: byte offsets of the CQ ring's fields in its mapping. */
export type CqringOffsets = ReturnType<typeof cqOffsets.decode>

/** struct io_uring_params: what io_uring_setup(2) is asked for, and what it answers. */
export interface Params {
  /** SQ entries (the kernel rounds up to a power of two). */
  sqEntries: number
  /** CQ entries, read with IORING_SETUP_CQSIZE. */
  cqEntries: number
  /** IORING_SETUP_* */
  flags: number
  /** The CPU an SQPOLL thread is bound to, with IORING_SETUP_SQ_AFF. */
  sqThreadCpu: number
  /** Milliseconds an SQPOLL thread spins idle before it sleeps. */
  sqThreadIdle: number
  /** IORING_FEAT_*, filled in by the kernel */
  features: number
  /** The ring whose io-wq this one shares, with IORING_SETUP_ATTACH_WQ. */
  wqFd: number
  /** filled in by the kernel, or the ring memory with IORING_SETUP_NO_MMAP */
  sqOff?: Partial<Parameters<typeof sqOffsets.write>[2]>
  /** Filled in by the kernel, or the ring memory with IORING_SETUP_NO_MMAP. */
  cqOff?: Partial<Parameters<typeof cqOffsets.write>[2]>
}

const ZERO_SQ_OFF: SqringOffsets = { head: 0, tail: 0, ringMask: 0, ringEntries: 0, flags: 0, dropped: 0, array: 0, userAddr: 0 }
const ZERO_CQ_OFF: CqringOffsets = { head: 0, tail: 0, ringMask: 0, ringEntries: 0, overflow: 0, cqes: 0, flags: 0, userAddr: 0 }

/** struct io_uring_params (120 bytes) for io_uring_setup(2). */
export function writeParams(view: DataView, at: number, p: Params): number {
  paramsHead.write(view, at, p)
  sqOffsets.write(view, at + PARAMS_SQ_OFF, { ...ZERO_SQ_OFF, ...p.sqOff })
  cqOffsets.write(view, at + PARAMS_CQ_OFF, { ...ZERO_CQ_OFF, ...p.cqOff })
  return PARAMS_SIZE
}

/** `p` as a new 120-byte struct io_uring_params. */
export function encodeParams(p: Params): Uint8Array {
  const bytes = new Uint8Array(PARAMS_SIZE)
  writeParams(new DataView(bytes.buffer), 0, p)
  return bytes
}

/** Reads the struct io_uring_params at `at`, with both offset structs. */
export function decodeParams(view: DataView, at: number): Required<Params> & { sqOff: SqringOffsets; cqOff: CqringOffsets } {
  return { ...paramsHead.decode(view, at), sqOff: sqOffsets.decode(view, at + PARAMS_SQ_OFF), cqOff: cqOffsets.decode(view, at + PARAMS_CQ_OFF) }
}

// ---- io_uring_register(2) arguments ----------------------------------------------------------

/** IORING_REGISTER_FILES_UPDATE (deprecated form): `fds` is an __s32 array address. */
export const {
  /** Writes a struct io_uring_files_update at `at`, reserved bytes zeroed; returns its size. */
  write: writeFilesUpdate,
  /** A struct io_uring_files_update in a new Uint8Array. */
  encode: encodeFilesUpdate,
  /** Reads the struct io_uring_files_update at `at` (64-bit fields as numbers). */
  decode: decodeFilesUpdate,
} = struct(FILES_UPDATE_SIZE, {
  offset: ['u32', FILES_UPDATE_OFFSET], fds: ['u64', FILES_UPDATE_FDS],
})

/** struct io_uring_rsrc_update */
export const {
  /** Writes a struct io_uring_rsrc_update at `at`, reserved bytes zeroed; returns its size. */
  write: writeRsrcUpdate,
  /** A struct io_uring_rsrc_update in a new Uint8Array. */
  encode: encodeRsrcUpdate,
  /** Reads the struct io_uring_rsrc_update at `at` (64-bit fields as numbers). */
  decode: decodeRsrcUpdate,
} = struct(RSRC_UPDATE_SIZE, {
  offset: ['u32', RSRC_UPDATE_OFFSET], data: ['u64', RSRC_UPDATE_DATA],
})

/** IORING_REGISTER_FILES2 / BUFFERS2: `data` and `tags` are array addresses;
 * flags IORING_RSRC_REGISTER_SPARSE. */
export const {
  /** Writes a struct io_uring_rsrc_register at `at`, reserved bytes zeroed; returns its size. */
  write: writeRsrcRegister,
  /** A struct io_uring_rsrc_register in a new Uint8Array. */
  encode: encodeRsrcRegister,
  /** Reads the struct io_uring_rsrc_register at `at` (64-bit fields as numbers). */
  decode: decodeRsrcRegister,
} = struct(RSRC_REGISTER_SIZE, {
  nr: ['u32', RSRC_REGISTER_NR], flags: ['u32', RSRC_REGISTER_FLAGS], data: ['u64', RSRC_REGISTER_DATA], tags: ['u64', RSRC_REGISTER_TAGS],
})

/** IORING_REGISTER_FILES_UPDATE2 / BUFFERS_UPDATE */
export const {
  /** Writes a struct io_uring_rsrc_update2 at `at`, reserved bytes zeroed; returns its size. */
  write: writeRsrcUpdate2,
  /** A struct io_uring_rsrc_update2 in a new Uint8Array. */
  encode: encodeRsrcUpdate2,
  /** Reads the struct io_uring_rsrc_update2 at `at` (64-bit fields as numbers). */
  decode: decodeRsrcUpdate2,
} = struct(RSRC_UPDATE2_SIZE, {
  offset: ['u32', RSRC_UPDATE2_OFFSET], data: ['u64', RSRC_UPDATE2_DATA], tags: ['u64', RSRC_UPDATE2_TAGS], nr: ['u32', RSRC_UPDATE2_NR],
})

/** One IORING_REGISTER_RESTRICTIONS entry: `arg` is the register_op, sqe_op
 * or sqe_flags the IORING_RESTRICTION_* opcode calls for. */
export const {
  /** Writes a struct io_uring_restriction at `at`, reserved bytes zeroed; returns its size. */
  write: writeRestriction,
  /** A struct io_uring_restriction in a new Uint8Array. */
  encode: encodeRestriction,
  /** Reads the struct io_uring_restriction at `at` (64-bit fields as numbers). */
  decode: decodeRestriction,
} = struct(RESTRICTION_SIZE, {
  opcode: ['u16', RESTRICTION_OPCODE], arg: ['u8', RESTRICTION_ARG],
})

/** An io_uring_restriction array for IORING_REGISTER_RESTRICTIONS. */
export function encodeRestrictions(list: readonly { opcode: number; arg: number }[]): Uint8Array {
  const bytes = new Uint8Array(list.length * RESTRICTION_SIZE)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < list.length; i++) writeRestriction(view, i * RESTRICTION_SIZE, list[i])
  return bytes
}

/** IORING_(UN)REGISTER_PBUF_RING; flags IOU_PBUF_RING_*. */
export const {
  /** Writes a struct io_uring_buf_reg at `at`, reserved bytes zeroed; returns its size. */
  write: writeBufReg,
  /** A struct io_uring_buf_reg in a new Uint8Array. */
  encode: encodeBufReg,
  /** Reads the struct io_uring_buf_reg at `at` (64-bit fields as numbers). */
  decode: decodeBufReg,
} = struct(BUF_REG_SIZE, {
  ringAddr: ['u64', BUF_REG_RING_ADDR], ringEntries: ['u32', BUF_REG_RING_ENTRIES], bgid: ['u16', BUF_REG_BGID], flags: ['u16', BUF_REG_FLAGS],
})

/** IORING_REGISTER_PBUF_STATUS: bufGroup in, head out. */
export const {
  /** Writes a struct io_uring_buf_status at `at`, reserved bytes zeroed; returns its size. */
  write: writeBufStatus,
  /** A struct io_uring_buf_status in a new Uint8Array. */
  encode: encodeBufStatus,
  /** Reads the struct io_uring_buf_status at `at` (64-bit fields as numbers). */
  decode: decodeBufStatus,
} = struct(BUF_STATUS_SIZE, {
  bufGroup: ['u32', BUF_STATUS_BUF_GROUP], head: ['u32', BUF_STATUS_HEAD],
})

/** IORING_REGISTER_SYNC_CANCEL: match by addr (user_data), fd or opcode per
 * IORING_ASYNC_CANCEL_* flags, waiting up to the timeout (-1 / -1: forever). */
export const {
  /** Writes a struct io_uring_sync_cancel_reg at `at`, reserved bytes zeroed; returns its size. */
  write: writeSyncCancelReg,
  /** A struct io_uring_sync_cancel_reg in a new Uint8Array. */
  encode: encodeSyncCancelReg,
  /** Reads the struct io_uring_sync_cancel_reg at `at` (64-bit fields as numbers). */
  decode: decodeSyncCancelReg,
} = struct(SYNC_CANCEL_REG_SIZE, {
  addr: ['u64', SYNC_CANCEL_REG_ADDR], fd: ['s32', SYNC_CANCEL_REG_FD], flags: ['u32', SYNC_CANCEL_REG_FLAGS],
  timeoutSec: ['s64', SYNC_CANCEL_REG_TIMEOUT + TIMESPEC_SEC], timeoutNsec: ['s64', SYNC_CANCEL_REG_TIMEOUT + TIMESPEC_NSEC],
  opcode: ['u8', SYNC_CANCEL_REG_OPCODE],
})

/** IORING_REGISTER_FILE_ALLOC_RANGE: [off, off + len) */
export const {
  /** Writes a struct io_uring_file_index_range at `at`, reserved bytes zeroed; returns its size. */
  write: writeFileIndexRange,
  /** A struct io_uring_file_index_range in a new Uint8Array. */
  encode: encodeFileIndexRange,
  /** Reads the struct io_uring_file_index_range at `at` (64-bit fields as numbers). */
  decode: decodeFileIndexRange,
} = struct(FILE_INDEX_RANGE_SIZE, {
  off: ['u32', FILE_INDEX_RANGE_OFF], len: ['u32', FILE_INDEX_RANGE_LEN],
})

/** IORING_REGISTER_CLOCK: CLOCK_MONOTONIC or CLOCK_BOOTTIME. */
export const {
  /** Writes a struct io_uring_clock_register at `at`, reserved bytes zeroed; returns its size. */
  write: writeClockRegister,
  /** A struct io_uring_clock_register in a new Uint8Array. */
  encode: encodeClockRegister,
  /** Reads the struct io_uring_clock_register at `at` (64-bit fields as numbers). */
  decode: decodeClockRegister,
} = struct(CLOCK_REGISTER_SIZE, {
  clockid: ['u32', CLOCK_REGISTER_CLOCKID],
})

/** IORING_REGISTER_CLONE_BUFFERS; flags IORING_REGISTER_SRC_REGISTERED / DST_REPLACE. */
export const {
  /** Writes a struct io_uring_clone_buffers at `at`, reserved bytes zeroed; returns its size. */
  write: writeCloneBuffers,
  /** A struct io_uring_clone_buffers in a new Uint8Array. */
  encode: encodeCloneBuffers,
  /** Reads the struct io_uring_clone_buffers at `at` (64-bit fields as numbers). */
  decode: decodeCloneBuffers,
} = struct(CLONE_BUFFERS_SIZE, {
  srcFd: ['u32', CLONE_BUFFERS_SRC_FD], flags: ['u32', CLONE_BUFFERS_FLAGS], srcOff: ['u32', CLONE_BUFFERS_SRC_OFF],
  dstOff: ['u32', CLONE_BUFFERS_DST_OFF], nr: ['u32', CLONE_BUFFERS_NR],
})

/** IORING_(UN)REGISTER_NAPI; opcode IO_URING_NAPI_*, opParam a tracking
 * strategy or a NAPI id. */
export const {
  /** Writes a struct io_uring_napi at `at`, reserved bytes zeroed; returns its size. */
  write: writeNapi,
  /** A struct io_uring_napi in a new Uint8Array. */
  encode: encodeNapi,
  /** Reads the struct io_uring_napi at `at` (64-bit fields as numbers). */
  decode: decodeNapi,
} = struct(NAPI_SIZE, {
  busyPollTo: ['u32', NAPI_BUSY_POLL_TO], preferBusyPoll: ['u8', NAPI_PREFER_BUSY_POLL], opcode: ['u8', NAPI_OPCODE],
  opParam: ['u32', NAPI_OP_PARAM],
})

/** struct io_uring_region_desc; flags IORING_MEM_REGION_TYPE_USER. */
export const {
  /** Writes a struct io_uring_region_desc at `at`, reserved bytes zeroed; returns its size. */
  write: writeRegionDesc,
  /** A struct io_uring_region_desc in a new Uint8Array. */
  encode: encodeRegionDesc,
  /** Reads the struct io_uring_region_desc at `at` (64-bit fields as numbers). */
  decode: decodeRegionDesc,
} = struct(REGION_DESC_SIZE, {
  userAddr: ['u64', REGION_DESC_USER_ADDR], size: ['u64', REGION_DESC_SIZE_FIELD], flags: ['u32', REGION_DESC_FLAGS],
  id: ['u32', REGION_DESC_ID], mmapOffset: ['u64', REGION_DESC_MMAP_OFFSET],
})

/** IORING_REGISTER_MEM_REGION: regionUptr addresses an io_uring_region_desc;
 * flags IORING_MEM_REGION_REG_WAIT_ARG. */
export const {
  /** Writes a struct io_uring_mem_region_reg at `at`, reserved bytes zeroed; returns its size. */
  write: writeMemRegionReg,
  /** A struct io_uring_mem_region_reg in a new Uint8Array. */
  encode: encodeMemRegionReg,
  /** Reads the struct io_uring_mem_region_reg at `at` (64-bit fields as numbers). */
  decode: decodeMemRegionReg,
} = struct(MEM_REGION_REG_SIZE, {
  regionUptr: ['u64', MEM_REGION_REG_REGION_UPTR], flags: ['u64', MEM_REGION_REG_FLAGS],
})

// ---- zero-copy receive (IORING_REGISTER_ZCRX_IFQ, RECV_ZC) ----------------------------------------

export const {
  /** Writes a struct io_uring_zcrx_area_reg at `at`, reserved bytes zeroed; returns its size. */
  write: writeZcrxAreaReg,
  /** A struct io_uring_zcrx_area_reg in a new Uint8Array. */
  encode: encodeZcrxAreaReg,
  /** Reads the struct io_uring_zcrx_area_reg at `at` (64-bit fields as numbers). */
  decode: decodeZcrxAreaReg,
} = struct(ZCRX_AREA_REG_SIZE, {
  addr: ['u64', ZCRX_AREA_REG_ADDR], len: ['u64', ZCRX_AREA_REG_LEN], rqAreaToken: ['u64', ZCRX_AREA_REG_RQ_AREA_TOKEN],
  flags: ['u32', ZCRX_AREA_REG_FLAGS], dmabufFd: ['u32', ZCRX_AREA_REG_DMABUF_FD],
})

/** struct io_uring_zcrx_ifq_reg; the kernel fills in offsets and zcrxId. */
export const {
  /** Writes a struct io_uring_zcrx_ifq_reg at `at`, reserved bytes zeroed; returns its size. */
  write: writeZcrxIfqReg,
  /** A struct io_uring_zcrx_ifq_reg in a new Uint8Array. */
  encode: encodeZcrxIfqReg,
  /** Reads the struct io_uring_zcrx_ifq_reg at `at` (64-bit fields as numbers). */
  decode: decodeZcrxIfqReg,
} = struct(ZCRX_IFQ_REG_SIZE, {
  ifIdx: ['u32', ZCRX_IFQ_REG_IF_IDX], ifRxq: ['u32', ZCRX_IFQ_REG_IF_RXQ], rqEntries: ['u32', ZCRX_IFQ_REG_RQ_ENTRIES],
  flags: ['u32', ZCRX_IFQ_REG_FLAGS], areaPtr: ['u64', ZCRX_IFQ_REG_AREA_PTR], regionPtr: ['u64', ZCRX_IFQ_REG_REGION_PTR],
  rqHead: ['u32', ZCRX_IFQ_REG_OFFSETS + ZCRX_OFFSETS_HEAD], rqTail: ['u32', ZCRX_IFQ_REG_OFFSETS + ZCRX_OFFSETS_TAIL],
  rqRqes: ['u32', ZCRX_IFQ_REG_OFFSETS + ZCRX_OFFSETS_RQES], zcrxId: ['u32', ZCRX_IFQ_REG_ZCRX_ID],
})

/** A refill-queue entry handing a received buffer back to the kernel. */
export const {
  /** Writes a struct io_uring_zcrx_rqe at `at`, reserved bytes zeroed; returns its size. */
  write: writeZcrxRqe,
  /** Reads the struct io_uring_zcrx_rqe at `at` (64-bit fields as numbers). */
  decode: decodeZcrxRqe,
} = struct(ZCRX_RQE_SIZE, {
  off: ['u64', ZCRX_RQE_OFF], len: ['u32', ZCRX_RQE_LEN],
})

/** The big_cqe half of a RECV_ZC completion: area id << IORING_ZCRX_AREA_SHIFT | offset. */
export const {
  /** Writes a struct io_uring_zcrx_cqe at `at`, reserved bytes zeroed; returns its size. */
  write: writeZcrxCqe,
  /** Reads the struct io_uring_zcrx_cqe at `at` (64-bit fields as numbers). */
  decode: decodeZcrxCqe,
} = struct(ZCRX_CQE_SIZE, {
  off: ['u64', ZCRX_CQE_OFF],
})

// ---- IORING_REGISTER_QUERY (linux/io_uring/query.h) --------------------------------------------------

/** One query in a chain: nextEntry / queryData are addresses, the kernel
 * writes result (0 or -errno) and the size it filled. */
export const {
  /** Writes a struct io_uring_query_hdr at `at`, reserved bytes zeroed; returns its size. */
  write: writeQueryHdr,
  /** A struct io_uring_query_hdr in a new Uint8Array. */
  encode: encodeQueryHdr,
  /** Reads the struct io_uring_query_hdr at `at` (64-bit fields as numbers). */
  decode: decodeQueryHdr,
} = struct(QUERY_HDR_SIZE, {
  nextEntry: ['u64', QUERY_HDR_NEXT_ENTRY], queryData: ['u64', QUERY_HDR_QUERY_DATA], queryOp: ['u32', QUERY_HDR_QUERY_OP],
  size: ['u32', QUERY_HDR_SIZE_FIELD], result: ['s32', QUERY_HDR_RESULT],
})

/** The IO_URING_QUERY_OPCODES answer: counts and supported-flag masks. */
export const {
  /** Writes a struct io_uring_query_opcode at `at`, reserved bytes zeroed; returns its size. */
  write: writeQueryOpcode,
  /** Reads the struct io_uring_query_opcode at `at` (64-bit fields as numbers). */
  decode: decodeQueryOpcode,
} = struct(QUERY_OPCODE_SIZE, {
  nrRequestOpcodes: ['u32', QUERY_OPCODE_NR_REQUEST_OPCODES], nrRegisterOpcodes: ['u32', QUERY_OPCODE_NR_REGISTER_OPCODES],
  featureFlags: ['u64', QUERY_OPCODE_FEATURE_FLAGS], ringSetupFlags: ['u64', QUERY_OPCODE_RING_SETUP_FLAGS],
  enterFlags: ['u64', QUERY_OPCODE_ENTER_FLAGS], sqeFlags: ['u64', QUERY_OPCODE_SQE_FLAGS],
  nrQueryOpcodes: ['u32', QUERY_OPCODE_NR_QUERY_OPCODES],
})
