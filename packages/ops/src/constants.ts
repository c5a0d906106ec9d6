// io_uring constants, named exactly as include/uapi/linux/io_uring.h (Linux
// 6.18) names them, plus the tables listing each family with the kernel
// version that added every member. Values that do not fit in 31 bits are
// written as literals so they stay non-negative numbers.

import { EPOLL_EVENTS, MSG_FLAGS, OPEN_FLAGS, POLL_EVENTS, RESOLVE_FLAGS, RWF_FLAGS } from './sys.js'

/** One member of a constant family: `name` is the kernel name minus the
 * table's prefix (see TABLES), `since` the kernel ('major.minor') in which
 * io_uring first accepted it. */
export interface ConstantEntry {
  /** The kernel's name without the table's prefix ('READV' for IORING_OP_READV). */
  readonly name: string
  /** The constant's value. */
  readonly value: number
  /** The kernel version ('major.minor') from which io_uring accepts it. */
  readonly since: string
}

// ---- opcodes (enum io_uring_op) ----------------------------------------------
/**
 * SQE opcodes (enum io_uring_op), the value of an SQE's `opcode` byte. OPCODES lists each with the kernel
 * version that added it; a ring's probe says which ones the running kernel has.
 */
export const IORING_OP_NOP = 0,
  IORING_OP_READV = 1,
  IORING_OP_WRITEV = 2,
  IORING_OP_FSYNC = 3,
  IORING_OP_READ_FIXED = 4,
  IORING_OP_WRITE_FIXED = 5,
  IORING_OP_POLL_ADD = 6,
  IORING_OP_POLL_REMOVE = 7,
  IORING_OP_SYNC_FILE_RANGE = 8,
  IORING_OP_SENDMSG = 9,
  IORING_OP_RECVMSG = 10,
  IORING_OP_TIMEOUT = 11,
  IORING_OP_TIMEOUT_REMOVE = 12,
  IORING_OP_ACCEPT = 13,
  IORING_OP_ASYNC_CANCEL = 14,
  IORING_OP_LINK_TIMEOUT = 15,
  IORING_OP_CONNECT = 16,
  IORING_OP_FALLOCATE = 17,
  IORING_OP_OPENAT = 18,
  IORING_OP_CLOSE = 19,
  IORING_OP_FILES_UPDATE = 20,
  IORING_OP_STATX = 21,
  IORING_OP_READ = 22,
  IORING_OP_WRITE = 23,
  IORING_OP_FADVISE = 24,
  IORING_OP_MADVISE = 25,
  IORING_OP_SEND = 26,
  IORING_OP_RECV = 27,
  IORING_OP_OPENAT2 = 28,
  IORING_OP_EPOLL_CTL = 29,
  IORING_OP_SPLICE = 30,
  IORING_OP_PROVIDE_BUFFERS = 31,
  IORING_OP_REMOVE_BUFFERS = 32,
  IORING_OP_TEE = 33,
  IORING_OP_SHUTDOWN = 34,
  IORING_OP_RENAMEAT = 35,
  IORING_OP_UNLINKAT = 36,
  IORING_OP_MKDIRAT = 37,
  IORING_OP_SYMLINKAT = 38,
  IORING_OP_LINKAT = 39,
  IORING_OP_MSG_RING = 40,
  IORING_OP_FSETXATTR = 41,
  IORING_OP_SETXATTR = 42,
  IORING_OP_FGETXATTR = 43,
  IORING_OP_GETXATTR = 44,
  IORING_OP_SOCKET = 45,
  IORING_OP_URING_CMD = 46,
  IORING_OP_SEND_ZC = 47,
  IORING_OP_SENDMSG_ZC = 48,
  IORING_OP_READ_MULTISHOT = 49,
  IORING_OP_WAITID = 50,
  IORING_OP_FUTEX_WAIT = 51,
  IORING_OP_FUTEX_WAKE = 52,
  IORING_OP_FUTEX_WAITV = 53,
  IORING_OP_FIXED_FD_INSTALL = 54,
  IORING_OP_FTRUNCATE = 55,
  IORING_OP_BIND = 56,
  IORING_OP_LISTEN = 57,
  IORING_OP_RECV_ZC = 58,
  IORING_OP_EPOLL_WAIT = 59,
  IORING_OP_READV_FIXED = 60,
  IORING_OP_WRITEV_FIXED = 61,
  IORING_OP_PIPE = 62
/** One past the last opcode of Linux 6.18 (NOP128 and URING_CMD128 are 6.19). */
export const IORING_OP_LAST = 63

/** Every IORING_OP_* opcode with the kernel version that added it. */
export const OPCODES: readonly ConstantEntry[] = [
  { name: 'NOP', value: IORING_OP_NOP, since: '5.1' },
  { name: 'READV', value: IORING_OP_READV, since: '5.1' },
  { name: 'WRITEV', value: IORING_OP_WRITEV, since: '5.1' },
  { name: 'FSYNC', value: IORING_OP_FSYNC, since: '5.1' },
  { name: 'READ_FIXED', value: IORING_OP_READ_FIXED, since: '5.1' },
  { name: 'WRITE_FIXED', value: IORING_OP_WRITE_FIXED, since: '5.1' },
  { name: 'POLL_ADD', value: IORING_OP_POLL_ADD, since: '5.1' },
  { name: 'POLL_REMOVE', value: IORING_OP_POLL_REMOVE, since: '5.1' },
  { name: 'SYNC_FILE_RANGE', value: IORING_OP_SYNC_FILE_RANGE, since: '5.2' },
  { name: 'SENDMSG', value: IORING_OP_SENDMSG, since: '5.3' },
  { name: 'RECVMSG', value: IORING_OP_RECVMSG, since: '5.3' },
  { name: 'TIMEOUT', value: IORING_OP_TIMEOUT, since: '5.4' },
  { name: 'TIMEOUT_REMOVE', value: IORING_OP_TIMEOUT_REMOVE, since: '5.5' },
  { name: 'ACCEPT', value: IORING_OP_ACCEPT, since: '5.5' },
  { name: 'ASYNC_CANCEL', value: IORING_OP_ASYNC_CANCEL, since: '5.5' },
  { name: 'LINK_TIMEOUT', value: IORING_OP_LINK_TIMEOUT, since: '5.5' },
  { name: 'CONNECT', value: IORING_OP_CONNECT, since: '5.5' },
  { name: 'FALLOCATE', value: IORING_OP_FALLOCATE, since: '5.6' },
  { name: 'OPENAT', value: IORING_OP_OPENAT, since: '5.6' },
  { name: 'CLOSE', value: IORING_OP_CLOSE, since: '5.6' },
  { name: 'FILES_UPDATE', value: IORING_OP_FILES_UPDATE, since: '5.6' },
  { name: 'STATX', value: IORING_OP_STATX, since: '5.6' },
  { name: 'READ', value: IORING_OP_READ, since: '5.6' },
  { name: 'WRITE', value: IORING_OP_WRITE, since: '5.6' },
  { name: 'FADVISE', value: IORING_OP_FADVISE, since: '5.6' },
  { name: 'MADVISE', value: IORING_OP_MADVISE, since: '5.6' },
  { name: 'SEND', value: IORING_OP_SEND, since: '5.6' },
  { name: 'RECV', value: IORING_OP_RECV, since: '5.6' },
  { name: 'OPENAT2', value: IORING_OP_OPENAT2, since: '5.6' },
  { name: 'EPOLL_CTL', value: IORING_OP_EPOLL_CTL, since: '5.6' },
  { name: 'SPLICE', value: IORING_OP_SPLICE, since: '5.7' },
  { name: 'PROVIDE_BUFFERS', value: IORING_OP_PROVIDE_BUFFERS, since: '5.7' },
  { name: 'REMOVE_BUFFERS', value: IORING_OP_REMOVE_BUFFERS, since: '5.7' },
  { name: 'TEE', value: IORING_OP_TEE, since: '5.8' },
  { name: 'SHUTDOWN', value: IORING_OP_SHUTDOWN, since: '5.11' },
  { name: 'RENAMEAT', value: IORING_OP_RENAMEAT, since: '5.11' },
  { name: 'UNLINKAT', value: IORING_OP_UNLINKAT, since: '5.11' },
  { name: 'MKDIRAT', value: IORING_OP_MKDIRAT, since: '5.15' },
  { name: 'SYMLINKAT', value: IORING_OP_SYMLINKAT, since: '5.15' },
  { name: 'LINKAT', value: IORING_OP_LINKAT, since: '5.15' },
  { name: 'MSG_RING', value: IORING_OP_MSG_RING, since: '5.18' },
  { name: 'FSETXATTR', value: IORING_OP_FSETXATTR, since: '5.19' },
  { name: 'SETXATTR', value: IORING_OP_SETXATTR, since: '5.19' },
  { name: 'FGETXATTR', value: IORING_OP_FGETXATTR, since: '5.19' },
  { name: 'GETXATTR', value: IORING_OP_GETXATTR, since: '5.19' },
  { name: 'SOCKET', value: IORING_OP_SOCKET, since: '5.19' },
  { name: 'URING_CMD', value: IORING_OP_URING_CMD, since: '5.19' },
  { name: 'SEND_ZC', value: IORING_OP_SEND_ZC, since: '6.0' },
  { name: 'SENDMSG_ZC', value: IORING_OP_SENDMSG_ZC, since: '6.1' },
  { name: 'READ_MULTISHOT', value: IORING_OP_READ_MULTISHOT, since: '6.7' },
  { name: 'WAITID', value: IORING_OP_WAITID, since: '6.7' },
  { name: 'FUTEX_WAIT', value: IORING_OP_FUTEX_WAIT, since: '6.7' },
  { name: 'FUTEX_WAKE', value: IORING_OP_FUTEX_WAKE, since: '6.7' },
  { name: 'FUTEX_WAITV', value: IORING_OP_FUTEX_WAITV, since: '6.7' },
  { name: 'FIXED_FD_INSTALL', value: IORING_OP_FIXED_FD_INSTALL, since: '6.8' },
  { name: 'FTRUNCATE', value: IORING_OP_FTRUNCATE, since: '6.9' },
  { name: 'BIND', value: IORING_OP_BIND, since: '6.11' },
  { name: 'LISTEN', value: IORING_OP_LISTEN, since: '6.11' },
  { name: 'RECV_ZC', value: IORING_OP_RECV_ZC, since: '6.15' },
  { name: 'EPOLL_WAIT', value: IORING_OP_EPOLL_WAIT, since: '6.15' },
  { name: 'READV_FIXED', value: IORING_OP_READV_FIXED, since: '6.15' },
  { name: 'WRITEV_FIXED', value: IORING_OP_WRITEV_FIXED, since: '6.15' },
  { name: 'PIPE', value: IORING_OP_PIPE, since: '6.16' },
]

// ---- sqe->flags (IOSQE_*) -----------------------------------------------------
/**
 * SQE flags (sqe->flags): `IOSQE_*_BIT` is a flag's bit number, `IOSQE_*` its mask. FIXED_FILE: `fd` is an
 * index into the registered files; IO_DRAIN: start only after every earlier request has completed; IO_LINK:
 * the next SQE starts when this one succeeds (IO_HARDLINK: whatever its result); ASYNC: queue to io-wq without
 * a nonblocking try; BUFFER_SELECT: take a buffer from the provided-buffer group in `buf_group`;
 * CQE_SKIP_SUCCESS: post no CQE if it succeeds. SQE_FLAGS_TABLE gives the kernel version of each.
 */
export const IOSQE_FIXED_FILE_BIT = 0,
  IOSQE_IO_DRAIN_BIT = 1,
  IOSQE_IO_LINK_BIT = 2,
  IOSQE_IO_HARDLINK_BIT = 3,
  IOSQE_ASYNC_BIT = 4,
  IOSQE_BUFFER_SELECT_BIT = 5,
  IOSQE_CQE_SKIP_SUCCESS_BIT = 6,
  IOSQE_FIXED_FILE = 1 << IOSQE_FIXED_FILE_BIT,
  IOSQE_IO_DRAIN = 1 << IOSQE_IO_DRAIN_BIT,
  IOSQE_IO_LINK = 1 << IOSQE_IO_LINK_BIT,
  IOSQE_IO_HARDLINK = 1 << IOSQE_IO_HARDLINK_BIT,
  IOSQE_ASYNC = 1 << IOSQE_ASYNC_BIT,
  IOSQE_BUFFER_SELECT = 1 << IOSQE_BUFFER_SELECT_BIT,
  IOSQE_CQE_SKIP_SUCCESS = 1 << IOSQE_CQE_SKIP_SUCCESS_BIT

/** Named SQE_FLAGS in TABLES; SQE_FLAGS itself is the byte offset (layout.ts). */
export const SQE_FLAGS_TABLE: readonly ConstantEntry[] = [
  { name: 'FIXED_FILE', value: IOSQE_FIXED_FILE, since: '5.1' },
  { name: 'IO_DRAIN', value: IOSQE_IO_DRAIN, since: '5.2' },
  { name: 'IO_LINK', value: IOSQE_IO_LINK, since: '5.3' },
  { name: 'IO_HARDLINK', value: IOSQE_IO_HARDLINK, since: '5.5' },
  { name: 'ASYNC', value: IOSQE_ASYNC, since: '5.6' },
  { name: 'BUFFER_SELECT', value: IOSQE_BUFFER_SELECT, since: '5.7' },
  { name: 'CQE_SKIP_SUCCESS', value: IOSQE_CQE_SKIP_SUCCESS, since: '5.17' },
]

/** sqe->file_index value asking the kernel to pick a free direct descriptor. */
export const IORING_FILE_INDEX_ALLOC = 0xffffffff

// ---- io_uring_setup(2) flags (IORING_SETUP_*) -----------------------------------
/** io_uring_setup(2) flags, in io_uring_params.flags; SETUP_FLAGS lists each with the kernel version that added it. */
export const IORING_SETUP_IOPOLL = 1 << 0,
  IORING_SETUP_SQPOLL = 1 << 1,
  IORING_SETUP_SQ_AFF = 1 << 2,
  IORING_SETUP_CQSIZE = 1 << 3,
  IORING_SETUP_CLAMP = 1 << 4,
  IORING_SETUP_ATTACH_WQ = 1 << 5,
  IORING_SETUP_R_DISABLED = 1 << 6,
  IORING_SETUP_SUBMIT_ALL = 1 << 7,
  IORING_SETUP_COOP_TASKRUN = 1 << 8,
  IORING_SETUP_TASKRUN_FLAG = 1 << 9,
  IORING_SETUP_SQE128 = 1 << 10,
  IORING_SETUP_CQE32 = 1 << 11,
  IORING_SETUP_SINGLE_ISSUER = 1 << 12,
  IORING_SETUP_DEFER_TASKRUN = 1 << 13,
  IORING_SETUP_NO_MMAP = 1 << 14,
  IORING_SETUP_REGISTERED_FD_ONLY = 1 << 15,
  IORING_SETUP_NO_SQARRAY = 1 << 16,
  IORING_SETUP_HYBRID_IOPOLL = 1 << 17,
  IORING_SETUP_CQE_MIXED = 1 << 18

/** Every IORING_SETUP_* flag with the kernel version that added it. */
export const SETUP_FLAGS: readonly ConstantEntry[] = [
  { name: 'IOPOLL', value: IORING_SETUP_IOPOLL, since: '5.1' },
  { name: 'SQPOLL', value: IORING_SETUP_SQPOLL, since: '5.1' },
  { name: 'SQ_AFF', value: IORING_SETUP_SQ_AFF, since: '5.1' },
  { name: 'CQSIZE', value: IORING_SETUP_CQSIZE, since: '5.5' },
  { name: 'CLAMP', value: IORING_SETUP_CLAMP, since: '5.6' },
  { name: 'ATTACH_WQ', value: IORING_SETUP_ATTACH_WQ, since: '5.6' },
  { name: 'R_DISABLED', value: IORING_SETUP_R_DISABLED, since: '5.10' },
  { name: 'SUBMIT_ALL', value: IORING_SETUP_SUBMIT_ALL, since: '5.18' },
  { name: 'COOP_TASKRUN', value: IORING_SETUP_COOP_TASKRUN, since: '5.19' },
  { name: 'TASKRUN_FLAG', value: IORING_SETUP_TASKRUN_FLAG, since: '5.19' },
  { name: 'SQE128', value: IORING_SETUP_SQE128, since: '5.19' },
  { name: 'CQE32', value: IORING_SETUP_CQE32, since: '5.19' },
  { name: 'SINGLE_ISSUER', value: IORING_SETUP_SINGLE_ISSUER, since: '6.0' },
  { name: 'DEFER_TASKRUN', value: IORING_SETUP_DEFER_TASKRUN, since: '6.1' },
  { name: 'NO_MMAP', value: IORING_SETUP_NO_MMAP, since: '6.5' },
  { name: 'REGISTERED_FD_ONLY', value: IORING_SETUP_REGISTERED_FD_ONLY, since: '6.5' },
  { name: 'NO_SQARRAY', value: IORING_SETUP_NO_SQARRAY, since: '6.6' },
  { name: 'HYBRID_IOPOLL', value: IORING_SETUP_HYBRID_IOPOLL, since: '6.13' },
  { name: 'CQE_MIXED', value: IORING_SETUP_CQE_MIXED, since: '6.18' },
]

// ---- io_uring_params->features (IORING_FEAT_*) ----------------------------------
/**
 * Feature bits the kernel reports in io_uring_params.features after io_uring_setup(2); FEATURES lists each
 * with the kernel version that added it.
 */
export const IORING_FEAT_SINGLE_MMAP = 1 << 0,
  IORING_FEAT_NODROP = 1 << 1,
  IORING_FEAT_SUBMIT_STABLE = 1 << 2,
  IORING_FEAT_RW_CUR_POS = 1 << 3,
  IORING_FEAT_CUR_PERSONALITY = 1 << 4,
  IORING_FEAT_FAST_POLL = 1 << 5,
  IORING_FEAT_POLL_32BITS = 1 << 6,
  IORING_FEAT_SQPOLL_NONFIXED = 1 << 7,
  IORING_FEAT_EXT_ARG = 1 << 8,
  IORING_FEAT_NATIVE_WORKERS = 1 << 9,
  IORING_FEAT_RSRC_TAGS = 1 << 10,
  IORING_FEAT_CQE_SKIP = 1 << 11,
  IORING_FEAT_LINKED_FILE = 1 << 12,
  IORING_FEAT_REG_REG_RING = 1 << 13,
  IORING_FEAT_RECVSEND_BUNDLE = 1 << 14,
  IORING_FEAT_MIN_TIMEOUT = 1 << 15,
  IORING_FEAT_RW_ATTR = 1 << 16,
  IORING_FEAT_NO_IOWAIT = 1 << 17

/** Every IORING_FEAT_* bit with the kernel version that added it. */
export const FEATURES: readonly ConstantEntry[] = [
  { name: 'SINGLE_MMAP', value: IORING_FEAT_SINGLE_MMAP, since: '5.4' },
  { name: 'NODROP', value: IORING_FEAT_NODROP, since: '5.5' },
  { name: 'SUBMIT_STABLE', value: IORING_FEAT_SUBMIT_STABLE, since: '5.5' },
  { name: 'RW_CUR_POS', value: IORING_FEAT_RW_CUR_POS, since: '5.6' },
  { name: 'CUR_PERSONALITY', value: IORING_FEAT_CUR_PERSONALITY, since: '5.6' },
  { name: 'FAST_POLL', value: IORING_FEAT_FAST_POLL, since: '5.7' },
  { name: 'POLL_32BITS', value: IORING_FEAT_POLL_32BITS, since: '5.9' },
  { name: 'SQPOLL_NONFIXED', value: IORING_FEAT_SQPOLL_NONFIXED, since: '5.11' },
  { name: 'EXT_ARG', value: IORING_FEAT_EXT_ARG, since: '5.11' },
  { name: 'NATIVE_WORKERS', value: IORING_FEAT_NATIVE_WORKERS, since: '5.12' },
  { name: 'RSRC_TAGS', value: IORING_FEAT_RSRC_TAGS, since: '5.13' },
  { name: 'CQE_SKIP', value: IORING_FEAT_CQE_SKIP, since: '5.17' },
  { name: 'LINKED_FILE', value: IORING_FEAT_LINKED_FILE, since: '5.17' },
  { name: 'REG_REG_RING', value: IORING_FEAT_REG_REG_RING, since: '6.3' },
  { name: 'RECVSEND_BUNDLE', value: IORING_FEAT_RECVSEND_BUNDLE, since: '6.10' },
  { name: 'MIN_TIMEOUT', value: IORING_FEAT_MIN_TIMEOUT, since: '6.12' },
  { name: 'RW_ATTR', value: IORING_FEAT_RW_ATTR, since: '6.15' },
  { name: 'NO_IOWAIT', value: IORING_FEAT_NO_IOWAIT, since: '6.15' },
]

// ---- io_uring_enter(2) flags (IORING_ENTER_*) ------------------------------------
/** io_uring_enter(2) flags; ENTER_FLAGS lists each with the kernel version that added it. */
export const IORING_ENTER_GETEVENTS = 1 << 0,
  IORING_ENTER_SQ_WAKEUP = 1 << 1,
  IORING_ENTER_SQ_WAIT = 1 << 2,
  IORING_ENTER_EXT_ARG = 1 << 3,
  IORING_ENTER_REGISTERED_RING = 1 << 4,
  IORING_ENTER_ABS_TIMER = 1 << 5,
  IORING_ENTER_EXT_ARG_REG = 1 << 6,
  IORING_ENTER_NO_IOWAIT = 1 << 7

/** Every IORING_ENTER_* flag with the kernel version that added it. */
export const ENTER_FLAGS: readonly ConstantEntry[] = [
  { name: 'GETEVENTS', value: IORING_ENTER_GETEVENTS, since: '5.1' },
  { name: 'SQ_WAKEUP', value: IORING_ENTER_SQ_WAKEUP, since: '5.1' },
  { name: 'SQ_WAIT', value: IORING_ENTER_SQ_WAIT, since: '5.10' },
  { name: 'EXT_ARG', value: IORING_ENTER_EXT_ARG, since: '5.11' },
  { name: 'REGISTERED_RING', value: IORING_ENTER_REGISTERED_RING, since: '5.18' },
  { name: 'ABS_TIMER', value: IORING_ENTER_ABS_TIMER, since: '6.12' },
  { name: 'EXT_ARG_REG', value: IORING_ENTER_EXT_ARG_REG, since: '6.13' },
  { name: 'NO_IOWAIT', value: IORING_ENTER_NO_IOWAIT, since: '6.15' },
]

// ---- sq_ring->flags, cq_ring->flags ------------------------------------------------
/**
 * Bits the kernel sets in the SQ ring's flags word: NEED_WAKEUP (an SQPOLL thread went to sleep: wake it with
 * IORING_ENTER_SQ_WAKEUP), CQ_OVERFLOW (completions wait in the kernel's overflow list: an io_uring_enter with
 * IORING_ENTER_GETEVENTS flushes them), TASKRUN (task work is pending; set with IORING_SETUP_TASKRUN_FLAG).
 */
export const IORING_SQ_NEED_WAKEUP = 1 << 0,
  IORING_SQ_CQ_OVERFLOW = 1 << 1,
  IORING_SQ_TASKRUN = 1 << 2

/** Every IORING_SQ_* ring flag with the kernel version that added it. */
export const SQ_RING_FLAGS: readonly ConstantEntry[] = [
  { name: 'NEED_WAKEUP', value: IORING_SQ_NEED_WAKEUP, since: '5.1' },
  { name: 'CQ_OVERFLOW', value: IORING_SQ_CQ_OVERFLOW, since: '5.8' },
  { name: 'TASKRUN', value: IORING_SQ_TASKRUN, since: '5.19' },
]

/**
 * The CQ ring's flags word, written by the application: while this bit is set the kernel does not signal the
 * registered eventfd.
 */
export const IORING_CQ_EVENTFD_DISABLED = 1 << 0

/** Every IORING_CQ_* ring flag with the kernel version that added it. */
export const CQ_RING_FLAGS: readonly ConstantEntry[] = [
  { name: 'EVENTFD_DISABLED', value: IORING_CQ_EVENTFD_DISABLED, since: '5.8' },
]

// ---- cqe->flags (IORING_CQE_F_*) -------------------------------------------------
/**
 * CQE flags (cqe->flags). BUFFER: the upper 16 bits name the provided buffer the request used
 * (IORING_CQE_BUFFER_SHIFT); MORE: a multishot request posts more CQEs; SOCK_NONEMPTY: the socket still had
 * data after this receive; NOTIF: a zero-copy send's notification (its buffer is free again); BUF_MORE: an
 * incremental buffer ring's buffer is not used up; SKIP: a padding CQE on an IORING_SETUP_CQE_MIXED ring, to
 * be skipped; 32: a 32-byte CQE on such a ring. CQE_FLAGS_TABLE gives the kernel version of each.
 */
export const IORING_CQE_F_BUFFER = 1 << 0,
  IORING_CQE_F_MORE = 1 << 1,
  IORING_CQE_F_SOCK_NONEMPTY = 1 << 2,
  IORING_CQE_F_NOTIF = 1 << 3,
  IORING_CQE_F_BUF_MORE = 1 << 4,
  IORING_CQE_F_SKIP = 1 << 5,
  IORING_CQE_F_32 = 1 << 15
/** The buffer id sits in the upper 16 bits of cqe->flags. */
export const IORING_CQE_BUFFER_SHIFT = 16

/** Named CQE_FLAGS in TABLES; CQE_FLAGS itself is the byte offset (layout.ts). */
export const CQE_FLAGS_TABLE: readonly ConstantEntry[] = [
  { name: 'BUFFER', value: IORING_CQE_F_BUFFER, since: '5.7' },
  { name: 'MORE', value: IORING_CQE_F_MORE, since: '5.13' },
  { name: 'SOCK_NONEMPTY', value: IORING_CQE_F_SOCK_NONEMPTY, since: '5.19' },
  { name: 'NOTIF', value: IORING_CQE_F_NOTIF, since: '6.0' },
  { name: 'BUF_MORE', value: IORING_CQE_F_BUF_MORE, since: '6.12' },
  { name: 'SKIP', value: IORING_CQE_F_SKIP, since: '6.18' },
  { name: '32', value: IORING_CQE_F_32, since: '6.18' },
]

/** cqe->res bit of a SEND[MSG]_ZC notification when IORING_SEND_ZC_REPORT_USAGE
 * was asked for and the data got copied. */
export const IORING_NOTIF_USAGE_ZC_COPIED = 0x80000000

// ---- mmap(2) offsets -----------------------------------------------------------------
/**
 * mmap(2) offsets on the ring fd: the SQ ring, the CQ ring (same mapping with IORING_FEAT_SINGLE_MMAP), the
 * SQE array, and a kernel-allocated buffer ring (IORING_OFF_PBUF_RING | bgid << IORING_OFF_PBUF_SHIFT);
 * IORING_OFF_MMAP_MASK selects the region bits.
 */
export const IORING_OFF_SQ_RING = 0,
  IORING_OFF_CQ_RING = 0x8000000,
  IORING_OFF_SQES = 0x10000000,
  IORING_OFF_PBUF_RING = 0x80000000,
  IORING_OFF_PBUF_SHIFT = 16,
  IORING_OFF_MMAP_MASK = 0xf8000000

// ---- io_uring_register(2) opcodes (IORING_REGISTER_*, IORING_UNREGISTER_*) --------
/** io_uring_register(2) opcodes; REGISTER_OPS lists each with the kernel version that added it. */
export const IORING_REGISTER_BUFFERS = 0,
  IORING_UNREGISTER_BUFFERS = 1,
  IORING_REGISTER_FILES = 2,
  IORING_UNREGISTER_FILES = 3,
  IORING_REGISTER_EVENTFD = 4,
  IORING_UNREGISTER_EVENTFD = 5,
  IORING_REGISTER_FILES_UPDATE = 6,
  IORING_REGISTER_EVENTFD_ASYNC = 7,
  IORING_REGISTER_PROBE = 8,
  IORING_REGISTER_PERSONALITY = 9,
  IORING_UNREGISTER_PERSONALITY = 10,
  IORING_REGISTER_RESTRICTIONS = 11,
  IORING_REGISTER_ENABLE_RINGS = 12,
  IORING_REGISTER_FILES2 = 13,
  IORING_REGISTER_FILES_UPDATE2 = 14,
  IORING_REGISTER_BUFFERS2 = 15,
  IORING_REGISTER_BUFFERS_UPDATE = 16,
  IORING_REGISTER_IOWQ_AFF = 17,
  IORING_UNREGISTER_IOWQ_AFF = 18,
  IORING_REGISTER_IOWQ_MAX_WORKERS = 19,
  IORING_REGISTER_RING_FDS = 20,
  IORING_UNREGISTER_RING_FDS = 21,
  IORING_REGISTER_PBUF_RING = 22,
  IORING_UNREGISTER_PBUF_RING = 23,
  IORING_REGISTER_SYNC_CANCEL = 24,
  IORING_REGISTER_FILE_ALLOC_RANGE = 25,
  IORING_REGISTER_PBUF_STATUS = 26,
  IORING_REGISTER_NAPI = 27,
  IORING_UNREGISTER_NAPI = 28,
  IORING_REGISTER_CLOCK = 29,
  IORING_REGISTER_CLONE_BUFFERS = 30,
  IORING_REGISTER_SEND_MSG_RING = 31,
  IORING_REGISTER_ZCRX_IFQ = 32,
  IORING_REGISTER_RESIZE_RINGS = 33,
  IORING_REGISTER_MEM_REGION = 34,
  IORING_REGISTER_QUERY = 35
/** One past the last register opcode of Linux 6.18. */
export const IORING_REGISTER_LAST = 36
/** OR-ed into the opcode: the fd argument is a registered ring index. */
export const IORING_REGISTER_USE_REGISTERED_RING = 0x80000000

/** Names keep IORING_ off only, since the family mixes REGISTER_ and UNREGISTER_. */
export const REGISTER_OPS: readonly ConstantEntry[] = [
  { name: 'REGISTER_BUFFERS', value: IORING_REGISTER_BUFFERS, since: '5.1' },
  { name: 'UNREGISTER_BUFFERS', value: IORING_UNREGISTER_BUFFERS, since: '5.1' },
  { name: 'REGISTER_FILES', value: IORING_REGISTER_FILES, since: '5.1' },
  { name: 'UNREGISTER_FILES', value: IORING_UNREGISTER_FILES, since: '5.1' },
  { name: 'REGISTER_EVENTFD', value: IORING_REGISTER_EVENTFD, since: '5.2' },
  { name: 'UNREGISTER_EVENTFD', value: IORING_UNREGISTER_EVENTFD, since: '5.2' },
  { name: 'REGISTER_FILES_UPDATE', value: IORING_REGISTER_FILES_UPDATE, since: '5.5' },
  { name: 'REGISTER_EVENTFD_ASYNC', value: IORING_REGISTER_EVENTFD_ASYNC, since: '5.6' },
  { name: 'REGISTER_PROBE', value: IORING_REGISTER_PROBE, since: '5.6' },
  { name: 'REGISTER_PERSONALITY', value: IORING_REGISTER_PERSONALITY, since: '5.6' },
  { name: 'UNREGISTER_PERSONALITY', value: IORING_UNREGISTER_PERSONALITY, since: '5.6' },
  { name: 'REGISTER_RESTRICTIONS', value: IORING_REGISTER_RESTRICTIONS, since: '5.10' },
  { name: 'REGISTER_ENABLE_RINGS', value: IORING_REGISTER_ENABLE_RINGS, since: '5.10' },
  { name: 'REGISTER_FILES2', value: IORING_REGISTER_FILES2, since: '5.13' },
  { name: 'REGISTER_FILES_UPDATE2', value: IORING_REGISTER_FILES_UPDATE2, since: '5.13' },
  { name: 'REGISTER_BUFFERS2', value: IORING_REGISTER_BUFFERS2, since: '5.13' },
  { name: 'REGISTER_BUFFERS_UPDATE', value: IORING_REGISTER_BUFFERS_UPDATE, since: '5.13' },
  { name: 'REGISTER_IOWQ_AFF', value: IORING_REGISTER_IOWQ_AFF, since: '5.14' },
  { name: 'UNREGISTER_IOWQ_AFF', value: IORING_UNREGISTER_IOWQ_AFF, since: '5.14' },
  { name: 'REGISTER_IOWQ_MAX_WORKERS', value: IORING_REGISTER_IOWQ_MAX_WORKERS, since: '5.15' },
  { name: 'REGISTER_RING_FDS', value: IORING_REGISTER_RING_FDS, since: '5.18' },
  { name: 'UNREGISTER_RING_FDS', value: IORING_UNREGISTER_RING_FDS, since: '5.18' },
  { name: 'REGISTER_PBUF_RING', value: IORING_REGISTER_PBUF_RING, since: '5.19' },
  { name: 'UNREGISTER_PBUF_RING', value: IORING_UNREGISTER_PBUF_RING, since: '5.19' },
  { name: 'REGISTER_SYNC_CANCEL', value: IORING_REGISTER_SYNC_CANCEL, since: '6.0' },
  { name: 'REGISTER_FILE_ALLOC_RANGE', value: IORING_REGISTER_FILE_ALLOC_RANGE, since: '6.0' },
  { name: 'REGISTER_PBUF_STATUS', value: IORING_REGISTER_PBUF_STATUS, since: '6.8' },
  { name: 'REGISTER_NAPI', value: IORING_REGISTER_NAPI, since: '6.9' },
  { name: 'UNREGISTER_NAPI', value: IORING_UNREGISTER_NAPI, since: '6.9' },
  { name: 'REGISTER_CLOCK', value: IORING_REGISTER_CLOCK, since: '6.12' },
  { name: 'REGISTER_CLONE_BUFFERS', value: IORING_REGISTER_CLONE_BUFFERS, since: '6.12' },
  { name: 'REGISTER_SEND_MSG_RING', value: IORING_REGISTER_SEND_MSG_RING, since: '6.13' },
  { name: 'REGISTER_ZCRX_IFQ', value: IORING_REGISTER_ZCRX_IFQ, since: '6.15' },
  { name: 'REGISTER_RESIZE_RINGS', value: IORING_REGISTER_RESIZE_RINGS, since: '6.13' },
  { name: 'REGISTER_MEM_REGION', value: IORING_REGISTER_MEM_REGION, since: '6.13' },
  { name: 'REGISTER_QUERY', value: IORING_REGISTER_QUERY, since: '6.18' },
]

// ---- io-wq worker categories (IORING_REGISTER_IOWQ_MAX_WORKERS array index) -------
/**
 * Index into the two-element array of IORING_REGISTER_IOWQ_MAX_WORKERS: bounded workers (regular file and
 * block I/O) and unbounded ones (sockets, pipes, anything that may wait forever).
 */
export const IO_WQ_BOUND = 0,
  IO_WQ_UNBOUND = 1

// ---- register arguments ------------------------------------------------------------
/** io_uring_rsrc_register.flags: register a sparse (all empty) table. */
export const IORING_RSRC_REGISTER_SPARSE = 1 << 0
/** A files-update fd value that leaves the slot alone. */
export const IORING_REGISTER_FILES_SKIP = -2
/** io_uring_probe_op.flags */
export const IO_URING_OP_SUPPORTED = 1 << 0
/** io_uring_clone_buffers.flags */
export const IORING_REGISTER_SRC_REGISTERED = 1 << 0,
  IORING_REGISTER_DST_REPLACE = 1 << 1
/** io_uring_buf_reg.flags */
export const IOU_PBUF_RING_MMAP = 1,
  IOU_PBUF_RING_INC = 2
/** io_uring_region_desc.flags */
export const IORING_MEM_REGION_TYPE_USER = 1
/** io_uring_mem_region_reg.flags */
export const IORING_MEM_REGION_REG_WAIT_ARG = 1
/** io_uring_reg_wait.flags */
export const IORING_REG_WAIT_TS = 1 << 0
/** io_uring_restriction.opcode */
export const IORING_RESTRICTION_REGISTER_OP = 0,
  IORING_RESTRICTION_SQE_OP = 1,
  IORING_RESTRICTION_SQE_FLAGS_ALLOWED = 2,
  IORING_RESTRICTION_SQE_FLAGS_REQUIRED = 3,
  IORING_RESTRICTION_LAST = 4
/** io_uring_napi.opcode (enum io_uring_napi_op) */
export const IO_URING_NAPI_REGISTER_OP = 0,
  IO_URING_NAPI_STATIC_ADD_ID = 1,
  IO_URING_NAPI_STATIC_DEL_ID = 2
/** io_uring_napi.op_param for IO_URING_NAPI_REGISTER_OP */
export const IO_URING_NAPI_TRACKING_DYNAMIC = 0,
  IO_URING_NAPI_TRACKING_STATIC = 1,
  IO_URING_NAPI_TRACKING_INACTIVE = 255
/** io_uring_query_hdr.query_op (the only query Linux 6.18 answers) */
export const IO_URING_QUERY_OPCODES = 0
/** io_uring_zcrx_area_reg.flags */
export const IORING_ZCRX_AREA_DMABUF = 1
/** zcrx offsets carry the area id from this bit up. */
export const IORING_ZCRX_AREA_SHIFT = 48
/** sqe->attr_type_mask */
export const IORING_RW_ATTR_FLAG_PI = 1 << 0

/** The IORING_RESTRICTION_* kinds with the kernel version that added each. */
export const RESTRICTION_OPS: readonly ConstantEntry[] = [
  { name: 'REGISTER_OP', value: IORING_RESTRICTION_REGISTER_OP, since: '5.10' },
  { name: 'SQE_OP', value: IORING_RESTRICTION_SQE_OP, since: '5.10' },
  { name: 'SQE_FLAGS_ALLOWED', value: IORING_RESTRICTION_SQE_FLAGS_ALLOWED, since: '5.10' },
  { name: 'SQE_FLAGS_REQUIRED', value: IORING_RESTRICTION_SQE_FLAGS_REQUIRED, since: '5.10' },
]

/** The IOU_PBUF_RING_* buffer-ring registration flags with the kernel version that added each. */
export const PBUF_RING_FLAGS: readonly ConstantEntry[] = [
  { name: 'MMAP', value: IOU_PBUF_RING_MMAP, since: '6.4' },
  { name: 'INC', value: IOU_PBUF_RING_INC, since: '6.12' },
]

// ---- sqe->fsync_flags ---------------------------------------------------------------
/** sqe->fsync_flags: sync data only, as fdatasync(2). */
export const IORING_FSYNC_DATASYNC = 1 << 0

/** The IORING_FSYNC_* flags with the kernel version that added each. */
export const FSYNC_FLAGS: readonly ConstantEntry[] = [
  { name: 'DATASYNC', value: IORING_FSYNC_DATASYNC, since: '5.1' },
]

// ---- sqe->timeout_flags ---------------------------------------------------------------
/**
 * sqe->timeout_flags for TIMEOUT, TIMEOUT_REMOVE and LINK_TIMEOUT: ABS (the timespec is absolute), UPDATE /
 * LINK_TIMEOUT_UPDATE (TIMEOUT_REMOVE updates a timeout instead), BOOTTIME / REALTIME (the clock; CLOCK_MASK
 * covers both), ETIME_SUCCESS (expiry completes with -ETIME counted as success for links), MULTISHOT (fire
 * every period); TIMEOUT_FLAGS gives the kernel version of each.
 */
export const IORING_TIMEOUT_ABS = 1 << 0,
  IORING_TIMEOUT_UPDATE = 1 << 1,
  IORING_TIMEOUT_BOOTTIME = 1 << 2,
  IORING_TIMEOUT_REALTIME = 1 << 3,
  IORING_LINK_TIMEOUT_UPDATE = 1 << 4,
  IORING_TIMEOUT_ETIME_SUCCESS = 1 << 5,
  IORING_TIMEOUT_MULTISHOT = 1 << 6,
  IORING_TIMEOUT_CLOCK_MASK = IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME,
  IORING_TIMEOUT_UPDATE_MASK = IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE

/** Names keep IORING_ off only: LINK_TIMEOUT_UPDATE is not a TIMEOUT_ name. */
export const TIMEOUT_FLAGS: readonly ConstantEntry[] = [
  { name: 'TIMEOUT_ABS', value: IORING_TIMEOUT_ABS, since: '5.5' },
  { name: 'TIMEOUT_UPDATE', value: IORING_TIMEOUT_UPDATE, since: '5.11' },
  { name: 'TIMEOUT_BOOTTIME', value: IORING_TIMEOUT_BOOTTIME, since: '5.15' },
  { name: 'TIMEOUT_REALTIME', value: IORING_TIMEOUT_REALTIME, since: '5.15' },
  { name: 'LINK_TIMEOUT_UPDATE', value: IORING_LINK_TIMEOUT_UPDATE, since: '5.15' },
  { name: 'TIMEOUT_ETIME_SUCCESS', value: IORING_TIMEOUT_ETIME_SUCCESS, since: '5.16' },
  { name: 'TIMEOUT_MULTISHOT', value: IORING_TIMEOUT_MULTISHOT, since: '6.4' },
]

// ---- POLL_ADD / POLL_REMOVE command flags (in sqe->len) --------------------------------
/**
 * POLL_ADD / POLL_REMOVE command flags, in sqe->len: ADD_MULTI (multishot poll), UPDATE_EVENTS /
 * UPDATE_USER_DATA (POLL_REMOVE updates the poll's events or user_data instead), ADD_LEVEL (level-triggered);
 * POLL_FLAGS gives the kernel version of each.
 */
export const IORING_POLL_ADD_MULTI = 1 << 0,
  IORING_POLL_UPDATE_EVENTS = 1 << 1,
  IORING_POLL_UPDATE_USER_DATA = 1 << 2,
  IORING_POLL_ADD_LEVEL = 1 << 3

/** The IORING_POLL_* command flags with the kernel version that added each. */
export const POLL_FLAGS: readonly ConstantEntry[] = [
  { name: 'ADD_MULTI', value: IORING_POLL_ADD_MULTI, since: '5.13' },
  { name: 'UPDATE_EVENTS', value: IORING_POLL_UPDATE_EVENTS, since: '5.13' },
  { name: 'UPDATE_USER_DATA', value: IORING_POLL_UPDATE_USER_DATA, since: '5.13' },
  { name: 'ADD_LEVEL', value: IORING_POLL_ADD_LEVEL, since: '6.0' },
]

// ---- ASYNC_CANCEL flags (sqe->cancel_flags) -----------------------------------------------
/**
 * ASYNC_CANCEL flags (sqe->cancel_flags): ALL (every match, not the first), FD (match by fd; FD_FIXED: a
 * registered file index), ANY (match every request), USERDATA (match user_data, the default), OP (match by
 * opcode); CANCEL_FLAGS gives the kernel version of each.
 */
export const IORING_ASYNC_CANCEL_ALL = 1 << 0,
  IORING_ASYNC_CANCEL_FD = 1 << 1,
  IORING_ASYNC_CANCEL_ANY = 1 << 2,
  IORING_ASYNC_CANCEL_FD_FIXED = 1 << 3,
  IORING_ASYNC_CANCEL_USERDATA = 1 << 4,
  IORING_ASYNC_CANCEL_OP = 1 << 5

/** The IORING_ASYNC_CANCEL_* flags with the kernel version that added each. */
export const CANCEL_FLAGS: readonly ConstantEntry[] = [
  { name: 'ALL', value: IORING_ASYNC_CANCEL_ALL, since: '5.19' },
  { name: 'FD', value: IORING_ASYNC_CANCEL_FD, since: '5.19' },
  { name: 'ANY', value: IORING_ASYNC_CANCEL_ANY, since: '5.19' },
  { name: 'FD_FIXED', value: IORING_ASYNC_CANCEL_FD_FIXED, since: '6.0' },
  { name: 'USERDATA', value: IORING_ASYNC_CANCEL_USERDATA, since: '6.6' },
  { name: 'OP', value: IORING_ASYNC_CANCEL_OP, since: '6.6' },
]

// ---- send/recv flags (sqe->ioprio) ---------------------------------------------------------
/**
 * Send and receive flags, in sqe->ioprio: RECVSEND_POLL_FIRST (poll before the first try), RECV_MULTISHOT,
 * RECVSEND_FIXED_BUF (the buffer is a registered one), SEND_ZC_REPORT_USAGE (the notification says whether
 * data was copied), RECVSEND_BUNDLE (several provided buffers per completion), SEND_VECTORIZED (SEND_ZC takes
 * an iovec array); RECVSEND_FLAGS gives the kernel version of each.
 */
export const IORING_RECVSEND_POLL_FIRST = 1 << 0,
  IORING_RECV_MULTISHOT = 1 << 1,
  IORING_RECVSEND_FIXED_BUF = 1 << 2,
  IORING_SEND_ZC_REPORT_USAGE = 1 << 3,
  IORING_RECVSEND_BUNDLE = 1 << 4,
  IORING_SEND_VECTORIZED = 1 << 5

/** Names keep IORING_ off only: the family mixes RECVSEND_, RECV_ and SEND_. */
export const RECVSEND_FLAGS: readonly ConstantEntry[] = [
  { name: 'RECVSEND_POLL_FIRST', value: IORING_RECVSEND_POLL_FIRST, since: '5.19' },
  { name: 'RECV_MULTISHOT', value: IORING_RECV_MULTISHOT, since: '6.0' },
  { name: 'RECVSEND_FIXED_BUF', value: IORING_RECVSEND_FIXED_BUF, since: '6.0' },
  { name: 'SEND_ZC_REPORT_USAGE', value: IORING_SEND_ZC_REPORT_USAGE, since: '6.2' },
  { name: 'RECVSEND_BUNDLE', value: IORING_RECVSEND_BUNDLE, since: '6.10' },
  { name: 'SEND_VECTORIZED', value: IORING_SEND_VECTORIZED, since: '6.17' },
]

// ---- accept flags (sqe->ioprio) ---------------------------------------------------------------
/**
 * Accept flags, in sqe->ioprio: MULTISHOT (one CQE per connection), DONTWAIT (fail with EAGAIN rather than
 * wait), POLL_FIRST (poll before the first try); ACCEPT_FLAGS gives the kernel version of each.
 */
export const IORING_ACCEPT_MULTISHOT = 1 << 0,
  IORING_ACCEPT_DONTWAIT = 1 << 1,
  IORING_ACCEPT_POLL_FIRST = 1 << 2

/** The IORING_ACCEPT_* flags with the kernel version that added each. */
export const ACCEPT_FLAGS: readonly ConstantEntry[] = [
  { name: 'MULTISHOT', value: IORING_ACCEPT_MULTISHOT, since: '5.19' },
  { name: 'DONTWAIT', value: IORING_ACCEPT_DONTWAIT, since: '6.10' },
  { name: 'POLL_FIRST', value: IORING_ACCEPT_POLL_FIRST, since: '6.10' },
]

// ---- MSG_RING: command (sqe->addr) and flags (sqe->msg_ring_flags) ------------------------------
/**
 * MSG_RING: the command in sqe->addr (IORING_MSG_DATA posts a CQE to another ring; IORING_MSG_SEND_FD installs
 * a registered file there) and flags in sqe->msg_ring_flags (CQE_SKIP: no CQE on the target for SEND_FD;
 * FLAGS_PASS: sqe->file_index is the target CQE's flags); MSG_RING_COMMANDS and MSG_RING_FLAGS give the kernel
 * versions.
 */
export const IORING_MSG_DATA = 0,
  IORING_MSG_SEND_FD = 1,
  IORING_MSG_RING_CQE_SKIP = 1 << 0,
  IORING_MSG_RING_FLAGS_PASS = 1 << 1

/** The IORING_MSG_* MSG_RING commands with the kernel version that added each. */
export const MSG_RING_COMMANDS: readonly ConstantEntry[] = [
  { name: 'DATA', value: IORING_MSG_DATA, since: '5.18' },
  { name: 'SEND_FD', value: IORING_MSG_SEND_FD, since: '6.0' },
]

/** The IORING_MSG_RING_* flags with the kernel version that added each. */
export const MSG_RING_FLAGS: readonly ConstantEntry[] = [
  { name: 'CQE_SKIP', value: IORING_MSG_RING_CQE_SKIP, since: '6.0' },
  { name: 'FLAGS_PASS', value: IORING_MSG_RING_FLAGS_PASS, since: '6.3' },
]

// ---- FIXED_FD_INSTALL flags, NOP flags, uring_cmd flags ------------------------------------------
/** FIXED_FD_INSTALL flag: the installed descriptor is not close-on-exec. */
export const IORING_FIXED_FD_NO_CLOEXEC = 1 << 0

/** The IORING_FIXED_FD_* flags with the kernel version that added each. */
export const FIXED_FD_INSTALL_FLAGS: readonly ConstantEntry[] = [
  { name: 'NO_CLOEXEC', value: IORING_FIXED_FD_NO_CLOEXEC, since: '6.8' },
]

/**
 * NOP flags (sqe->nop_flags), for tests: INJECT_RESULT (complete with sqe->len as the result), FILE /
 * FIXED_FILE (look up the fd), FIXED_BUFFER (look up a registered buffer), TW (complete through task work),
 * CQE32 (post a 32-byte CQE on a mixed ring); NOP_FLAGS gives the kernel version of each.
 */
export const IORING_NOP_INJECT_RESULT = 1 << 0,
  IORING_NOP_FILE = 1 << 1,
  IORING_NOP_FIXED_FILE = 1 << 2,
  IORING_NOP_FIXED_BUFFER = 1 << 3,
  IORING_NOP_TW = 1 << 4,
  IORING_NOP_CQE32 = 1 << 5

/** The IORING_NOP_* flags with the kernel version that added each. */
export const NOP_FLAGS: readonly ConstantEntry[] = [
  { name: 'INJECT_RESULT', value: IORING_NOP_INJECT_RESULT, since: '6.10' },
  { name: 'FILE', value: IORING_NOP_FILE, since: '6.14' },
  { name: 'FIXED_FILE', value: IORING_NOP_FIXED_FILE, since: '6.14' },
  { name: 'FIXED_BUFFER', value: IORING_NOP_FIXED_BUFFER, since: '6.14' },
  { name: 'TW', value: IORING_NOP_TW, since: '6.16' },
  { name: 'CQE32', value: IORING_NOP_CQE32, since: '6.18' },
]

/**
 * URING_CMD flags (sqe->uring_cmd_flags): FIXED (the command uses a registered buffer), MULTISHOT;
 * URING_CMD_MASK covers the flags io_uring itself defines.
 */
export const IORING_URING_CMD_FIXED = 1 << 0,
  IORING_URING_CMD_MULTISHOT = 1 << 1,
  IORING_URING_CMD_MASK = IORING_URING_CMD_FIXED | IORING_URING_CMD_MULTISHOT

/** The IORING_URING_CMD_* flags with the kernel version that added each. */
export const URING_CMD_FLAGS: readonly ConstantEntry[] = [
  { name: 'FIXED', value: IORING_URING_CMD_FIXED, since: '6.1' },
  { name: 'MULTISHOT', value: IORING_URING_CMD_MULTISHOT, since: '6.18' },
]

/** cmd_op values of IORING_OP_URING_CMD on a socket (enum io_uring_socket_op). */
export const SOCKET_URING_OP_SIOCINQ = 0,
  SOCKET_URING_OP_SIOCOUTQ = 1,
  SOCKET_URING_OP_GETSOCKOPT = 2,
  SOCKET_URING_OP_SETSOCKOPT = 3,
  SOCKET_URING_OP_TX_TIMESTAMP = 4

/** The SOCKET_URING_OP_* socket commands with the kernel version that added each. */
export const SOCKET_URING_OPS: readonly ConstantEntry[] = [
  { name: 'SIOCINQ', value: SOCKET_URING_OP_SIOCINQ, since: '6.7' },
  { name: 'SIOCOUTQ', value: SOCKET_URING_OP_SIOCOUTQ, since: '6.7' },
  { name: 'GETSOCKOPT', value: SOCKET_URING_OP_GETSOCKOPT, since: '6.7' },
  { name: 'SETSOCKOPT', value: SOCKET_URING_OP_SETSOCKOPT, since: '6.7' },
  { name: 'TX_TIMESTAMP', value: SOCKET_URING_OP_TX_TIMESTAMP, since: '6.17' },
]

/** cqe->flags of a SOCKET_URING_OP_TX_TIMESTAMP completion. */
export const IORING_TIMESTAMP_HW_SHIFT = 16,
  IORING_TIMESTAMP_TYPE_SHIFT = IORING_TIMESTAMP_HW_SHIFT + 1,
  IORING_CQE_F_TSTAMP_HW = 1 << IORING_TIMESTAMP_HW_SHIFT

/** cmd_op of IORING_OP_URING_CMD on a block device: _IO(0x12, 0). */
export const BLOCK_URING_CMD_DISCARD = 0x1200

// ---- splice flags (sqe->splice_flags) -------------------------------------------------------------
/** splice(2) flags (sqe->splice_flags) for SPLICE and TEE; SPLICE_FLAGS gives the kernel version of each. */
export const SPLICE_F_MOVE = 0x01,
  SPLICE_F_NONBLOCK = 0x02,
  SPLICE_F_MORE = 0x04,
  SPLICE_F_GIFT = 0x08
/** io_uring's own: splice_fd_in is a fixed file index. */
export const SPLICE_F_FD_IN_FIXED = 0x80000000

/** The SPLICE_F_* flags with the kernel version from which io_uring takes each. */
export const SPLICE_FLAGS: readonly ConstantEntry[] = [
  { name: 'MOVE', value: SPLICE_F_MOVE, since: '5.7' },
  { name: 'NONBLOCK', value: SPLICE_F_NONBLOCK, since: '5.7' },
  { name: 'MORE', value: SPLICE_F_MORE, since: '5.7' },
  { name: 'GIFT', value: SPLICE_F_GIFT, since: '5.7' },
  { name: 'FD_IN_FIXED', value: SPLICE_F_FD_IN_FIXED, since: '5.7' },
]

// ---- every table, by name, with the prefix that turns an entry name back into
// the kernel's -----------------------------------------------------------------------------
/** One family of constants: its entries and the prefix that turns an entry's name back into the kernel's. */
export interface ConstantTable {
  /** Prepended to an entry's name, it gives the kernel's name ('IORING_OP_'). */
  readonly prefix: string
  /** The family's members, in the kernel's order. */
  readonly entries: readonly ConstantEntry[]
}

/** Every constant family by name, with its prefix: each kernel name and version in one place, for code that lists them. */
export const TABLES = {
  OPCODES: { prefix: 'IORING_OP_', entries: OPCODES },
  SQE_FLAGS: { prefix: 'IOSQE_', entries: SQE_FLAGS_TABLE },
  SETUP_FLAGS: { prefix: 'IORING_SETUP_', entries: SETUP_FLAGS },
  FEATURES: { prefix: 'IORING_FEAT_', entries: FEATURES },
  ENTER_FLAGS: { prefix: 'IORING_ENTER_', entries: ENTER_FLAGS },
  SQ_RING_FLAGS: { prefix: 'IORING_SQ_', entries: SQ_RING_FLAGS },
  CQ_RING_FLAGS: { prefix: 'IORING_CQ_', entries: CQ_RING_FLAGS },
  CQE_FLAGS: { prefix: 'IORING_CQE_F_', entries: CQE_FLAGS_TABLE },
  REGISTER_OPS: { prefix: 'IORING_', entries: REGISTER_OPS },
  RESTRICTION_OPS: { prefix: 'IORING_RESTRICTION_', entries: RESTRICTION_OPS },
  PBUF_RING_FLAGS: { prefix: 'IOU_PBUF_RING_', entries: PBUF_RING_FLAGS },
  FSYNC_FLAGS: { prefix: 'IORING_FSYNC_', entries: FSYNC_FLAGS },
  TIMEOUT_FLAGS: { prefix: 'IORING_', entries: TIMEOUT_FLAGS },
  POLL_FLAGS: { prefix: 'IORING_POLL_', entries: POLL_FLAGS },
  CANCEL_FLAGS: { prefix: 'IORING_ASYNC_CANCEL_', entries: CANCEL_FLAGS },
  RECVSEND_FLAGS: { prefix: 'IORING_', entries: RECVSEND_FLAGS },
  ACCEPT_FLAGS: { prefix: 'IORING_ACCEPT_', entries: ACCEPT_FLAGS },
  MSG_RING_COMMANDS: { prefix: 'IORING_MSG_', entries: MSG_RING_COMMANDS },
  MSG_RING_FLAGS: { prefix: 'IORING_MSG_RING_', entries: MSG_RING_FLAGS },
  FIXED_FD_INSTALL_FLAGS: { prefix: 'IORING_FIXED_FD_', entries: FIXED_FD_INSTALL_FLAGS },
  NOP_FLAGS: { prefix: 'IORING_NOP_', entries: NOP_FLAGS },
  URING_CMD_FLAGS: { prefix: 'IORING_URING_CMD_', entries: URING_CMD_FLAGS },
  SOCKET_URING_OPS: { prefix: 'SOCKET_URING_OP_', entries: SOCKET_URING_OPS },
  SPLICE_FLAGS: { prefix: 'SPLICE_F_', entries: SPLICE_FLAGS },
  OPEN_FLAGS: { prefix: 'O_', entries: OPEN_FLAGS },
  RESOLVE_FLAGS: { prefix: 'RESOLVE_', entries: RESOLVE_FLAGS },
  POLL_EVENTS: { prefix: 'POLL', entries: POLL_EVENTS },
  EPOLL_EVENTS: { prefix: 'EPOLL', entries: EPOLL_EVENTS },
  MSG_FLAGS: { prefix: 'MSG_', entries: MSG_FLAGS },
  RWF_FLAGS: { prefix: 'RWF_', entries: RWF_FLAGS },
} as const satisfies Record<string, ConstantTable>
