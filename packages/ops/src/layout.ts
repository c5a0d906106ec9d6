// ABI layout facts: struct sizes and byte offsets, named after the kernel's
// fields (include/uapi/linux/io_uring.h and friends, Linux 6.18). All
// multi-byte fields are little-endian; pointers, size_t and long are 64 bits
// (LP64: x86-64, aarch64, riscv64, ...). Every other module takes offsets from
// here and nowhere else.

// ---- struct io_uring_sqe ---------------------------------------------------
/** Size of an SQE (struct io_uring_sqe) on a ring without IORING_SETUP_SQE128. */
export const SQE_SIZE = 64
/** With IORING_SETUP_SQE128 every SQE is 128 bytes; the extra 64 extend cmd. */
export const SQE128_SIZE = 128

/**
 * The io_uring_sqe fields every encoder writes, as a const enum: the compiler
 * writes these numbers straight into the encoders, where an imported constant
 * would cost V8 a module-variable load per use (a third of a NOP's encoding).
 */
export const enum Sqe {
  /** __u8 opcode (IORING_OP_*) */
  OPCODE = 0,
  /** __u8 flags (IOSQE_*) */
  FLAGS = 1,
  /** __u16 ioprio; also the send/recv, accept and zero-copy flags */
  IOPRIO = 2,
  /** __s32 fd, or a registered file index with IOSQE_FIXED_FILE */
  FD = 4,
  /** __u64 off (union with addr2, cmd_op) */
  OFF = 8,
  /** __u64 addr (union with splice_off_in) */
  ADDR = 16,
  /** __u32 len */
  LEN = 24,
  /** __u32 op-flags union (rw_flags, msg_flags, open_flags, ...) */
  RW_FLAGS = 28,
  /** __u64 user_data, echoed in the CQE */
  USER_DATA = 32,
  /** __u16 buf_index (union with buf_group) */
  BUF_INDEX = 40,
  /** __u16 personality */
  PERSONALITY = 42,
  /** __u32 file_index (union with splice_fd_in, optlen, addr_len) */
  FILE_INDEX = 44,
  /** __u64 addr3 */
  ADDR3 = 48,
  /** __u64 __pad2[1] */
  PAD2 = 56,
}

/**
 * Byte offsets of struct io_uring_sqe's fields, named after the kernel's members; the members of a union share
 * an offset, as SQE_OFF, SQE_ADDR2 and SQE_CMD_OP do.
 */
export const SQE_OPCODE = Sqe.OPCODE,
  SQE_FLAGS = Sqe.FLAGS,
  SQE_IOPRIO = Sqe.IOPRIO,
  SQE_FD = Sqe.FD,
  SQE_OFF = Sqe.OFF,
  SQE_ADDR2 = 8,
  SQE_CMD_OP = 8, // __u32 (uring_cmd)
  SQE_PAD1 = 12, // __u32 (uring_cmd)
  SQE_ADDR = Sqe.ADDR,
  SQE_SPLICE_OFF_IN = 16,
  SQE_LEVEL = 16, // __u32 (socket uring_cmd)
  SQE_OPTNAME = 20, // __u32 (socket uring_cmd)
  SQE_LEN = Sqe.LEN
/** The __u32 op-flags union: rw_flags, fsync_flags, poll32_events, msg_flags,
 * timeout_flags, accept_flags, cancel_flags, open_flags, statx_flags,
 * fadvise_advice, splice_flags, rename_flags, unlink_flags, hardlink_flags,
 * xattr_flags, msg_ring_flags, uring_cmd_flags, waitid_flags, futex_flags,
 * install_fd_flags, nop_flags, pipe_flags. */
export const SQE_RW_FLAGS = Sqe.RW_FLAGS
/**
 * Byte offsets of struct io_uring_sqe's fields, named after the kernel's members; the members of a union share
 * an offset, as SQE_OFF, SQE_ADDR2 and SQE_CMD_OP do.
 */
export const SQE_USER_DATA = Sqe.USER_DATA,
  SQE_BUF_INDEX = Sqe.BUF_INDEX,
  SQE_BUF_GROUP = 40,
  SQE_PERSONALITY = Sqe.PERSONALITY,
  SQE_SPLICE_FD_IN = 44, // __s32 union
  SQE_FILE_INDEX = Sqe.FILE_INDEX,
  SQE_ZCRX_IFQ_IDX = 44, // __u32
  SQE_OPTLEN = 44, // __u32
  SQE_ADDR_LEN = 44, // __u16
  SQE_PAD3 = 46, // __u16
  SQE_ADDR3 = Sqe.ADDR3,
  SQE_PAD2 = Sqe.PAD2,
  SQE_ATTR_PTR = 48, // __u64
  SQE_ATTR_TYPE_MASK = 56, // __u64
  SQE_OPTVAL = 48 // __u64
/** cmd[] starts here: 16 bytes in a 64-byte SQE, 80 in a 128-byte one. */
export const SQE_CMD = 48

// ---- struct io_uring_cqe ---------------------------------------------------
/** Size of a CQE (struct io_uring_cqe) on a ring without IORING_SETUP_CQE32. */
export const CQE_SIZE = 16
/** With IORING_SETUP_CQE32 (or a CQE carrying IORING_CQE_F_32). */
export const CQE32_SIZE = 32
/**
 * Byte offsets of struct io_uring_cqe's fields: user_data (__u64), res (__s32), flags (__u32), and big_cqe,
 * the 16 extra bytes of a 32-byte CQE.
 */
export const CQE_USER_DATA = 0, // __u64
  CQE_RES = 8, // __s32
  CQE_FLAGS = 12, // __u32
  CQE_BIG_CQE = 16 // __u64 big_cqe[2]

// ---- struct io_sqring_offsets (40 bytes) -----------------------------------
/**
 * struct io_sqring_offsets, which io_uring_setup(2) fills in io_uring_params.sq_off: its size and its fields'
 * byte offsets. Each field holds in turn a byte offset into the mapped SQ ring.
 */
export const SQRING_OFFSETS_SIZE = 40,
  SQ_OFF_HEAD = 0,
  SQ_OFF_TAIL = 4,
  SQ_OFF_RING_MASK = 8,
  SQ_OFF_RING_ENTRIES = 12,
  SQ_OFF_FLAGS = 16,
  SQ_OFF_DROPPED = 20,
  SQ_OFF_ARRAY = 24,
  SQ_OFF_RESV1 = 28,
  SQ_OFF_USER_ADDR = 32 // __u64, for IORING_SETUP_NO_MMAP

// ---- struct io_cqring_offsets (40 bytes) -----------------------------------
/**
 * struct io_cqring_offsets, which io_uring_setup(2) fills in io_uring_params.cq_off: its size and its fields'
 * byte offsets. Each field holds in turn a byte offset into the mapped CQ ring.
 */
export const CQRING_OFFSETS_SIZE = 40,
  CQ_OFF_HEAD = 0,
  CQ_OFF_TAIL = 4,
  CQ_OFF_RING_MASK = 8,
  CQ_OFF_RING_ENTRIES = 12,
  CQ_OFF_OVERFLOW = 16,
  CQ_OFF_CQES = 20,
  CQ_OFF_FLAGS = 24,
  CQ_OFF_RESV1 = 28,
  CQ_OFF_USER_ADDR = 32 // __u64, for IORING_SETUP_NO_MMAP

// ---- struct io_uring_params (120 bytes) ------------------------------------
/** struct io_uring_params, io_uring_setup(2)'s argument and answer: its size and its fields' byte offsets. */
export const PARAMS_SIZE = 120,
  PARAMS_SQ_ENTRIES = 0,
  PARAMS_CQ_ENTRIES = 4,
  PARAMS_FLAGS = 8,
  PARAMS_SQ_THREAD_CPU = 12,
  PARAMS_SQ_THREAD_IDLE = 16,
  PARAMS_FEATURES = 20,
  PARAMS_WQ_FD = 24,
  PARAMS_RESV = 28, // __u32 resv[3]
  PARAMS_SQ_OFF = 40, // struct io_sqring_offsets
  PARAMS_CQ_OFF = 80 // struct io_cqring_offsets

// ---- small shared structs ---------------------------------------------------
/** struct iovec { void *iov_base; size_t iov_len; }: its size and its fields' byte offsets. */
export const IOVEC_SIZE = 16,
  IOVEC_BASE = 0,
  IOVEC_LEN = 8

/** struct __kernel_timespec { __s64 tv_sec; long long tv_nsec; }: its size and its fields' byte offsets. */
export const TIMESPEC_SIZE = 16,
  TIMESPEC_SEC = 0,
  TIMESPEC_NSEC = 8

/** struct open_how { __u64 flags, mode, resolve; }: its size and its fields' byte offsets. */
export const OPEN_HOW_SIZE = 24,
  OPEN_HOW_FLAGS = 0,
  OPEN_HOW_MODE = 8,
  OPEN_HOW_RESOLVE = 16

/** struct epoll_event { __u32 events; __u64 data; } is packed on x86-64 only
 * (EPOLL_PACKED): 12 bytes with data at +4 there, 16 with data at +8 on
 * aarch64 and every other architecture. */
export function epollEventLayout(arch: string): { size: number; data: number } {
  return arch === 'x64' ? { size: 12, data: 4 } : { size: 16, data: 8 }
}
const epollLayout = epollEventLayout(typeof process === 'object' && process !== null && typeof process.arch === 'string' ? process.arch : 'x64')
/** struct epoll_event on the running architecture (see epollEventLayout): its size and its fields' byte offsets. */
export const EPOLL_EVENT_SIZE = epollLayout.size,
  EPOLL_EVENT_EVENTS = 0,
  EPOLL_EVENT_DATA = epollLayout.data

/**
 * struct futex_waitv { __u64 val; __u64 uaddr; __u32 flags; __u32 __reserved; }: its size and its fields' byte
 * offsets.
 */
export const FUTEX_WAITV_SIZE = 24,
  FUTEX_WAITV_VAL = 0,
  FUTEX_WAITV_UADDR = 8,
  FUTEX_WAITV_FLAGS = 16,
  FUTEX_WAITV_RESERVED = 20

// ---- io_uring argument structs --------------------------------------------------
/** struct io_uring_getevents_arg (IORING_ENTER_EXT_ARG): its size and its fields' byte offsets. */
export const GETEVENTS_ARG_SIZE = 24,
  GETEVENTS_ARG_SIGMASK = 0, // __u64
  GETEVENTS_ARG_SIGMASK_SZ = 8, // __u32
  GETEVENTS_ARG_MIN_WAIT_USEC = 12, // __u32
  GETEVENTS_ARG_TS = 16 // __u64 address of a __kernel_timespec

/** struct io_uring_reg_wait (IORING_ENTER_EXT_ARG_REG): its size and its fields' byte offsets. */
export const REG_WAIT_SIZE = 64,
  REG_WAIT_TS = 0, // struct __kernel_timespec
  REG_WAIT_MIN_WAIT_USEC = 16,
  REG_WAIT_FLAGS = 20,
  REG_WAIT_SIGMASK = 24, // __u64
  REG_WAIT_SIGMASK_SZ = 32 // __u32, then pad[3], pad2[2]

/** struct io_uring_recvmsg_out, at the head of each multishot recvmsg buffer;
 * the name (msg_namelen bytes), control (msg_controllen) and payload follow. Its size and its fields' byte offsets. */
export const RECVMSG_OUT_SIZE = 16,
  RECVMSG_OUT_NAMELEN = 0,
  RECVMSG_OUT_CONTROLLEN = 4,
  RECVMSG_OUT_PAYLOADLEN = 8,
  RECVMSG_OUT_FLAGS = 12

/** struct io_uring_probe, followed by ops_len struct io_uring_probe_op. Its size and its fields' byte offsets. */
export const PROBE_SIZE = 16,
  PROBE_LAST_OP = 0, // __u8
  PROBE_OPS_LEN = 1, // __u8
  PROBE_OPS = 16,
  PROBE_OP_SIZE = 8,
  PROBE_OP_OP = 0, // __u8
  PROBE_OP_FLAGS = 2 // __u16, IO_URING_OP_SUPPORTED

/** struct io_uring_buf, one provided-buffer ring entry. The ring's tail is the
 * __u16 at +14 of entry 0, overlaying that entry's resv. Its size and its fields' byte offsets. */
export const BUF_SIZE = 16,
  BUF_ADDR = 0, // __u64
  BUF_LEN = 8, // __u32
  BUF_BID = 12, // __u16
  BUF_RESV = 14, // __u16
  BUF_RING_TAIL = 14

/** struct io_uring_attr_pi (sqe->attr_ptr with IORING_RW_ATTR_FLAG_PI): its size and its fields' byte offsets. */
export const ATTR_PI_SIZE = 32,
  ATTR_PI_FLAGS = 0, // __u16
  ATTR_PI_APP_TAG = 2, // __u16
  ATTR_PI_LEN = 4, // __u32
  ATTR_PI_ADDR = 8, // __u64
  ATTR_PI_SEED = 16, // __u64
  ATTR_PI_RSVD = 24 // __u64

// ---- io_uring_register(2) argument structs ----------------------------------------
/** struct io_uring_files_update (deprecated form of io_uring_rsrc_update): its size and its fields' byte offsets. */
export const FILES_UPDATE_SIZE = 16,
  FILES_UPDATE_OFFSET = 0,
  FILES_UPDATE_FDS = 8

/** struct io_uring_rsrc_update: its size and its fields' byte offsets. */
export const RSRC_UPDATE_SIZE = 16,
  RSRC_UPDATE_OFFSET = 0,
  RSRC_UPDATE_DATA = 8

/** struct io_uring_rsrc_register: its size and its fields' byte offsets. */
export const RSRC_REGISTER_SIZE = 32,
  RSRC_REGISTER_NR = 0,
  RSRC_REGISTER_FLAGS = 4,
  RSRC_REGISTER_DATA = 16,
  RSRC_REGISTER_TAGS = 24

/** struct io_uring_rsrc_update2: its size and its fields' byte offsets. */
export const RSRC_UPDATE2_SIZE = 32,
  RSRC_UPDATE2_OFFSET = 0,
  RSRC_UPDATE2_DATA = 8,
  RSRC_UPDATE2_TAGS = 16,
  RSRC_UPDATE2_NR = 24

/** struct io_uring_restriction: its size and its fields' byte offsets. */
export const RESTRICTION_SIZE = 16,
  RESTRICTION_OPCODE = 0, // __u16
  RESTRICTION_ARG = 2 // __u8 register_op / sqe_op / sqe_flags

/** struct io_uring_buf_reg (IORING_REGISTER_PBUF_RING): its size and its fields' byte offsets. */
export const BUF_REG_SIZE = 40,
  BUF_REG_RING_ADDR = 0,
  BUF_REG_RING_ENTRIES = 8,
  BUF_REG_BGID = 12,
  BUF_REG_FLAGS = 14

/** struct io_uring_buf_status (IORING_REGISTER_PBUF_STATUS): its size and its fields' byte offsets. */
export const BUF_STATUS_SIZE = 40,
  BUF_STATUS_BUF_GROUP = 0,
  BUF_STATUS_HEAD = 4

/** struct io_uring_sync_cancel_reg (IORING_REGISTER_SYNC_CANCEL): its size and its fields' byte offsets. */
export const SYNC_CANCEL_REG_SIZE = 64,
  SYNC_CANCEL_REG_ADDR = 0, // __u64
  SYNC_CANCEL_REG_FD = 8, // __s32
  SYNC_CANCEL_REG_FLAGS = 12, // __u32
  SYNC_CANCEL_REG_TIMEOUT = 16, // struct __kernel_timespec
  SYNC_CANCEL_REG_OPCODE = 32 // __u8

/** struct io_uring_file_index_range (IORING_REGISTER_FILE_ALLOC_RANGE): its size and its fields' byte offsets. */
export const FILE_INDEX_RANGE_SIZE = 16,
  FILE_INDEX_RANGE_OFF = 0,
  FILE_INDEX_RANGE_LEN = 4

/** struct io_uring_clock_register (IORING_REGISTER_CLOCK): its size and its fields' byte offsets. */
export const CLOCK_REGISTER_SIZE = 16,
  CLOCK_REGISTER_CLOCKID = 0

/** struct io_uring_clone_buffers (IORING_REGISTER_CLONE_BUFFERS): its size and its fields' byte offsets. */
export const CLONE_BUFFERS_SIZE = 32,
  CLONE_BUFFERS_SRC_FD = 0,
  CLONE_BUFFERS_FLAGS = 4,
  CLONE_BUFFERS_SRC_OFF = 8,
  CLONE_BUFFERS_DST_OFF = 12,
  CLONE_BUFFERS_NR = 16

/** struct io_uring_napi (IORING_REGISTER_NAPI); the kernel's 6.13+ layout with
 * opcode and op_param (liburing's copy still shows pad[3] + __u64 resv). Its size and its fields' byte offsets. */
export const NAPI_SIZE = 16,
  NAPI_BUSY_POLL_TO = 0, // __u32
  NAPI_PREFER_BUSY_POLL = 4, // __u8
  NAPI_OPCODE = 5, // __u8
  NAPI_OP_PARAM = 8 // __u32

/** struct io_uring_region_desc: its size and its fields' byte offsets. */
export const REGION_DESC_SIZE = 64,
  REGION_DESC_USER_ADDR = 0, // __u64
  REGION_DESC_SIZE_FIELD = 8, // __u64 size
  REGION_DESC_FLAGS = 16, // __u32
  REGION_DESC_ID = 20, // __u32
  REGION_DESC_MMAP_OFFSET = 24 // __u64

/** struct io_uring_mem_region_reg (IORING_REGISTER_MEM_REGION): its size and its fields' byte offsets. */
export const MEM_REGION_REG_SIZE = 32,
  MEM_REGION_REG_REGION_UPTR = 0,
  MEM_REGION_REG_FLAGS = 8

/** struct io_uring_zcrx_offsets: its size and its fields' byte offsets. */
export const ZCRX_OFFSETS_SIZE = 32,
  ZCRX_OFFSETS_HEAD = 0,
  ZCRX_OFFSETS_TAIL = 4,
  ZCRX_OFFSETS_RQES = 8

/** struct io_uring_zcrx_area_reg: its size and its fields' byte offsets. */
export const ZCRX_AREA_REG_SIZE = 48,
  ZCRX_AREA_REG_ADDR = 0,
  ZCRX_AREA_REG_LEN = 8,
  ZCRX_AREA_REG_RQ_AREA_TOKEN = 16,
  ZCRX_AREA_REG_FLAGS = 24,
  ZCRX_AREA_REG_DMABUF_FD = 28

/** struct io_uring_zcrx_ifq_reg (IORING_REGISTER_ZCRX_IFQ): its size and its fields' byte offsets. */
export const ZCRX_IFQ_REG_SIZE = 96,
  ZCRX_IFQ_REG_IF_IDX = 0,
  ZCRX_IFQ_REG_IF_RXQ = 4,
  ZCRX_IFQ_REG_RQ_ENTRIES = 8,
  ZCRX_IFQ_REG_FLAGS = 12,
  ZCRX_IFQ_REG_AREA_PTR = 16,
  ZCRX_IFQ_REG_REGION_PTR = 24,
  ZCRX_IFQ_REG_OFFSETS = 32, // struct io_uring_zcrx_offsets
  ZCRX_IFQ_REG_ZCRX_ID = 64

/** struct io_uring_zcrx_rqe (refill queue entry) and io_uring_zcrx_cqe (the
 * big_cqe half of a RECV_ZC completion). Its size and its fields' byte offsets. */
export const ZCRX_RQE_SIZE = 16,
  ZCRX_RQE_OFF = 0,
  ZCRX_RQE_LEN = 8,
  ZCRX_CQE_SIZE = 16,
  ZCRX_CQE_OFF = 0

/** struct io_uring_query_hdr (IORING_REGISTER_QUERY, linux/io_uring/query.h): its size and its fields' byte offsets. */
export const QUERY_HDR_SIZE = 40,
  QUERY_HDR_NEXT_ENTRY = 0, // __u64
  QUERY_HDR_QUERY_DATA = 8, // __u64
  QUERY_HDR_QUERY_OP = 16, // __u32
  QUERY_HDR_SIZE_FIELD = 20, // __u32 size
  QUERY_HDR_RESULT = 24 // __s32

/** struct io_uring_query_opcode (IO_URING_QUERY_OPCODES): its size and its fields' byte offsets. */
export const QUERY_OPCODE_SIZE = 48,
  QUERY_OPCODE_NR_REQUEST_OPCODES = 0, // __u32
  QUERY_OPCODE_NR_REGISTER_OPCODES = 4, // __u32
  QUERY_OPCODE_FEATURE_FLAGS = 8, // __u64
  QUERY_OPCODE_RING_SETUP_FLAGS = 16, // __u64
  QUERY_OPCODE_ENTER_FLAGS = 24, // __u64
  QUERY_OPCODE_SQE_FLAGS = 32, // __u64
  QUERY_OPCODE_NR_QUERY_OPCODES = 40 // __u32

// ---- socket structs (LP64 glibc/kernel ABI) -------------------------------------------
/** struct sockaddr_in: family, port (big-endian), address, 8 bytes of zero. Its size and its fields' byte offsets. */
export const SOCKADDR_IN_SIZE = 16,
  SIN_FAMILY = 0, // __u16, host order
  SIN_PORT = 2, // __be16
  SIN_ADDR = 4 // 4 bytes, network order
/** struct sockaddr_in6: its size and its fields' byte offsets. */
export const SOCKADDR_IN6_SIZE = 28,
  SIN6_FAMILY = 0,
  SIN6_PORT = 2, // __be16
  SIN6_FLOWINFO = 4, // __be32
  SIN6_ADDR = 8, // 16 bytes
  SIN6_SCOPE_ID = 24 // __u32, host order
/** struct sockaddr_un: family then sun_path[108]. Its size and its fields' byte offsets. */
export const SOCKADDR_UN_SIZE = 110,
  SUN_FAMILY = 0,
  SUN_PATH = 2,
  SUN_PATH_MAX = 108
/** struct sockaddr_storage */
export const SOCKADDR_STORAGE_SIZE = 128

/** struct msghdr: its size and its fields' byte offsets. */
export const MSGHDR_SIZE = 56,
  MSGHDR_NAME = 0, // void *
  MSGHDR_NAMELEN = 8, // int
  MSGHDR_IOV = 16, // struct iovec *
  MSGHDR_IOVLEN = 24, // size_t
  MSGHDR_CONTROL = 32, // void *
  MSGHDR_CONTROLLEN = 40, // size_t
  MSGHDR_FLAGS = 48 // int

/** struct ucred (SCM_CREDENTIALS): pid, uid, gid. Its size and its fields' byte offsets. */
export const UCRED_SIZE = 12,
  UCRED_PID = 0,
  UCRED_UID = 4,
  UCRED_GID = 8

/** struct cmsghdr; data follows the header, each message padded to 8 bytes. Its size and its fields' byte offsets. */
export const CMSGHDR_SIZE = 16,
  CMSG_LEN_FIELD = 0, // size_t cmsg_len (header + data, unpadded)
  CMSG_LEVEL = 8, // int
  CMSG_TYPE = 12, // int
  CMSG_ALIGN = 8

/** struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst, ipi_addr; }: its size and its fields' byte offsets. */
export const IN_PKTINFO_SIZE = 12,
  IN_PKTINFO_IFINDEX = 0,
  IN_PKTINFO_SPEC_DST = 4,
  IN_PKTINFO_ADDR = 8
/** struct in6_pktinfo { in6_addr ipi6_addr; int ipi6_ifindex; }: its size and its fields' byte offsets. */
export const IN6_PKTINFO_SIZE = 20,
  IN6_PKTINFO_ADDR = 0,
  IN6_PKTINFO_IFINDEX = 16

// ---- struct statx (256 bytes) -------------------------------------------------------------
/**
 * struct statx, which STATX fills: its size and its fields' byte offsets. The four timestamps are struct
 * statx_timestamp, whose tv_sec and tv_nsec sit at STATX_TIMESTAMP_SEC and STATX_TIMESTAMP_NSEC.
 */
export const STATX_STRUCT_SIZE = 256,
  STX_MASK = 0, // __u32
  STX_BLKSIZE = 4, // __u32
  STX_ATTRIBUTES = 8, // __u64
  STX_NLINK = 16, // __u32
  STX_UID = 20, // __u32
  STX_GID = 24, // __u32
  STX_MODE = 28, // __u16
  STX_INO = 32, // __u64
  STX_SIZE = 40, // __u64
  STX_BLOCKS = 48, // __u64
  STX_ATTRIBUTES_MASK = 56, // __u64
  STX_ATIME = 64, // struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; __s32 __reserved; }
  STX_BTIME = 80,
  STX_CTIME = 96,
  STX_MTIME = 112,
  STX_RDEV_MAJOR = 128, // __u32
  STX_RDEV_MINOR = 132,
  STX_DEV_MAJOR = 136,
  STX_DEV_MINOR = 140,
  STX_MNT_ID = 144, // __u64
  STX_DIO_MEM_ALIGN = 152, // __u32
  STX_DIO_OFFSET_ALIGN = 156, // __u32
  STX_SUBVOL = 160, // __u64
  STX_ATOMIC_WRITE_UNIT_MIN = 168, // __u32
  STX_ATOMIC_WRITE_UNIT_MAX = 172, // __u32
  STX_ATOMIC_WRITE_SEGMENTS_MAX = 176, // __u32
  STX_DIO_READ_OFFSET_ALIGN = 180, // __u32
  STX_ATOMIC_WRITE_UNIT_MAX_OPT = 184, // __u32
  STATX_TIMESTAMP_SEC = 0,
  STATX_TIMESTAMP_NSEC = 8

// ---- siginfo_t (128 bytes), the SIGCHLD member that waitid(2) fills --------------
/**
 * siginfo_t as WAITID fills it for SIGCHLD: its size and the byte offsets of si_signo, si_errno, si_code
 * (CLD_*), si_pid, si_uid and si_status.
 */
export const SIGINFO_SIZE = 128,
  SIGINFO_SIGNO = 0, // int si_signo
  SIGINFO_ERRNO = 4, // int si_errno
  SIGINFO_CODE = 8, // int si_code (CLD_*)
  SIGINFO_PID = 16, // pid_t si_pid
  SIGINFO_UID = 20, // uid_t si_uid
  SIGINFO_STATUS = 24 // int si_status
