// ABI layout facts: struct sizes and byte offsets, named after the kernel's
// fields (include/uapi/linux/io_uring.h and friends, Linux 6.18). All
// multi-byte fields are little-endian; pointers, size_t and long are 64 bits
// (LP64: x86-64, aarch64, riscv64, ...). Every other module takes offsets from
// here and nowhere else.

// ---- struct io_uring_sqe ---------------------------------------------------
export const SQE_SIZE = 64
/** With IORING_SETUP_SQE128 every SQE is 128 bytes; the extra 64 extend cmd. */
export const SQE128_SIZE = 128

/**
 * The io_uring_sqe fields every encoder writes, as a const enum: the compiler
 * writes these numbers straight into the encoders, where an imported constant
 * would cost V8 a module-variable load per use (a third of a NOP's encoding).
 */
export const enum Sqe {
  OPCODE = 0, // __u8
  FLAGS = 1, // __u8, IOSQE_*
  IOPRIO = 2, // __u16; also recv/send, accept and zc flags
  FD = 4, // __s32
  OFF = 8, // __u64 union
  ADDR = 16, // __u64 union
  LEN = 24, // __u32
  RW_FLAGS = 28, // __u32 op-flags union
  USER_DATA = 32, // __u64
  BUF_INDEX = 40, // __u16 union
  PERSONALITY = 42, // __u16
  FILE_INDEX = 44, // __u32 union
  ADDR3 = 48, // __u64
  PAD2 = 56, // __u64 __pad2[1]
}

export const SQE_OPCODE = Sqe.OPCODE
export const SQE_FLAGS = Sqe.FLAGS
export const SQE_IOPRIO = Sqe.IOPRIO
export const SQE_FD = Sqe.FD
export const SQE_OFF = Sqe.OFF
export const SQE_ADDR2 = 8
export const SQE_CMD_OP = 8 // __u32 (uring_cmd)
export const SQE_PAD1 = 12 // __u32 (uring_cmd)
export const SQE_ADDR = Sqe.ADDR
export const SQE_SPLICE_OFF_IN = 16
export const SQE_LEVEL = 16 // __u32 (socket uring_cmd)
export const SQE_OPTNAME = 20 // __u32 (socket uring_cmd)
export const SQE_LEN = Sqe.LEN
/** The __u32 op-flags union: rw_flags, fsync_flags, poll32_events, msg_flags,
 * timeout_flags, accept_flags, cancel_flags, open_flags, statx_flags,
 * fadvise_advice, splice_flags, rename_flags, unlink_flags, hardlink_flags,
 * xattr_flags, msg_ring_flags, uring_cmd_flags, waitid_flags, futex_flags,
 * install_fd_flags, nop_flags, pipe_flags. */
export const SQE_RW_FLAGS = Sqe.RW_FLAGS
export const SQE_USER_DATA = Sqe.USER_DATA
export const SQE_BUF_INDEX = Sqe.BUF_INDEX
export const SQE_BUF_GROUP = 40
export const SQE_PERSONALITY = Sqe.PERSONALITY
export const SQE_SPLICE_FD_IN = 44 // __s32 union
export const SQE_FILE_INDEX = Sqe.FILE_INDEX
export const SQE_ZCRX_IFQ_IDX = 44 // __u32
export const SQE_OPTLEN = 44 // __u32
export const SQE_ADDR_LEN = 44 // __u16
export const SQE_PAD3 = 46 // __u16
export const SQE_ADDR3 = Sqe.ADDR3
export const SQE_PAD2 = Sqe.PAD2
export const SQE_ATTR_PTR = 48 // __u64
export const SQE_ATTR_TYPE_MASK = 56 // __u64
export const SQE_OPTVAL = 48 // __u64
/** cmd[] starts here: 16 bytes in a 64-byte SQE, 80 in a 128-byte one. */
export const SQE_CMD = 48

// ---- struct io_uring_cqe ---------------------------------------------------
export const CQE_SIZE = 16
/** With IORING_SETUP_CQE32 (or a CQE carrying IORING_CQE_F_32). */
export const CQE32_SIZE = 32
export const CQE_USER_DATA = 0 // __u64
export const CQE_RES = 8 // __s32
export const CQE_FLAGS = 12 // __u32
export const CQE_BIG_CQE = 16 // __u64 big_cqe[2]

// ---- struct io_sqring_offsets (40 bytes) -----------------------------------
export const SQRING_OFFSETS_SIZE = 40
export const SQ_OFF_HEAD = 0
export const SQ_OFF_TAIL = 4
export const SQ_OFF_RING_MASK = 8
export const SQ_OFF_RING_ENTRIES = 12
export const SQ_OFF_FLAGS = 16
export const SQ_OFF_DROPPED = 20
export const SQ_OFF_ARRAY = 24
export const SQ_OFF_RESV1 = 28
export const SQ_OFF_USER_ADDR = 32 // __u64, for IORING_SETUP_NO_MMAP

// ---- struct io_cqring_offsets (40 bytes) -----------------------------------
export const CQRING_OFFSETS_SIZE = 40
export const CQ_OFF_HEAD = 0
export const CQ_OFF_TAIL = 4
export const CQ_OFF_RING_MASK = 8
export const CQ_OFF_RING_ENTRIES = 12
export const CQ_OFF_OVERFLOW = 16
export const CQ_OFF_CQES = 20
export const CQ_OFF_FLAGS = 24
export const CQ_OFF_RESV1 = 28
export const CQ_OFF_USER_ADDR = 32 // __u64, for IORING_SETUP_NO_MMAP

// ---- struct io_uring_params (120 bytes) ------------------------------------
export const PARAMS_SIZE = 120
export const PARAMS_SQ_ENTRIES = 0
export const PARAMS_CQ_ENTRIES = 4
export const PARAMS_FLAGS = 8
export const PARAMS_SQ_THREAD_CPU = 12
export const PARAMS_SQ_THREAD_IDLE = 16
export const PARAMS_FEATURES = 20
export const PARAMS_WQ_FD = 24
export const PARAMS_RESV = 28 // __u32 resv[3]
export const PARAMS_SQ_OFF = 40 // struct io_sqring_offsets
export const PARAMS_CQ_OFF = 80 // struct io_cqring_offsets

// ---- small shared structs ---------------------------------------------------
/** struct iovec { void *iov_base; size_t iov_len; } */
export const IOVEC_SIZE = 16
export const IOVEC_BASE = 0
export const IOVEC_LEN = 8

/** struct __kernel_timespec { __s64 tv_sec; long long tv_nsec; } */
export const TIMESPEC_SIZE = 16
export const TIMESPEC_SEC = 0
export const TIMESPEC_NSEC = 8

/** struct open_how { __u64 flags, mode, resolve; } */
export const OPEN_HOW_SIZE = 24
export const OPEN_HOW_FLAGS = 0
export const OPEN_HOW_MODE = 8
export const OPEN_HOW_RESOLVE = 16

/** struct epoll_event { __u32 events; __u64 data; } is packed on x86-64 only
 * (EPOLL_PACKED): 12 bytes with data at +4 there, 16 with data at +8 on
 * aarch64 and every other architecture. */
export function epollEventLayout(arch: string): { size: number; data: number } {
  return arch === 'x64' ? { size: 12, data: 4 } : { size: 16, data: 8 }
}
const epollLayout = epollEventLayout(typeof process === 'object' && process !== null && typeof process.arch === 'string' ? process.arch : 'x64')
export const EPOLL_EVENT_SIZE = epollLayout.size
export const EPOLL_EVENT_EVENTS = 0
export const EPOLL_EVENT_DATA = epollLayout.data

/** struct futex_waitv { __u64 val; __u64 uaddr; __u32 flags; __u32 __reserved; } */
export const FUTEX_WAITV_SIZE = 24
export const FUTEX_WAITV_VAL = 0
export const FUTEX_WAITV_UADDR = 8
export const FUTEX_WAITV_FLAGS = 16
export const FUTEX_WAITV_RESERVED = 20

// ---- io_uring argument structs --------------------------------------------------
/** struct io_uring_getevents_arg (IORING_ENTER_EXT_ARG) */
export const GETEVENTS_ARG_SIZE = 24
export const GETEVENTS_ARG_SIGMASK = 0 // __u64
export const GETEVENTS_ARG_SIGMASK_SZ = 8 // __u32
export const GETEVENTS_ARG_MIN_WAIT_USEC = 12 // __u32
export const GETEVENTS_ARG_TS = 16 // __u64 address of a __kernel_timespec

/** struct io_uring_reg_wait (IORING_ENTER_EXT_ARG_REG) */
export const REG_WAIT_SIZE = 64
export const REG_WAIT_TS = 0 // struct __kernel_timespec
export const REG_WAIT_MIN_WAIT_USEC = 16
export const REG_WAIT_FLAGS = 20
export const REG_WAIT_SIGMASK = 24 // __u64
export const REG_WAIT_SIGMASK_SZ = 32 // __u32, then pad[3], pad2[2]

/** struct io_uring_recvmsg_out, at the head of each multishot recvmsg buffer;
 * the name (msg_namelen bytes), control (msg_controllen) and payload follow. */
export const RECVMSG_OUT_SIZE = 16
export const RECVMSG_OUT_NAMELEN = 0
export const RECVMSG_OUT_CONTROLLEN = 4
export const RECVMSG_OUT_PAYLOADLEN = 8
export const RECVMSG_OUT_FLAGS = 12

/** struct io_uring_probe, followed by ops_len struct io_uring_probe_op. */
export const PROBE_SIZE = 16
export const PROBE_LAST_OP = 0 // __u8
export const PROBE_OPS_LEN = 1 // __u8
export const PROBE_OPS = 16
export const PROBE_OP_SIZE = 8
export const PROBE_OP_OP = 0 // __u8
export const PROBE_OP_FLAGS = 2 // __u16, IO_URING_OP_SUPPORTED

/** struct io_uring_buf, one provided-buffer ring entry. The ring's tail is the
 * __u16 at +14 of entry 0, overlaying that entry's resv. */
export const BUF_SIZE = 16
export const BUF_ADDR = 0 // __u64
export const BUF_LEN = 8 // __u32
export const BUF_BID = 12 // __u16
export const BUF_RESV = 14 // __u16
export const BUF_RING_TAIL = 14

/** struct io_uring_attr_pi (sqe->attr_ptr with IORING_RW_ATTR_FLAG_PI) */
export const ATTR_PI_SIZE = 32
export const ATTR_PI_FLAGS = 0 // __u16
export const ATTR_PI_APP_TAG = 2 // __u16
export const ATTR_PI_LEN = 4 // __u32
export const ATTR_PI_ADDR = 8 // __u64
export const ATTR_PI_SEED = 16 // __u64
export const ATTR_PI_RSVD = 24 // __u64

// ---- io_uring_register(2) argument structs ----------------------------------------
/** struct io_uring_files_update (deprecated form of io_uring_rsrc_update) */
export const FILES_UPDATE_SIZE = 16
export const FILES_UPDATE_OFFSET = 0
export const FILES_UPDATE_FDS = 8

/** struct io_uring_rsrc_update */
export const RSRC_UPDATE_SIZE = 16
export const RSRC_UPDATE_OFFSET = 0
export const RSRC_UPDATE_DATA = 8

/** struct io_uring_rsrc_register */
export const RSRC_REGISTER_SIZE = 32
export const RSRC_REGISTER_NR = 0
export const RSRC_REGISTER_FLAGS = 4
export const RSRC_REGISTER_DATA = 16
export const RSRC_REGISTER_TAGS = 24

/** struct io_uring_rsrc_update2 */
export const RSRC_UPDATE2_SIZE = 32
export const RSRC_UPDATE2_OFFSET = 0
export const RSRC_UPDATE2_DATA = 8
export const RSRC_UPDATE2_TAGS = 16
export const RSRC_UPDATE2_NR = 24

/** struct io_uring_restriction */
export const RESTRICTION_SIZE = 16
export const RESTRICTION_OPCODE = 0 // __u16
export const RESTRICTION_ARG = 2 // __u8 register_op / sqe_op / sqe_flags

/** struct io_uring_buf_reg (IORING_REGISTER_PBUF_RING) */
export const BUF_REG_SIZE = 40
export const BUF_REG_RING_ADDR = 0
export const BUF_REG_RING_ENTRIES = 8
export const BUF_REG_BGID = 12
export const BUF_REG_FLAGS = 14

/** struct io_uring_buf_status (IORING_REGISTER_PBUF_STATUS) */
export const BUF_STATUS_SIZE = 40
export const BUF_STATUS_BUF_GROUP = 0
export const BUF_STATUS_HEAD = 4

/** struct io_uring_sync_cancel_reg (IORING_REGISTER_SYNC_CANCEL) */
export const SYNC_CANCEL_REG_SIZE = 64
export const SYNC_CANCEL_REG_ADDR = 0 // __u64
export const SYNC_CANCEL_REG_FD = 8 // __s32
export const SYNC_CANCEL_REG_FLAGS = 12 // __u32
export const SYNC_CANCEL_REG_TIMEOUT = 16 // struct __kernel_timespec
export const SYNC_CANCEL_REG_OPCODE = 32 // __u8

/** struct io_uring_file_index_range (IORING_REGISTER_FILE_ALLOC_RANGE) */
export const FILE_INDEX_RANGE_SIZE = 16
export const FILE_INDEX_RANGE_OFF = 0
export const FILE_INDEX_RANGE_LEN = 4

/** struct io_uring_clock_register (IORING_REGISTER_CLOCK) */
export const CLOCK_REGISTER_SIZE = 16
export const CLOCK_REGISTER_CLOCKID = 0

/** struct io_uring_clone_buffers (IORING_REGISTER_CLONE_BUFFERS) */
export const CLONE_BUFFERS_SIZE = 32
export const CLONE_BUFFERS_SRC_FD = 0
export const CLONE_BUFFERS_FLAGS = 4
export const CLONE_BUFFERS_SRC_OFF = 8
export const CLONE_BUFFERS_DST_OFF = 12
export const CLONE_BUFFERS_NR = 16

/** struct io_uring_napi (IORING_REGISTER_NAPI); the kernel's 6.13+ layout with
 * opcode and op_param (liburing's copy still shows pad[3] + __u64 resv). */
export const NAPI_SIZE = 16
export const NAPI_BUSY_POLL_TO = 0 // __u32
export const NAPI_PREFER_BUSY_POLL = 4 // __u8
export const NAPI_OPCODE = 5 // __u8
export const NAPI_OP_PARAM = 8 // __u32

/** struct io_uring_region_desc */
export const REGION_DESC_SIZE = 64
export const REGION_DESC_USER_ADDR = 0 // __u64
export const REGION_DESC_SIZE_FIELD = 8 // __u64 size
export const REGION_DESC_FLAGS = 16 // __u32
export const REGION_DESC_ID = 20 // __u32
export const REGION_DESC_MMAP_OFFSET = 24 // __u64

/** struct io_uring_mem_region_reg (IORING_REGISTER_MEM_REGION) */
export const MEM_REGION_REG_SIZE = 32
export const MEM_REGION_REG_REGION_UPTR = 0
export const MEM_REGION_REG_FLAGS = 8

/** struct io_uring_zcrx_offsets */
export const ZCRX_OFFSETS_SIZE = 32
export const ZCRX_OFFSETS_HEAD = 0
export const ZCRX_OFFSETS_TAIL = 4
export const ZCRX_OFFSETS_RQES = 8

/** struct io_uring_zcrx_area_reg */
export const ZCRX_AREA_REG_SIZE = 48
export const ZCRX_AREA_REG_ADDR = 0
export const ZCRX_AREA_REG_LEN = 8
export const ZCRX_AREA_REG_RQ_AREA_TOKEN = 16
export const ZCRX_AREA_REG_FLAGS = 24
export const ZCRX_AREA_REG_DMABUF_FD = 28

/** struct io_uring_zcrx_ifq_reg (IORING_REGISTER_ZCRX_IFQ) */
export const ZCRX_IFQ_REG_SIZE = 96
export const ZCRX_IFQ_REG_IF_IDX = 0
export const ZCRX_IFQ_REG_IF_RXQ = 4
export const ZCRX_IFQ_REG_RQ_ENTRIES = 8
export const ZCRX_IFQ_REG_FLAGS = 12
export const ZCRX_IFQ_REG_AREA_PTR = 16
export const ZCRX_IFQ_REG_REGION_PTR = 24
export const ZCRX_IFQ_REG_OFFSETS = 32 // struct io_uring_zcrx_offsets
export const ZCRX_IFQ_REG_ZCRX_ID = 64

/** struct io_uring_zcrx_rqe (refill queue entry) and io_uring_zcrx_cqe (the
 * big_cqe half of a RECV_ZC completion) */
export const ZCRX_RQE_SIZE = 16
export const ZCRX_RQE_OFF = 0
export const ZCRX_RQE_LEN = 8
export const ZCRX_CQE_SIZE = 16
export const ZCRX_CQE_OFF = 0

/** struct io_uring_query_hdr (IORING_REGISTER_QUERY, linux/io_uring/query.h) */
export const QUERY_HDR_SIZE = 40
export const QUERY_HDR_NEXT_ENTRY = 0 // __u64
export const QUERY_HDR_QUERY_DATA = 8 // __u64
export const QUERY_HDR_QUERY_OP = 16 // __u32
export const QUERY_HDR_SIZE_FIELD = 20 // __u32 size
export const QUERY_HDR_RESULT = 24 // __s32

/** struct io_uring_query_opcode (IO_URING_QUERY_OPCODES) */
export const QUERY_OPCODE_SIZE = 48
export const QUERY_OPCODE_NR_REQUEST_OPCODES = 0 // __u32
export const QUERY_OPCODE_NR_REGISTER_OPCODES = 4 // __u32
export const QUERY_OPCODE_FEATURE_FLAGS = 8 // __u64
export const QUERY_OPCODE_RING_SETUP_FLAGS = 16 // __u64
export const QUERY_OPCODE_ENTER_FLAGS = 24 // __u64
export const QUERY_OPCODE_SQE_FLAGS = 32 // __u64
export const QUERY_OPCODE_NR_QUERY_OPCODES = 40 // __u32

// ---- socket structs (LP64 glibc/kernel ABI) -------------------------------------------
/** struct sockaddr_in: family, port (big-endian), address, 8 bytes of zero. */
export const SOCKADDR_IN_SIZE = 16
export const SIN_FAMILY = 0 // __u16, host order
export const SIN_PORT = 2 // __be16
export const SIN_ADDR = 4 // 4 bytes, network order
/** struct sockaddr_in6 */
export const SOCKADDR_IN6_SIZE = 28
export const SIN6_FAMILY = 0
export const SIN6_PORT = 2 // __be16
export const SIN6_FLOWINFO = 4 // __be32
export const SIN6_ADDR = 8 // 16 bytes
export const SIN6_SCOPE_ID = 24 // __u32, host order
/** struct sockaddr_un: family then sun_path[108]. */
export const SOCKADDR_UN_SIZE = 110
export const SUN_FAMILY = 0
export const SUN_PATH = 2
export const SUN_PATH_MAX = 108
/** struct sockaddr_storage */
export const SOCKADDR_STORAGE_SIZE = 128

/** struct msghdr */
export const MSGHDR_SIZE = 56
export const MSGHDR_NAME = 0 // void *
export const MSGHDR_NAMELEN = 8 // int
export const MSGHDR_IOV = 16 // struct iovec *
export const MSGHDR_IOVLEN = 24 // size_t
export const MSGHDR_CONTROL = 32 // void *
export const MSGHDR_CONTROLLEN = 40 // size_t
export const MSGHDR_FLAGS = 48 // int

/** struct cmsghdr; data follows the header, each message padded to 8 bytes. */
/** struct ucred (SCM_CREDENTIALS): pid, uid, gid */
export const UCRED_SIZE = 12
export const UCRED_PID = 0
export const UCRED_UID = 4
export const UCRED_GID = 8

export const CMSGHDR_SIZE = 16
export const CMSG_LEN_FIELD = 0 // size_t cmsg_len (header + data, unpadded)
export const CMSG_LEVEL = 8 // int
export const CMSG_TYPE = 12 // int
export const CMSG_ALIGN = 8

/** struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst, ipi_addr; } */
export const IN_PKTINFO_SIZE = 12
export const IN_PKTINFO_IFINDEX = 0
export const IN_PKTINFO_SPEC_DST = 4
export const IN_PKTINFO_ADDR = 8
/** struct in6_pktinfo { in6_addr ipi6_addr; int ipi6_ifindex; } */
export const IN6_PKTINFO_SIZE = 20
export const IN6_PKTINFO_ADDR = 0
export const IN6_PKTINFO_IFINDEX = 16

// ---- struct statx (256 bytes) -------------------------------------------------------------
export const STATX_STRUCT_SIZE = 256
export const STX_MASK = 0 // __u32
export const STX_BLKSIZE = 4 // __u32
export const STX_ATTRIBUTES = 8 // __u64
export const STX_NLINK = 16 // __u32
export const STX_UID = 20 // __u32
export const STX_GID = 24 // __u32
export const STX_MODE = 28 // __u16
export const STX_INO = 32 // __u64
export const STX_SIZE = 40 // __u64
export const STX_BLOCKS = 48 // __u64
export const STX_ATTRIBUTES_MASK = 56 // __u64
export const STX_ATIME = 64 // struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; __s32 __reserved; }
export const STX_BTIME = 80
export const STX_CTIME = 96
export const STX_MTIME = 112
export const STX_RDEV_MAJOR = 128 // __u32
export const STX_RDEV_MINOR = 132
export const STX_DEV_MAJOR = 136
export const STX_DEV_MINOR = 140
export const STX_MNT_ID = 144 // __u64
export const STX_DIO_MEM_ALIGN = 152 // __u32
export const STX_DIO_OFFSET_ALIGN = 156 // __u32
export const STX_SUBVOL = 160 // __u64
export const STX_ATOMIC_WRITE_UNIT_MIN = 168 // __u32
export const STX_ATOMIC_WRITE_UNIT_MAX = 172 // __u32
export const STX_ATOMIC_WRITE_SEGMENTS_MAX = 176 // __u32
export const STX_DIO_READ_OFFSET_ALIGN = 180 // __u32
export const STX_ATOMIC_WRITE_UNIT_MAX_OPT = 184 // __u32
export const STATX_TIMESTAMP_SEC = 0
export const STATX_TIMESTAMP_NSEC = 8

// ---- siginfo_t (128 bytes), the SIGCHLD member that waitid(2) fills --------------
export const SIGINFO_SIZE = 128
export const SIGINFO_SIGNO = 0 // int si_signo
export const SIGINFO_ERRNO = 4 // int si_errno
export const SIGINFO_CODE = 8 // int si_code (CLD_*)
export const SIGINFO_PID = 16 // pid_t si_pid
export const SIGINFO_UID = 20 // uid_t si_uid
export const SIGINFO_STATUS = 24 // int si_status
