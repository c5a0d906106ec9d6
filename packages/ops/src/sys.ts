// Linux constants io_uring requests carry that are not io_uring's own: open,
// resolve, poll, socket, message, rw, statx, futex, ... flags, named as the
// kernel names them. Values are those of x86-64 and aarch64 (asm-generic);
// the four O_* bits where aarch64 differs follow the running architecture.
// Table `since` is the kernel from which io_uring accepts the value.

import type { ConstantEntry } from './constants.js'

/** The CPU architecture, where a JavaScript runtime exposes one. */
const ARCH: string = typeof process === 'object' && process !== null && typeof process.arch === 'string' ? process.arch : 'x64'

// ---- *at(2) ---------------------------------------------------------------------------
/**
 * *at(2) arguments: AT_FDCWD as the directory fd means the current directory; the AT_* flags as the *at(2)
 * calls and statx(2) take them.
 */
export const AT_FDCWD = -100,
  AT_SYMLINK_NOFOLLOW = 0x100,
  AT_REMOVEDIR = 0x200,
  AT_SYMLINK_FOLLOW = 0x400,
  AT_NO_AUTOMOUNT = 0x800,
  AT_EMPTY_PATH = 0x1000,
  AT_STATX_SYNC_AS_STAT = 0x0000,
  AT_STATX_FORCE_SYNC = 0x2000,
  AT_STATX_DONT_SYNC = 0x4000

// ---- open(2) flags --------------------------------------------------------------------------
/** O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE for an architecture: arm
 * and arm64 shuffle them, ppc too; x86-64, riscv64, s390x and loong64 use
 * the generic values. */
export function archOpenFlags(arch: string): { O_DIRECTORY: number; O_NOFOLLOW: number; O_DIRECT: number; O_LARGEFILE: number } {
  switch (arch) {
    case 'arm':
    case 'arm64':
      return { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000, O_DIRECT: 0o200000, O_LARGEFILE: 0o400000 }
    case 'ppc':
    case 'ppc64':
      return { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000, O_DIRECT: 0o400000, O_LARGEFILE: 0o200000 }
    default:
      return { O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000, O_DIRECT: 0o40000, O_LARGEFILE: 0o100000 }
  }
}

const archOpen = archOpenFlags(ARCH)

/**
 * open(2) flags, as io_uring's OPENAT and OPENAT2 take them; O_DIRECT, O_LARGEFILE, O_DIRECTORY and O_NOFOLLOW
 * follow the running architecture (archOpenFlags). OPEN_FLAGS gives the kernel version from which io_uring
 * takes each.
 */
export const O_RDONLY = 0o0,
  O_WRONLY = 0o1,
  O_RDWR = 0o2,
  O_ACCMODE = 0o3,
  O_CREAT = 0o100,
  O_EXCL = 0o200,
  O_NOCTTY = 0o400,
  O_TRUNC = 0o1000,
  O_APPEND = 0o2000,
  O_NONBLOCK = 0o4000,
  O_NDELAY = O_NONBLOCK,
  O_DSYNC = 0o10000,
  FASYNC = 0o20000,
  O_DIRECT = archOpen.O_DIRECT,
  O_LARGEFILE = archOpen.O_LARGEFILE,
  O_DIRECTORY = archOpen.O_DIRECTORY,
  O_NOFOLLOW = archOpen.O_NOFOLLOW,
  O_NOATIME = 0o1000000,
  O_CLOEXEC = 0o2000000,
  O_SYNC = 0o4000000 | O_DSYNC,
  O_PATH = 0o10000000,
  O_TMPFILE = 0o20000000 | O_DIRECTORY

/** The O_* open flags with the kernel version from which io_uring takes each. */
export const OPEN_FLAGS: readonly ConstantEntry[] = [
  { name: 'RDONLY', value: O_RDONLY, since: '5.6' },
  { name: 'WRONLY', value: O_WRONLY, since: '5.6' },
  { name: 'RDWR', value: O_RDWR, since: '5.6' },
  { name: 'CREAT', value: O_CREAT, since: '5.6' },
  { name: 'EXCL', value: O_EXCL, since: '5.6' },
  { name: 'NOCTTY', value: O_NOCTTY, since: '5.6' },
  { name: 'TRUNC', value: O_TRUNC, since: '5.6' },
  { name: 'APPEND', value: O_APPEND, since: '5.6' },
  { name: 'NONBLOCK', value: O_NONBLOCK, since: '5.6' },
  { name: 'DSYNC', value: O_DSYNC, since: '5.6' },
  { name: 'DIRECT', value: O_DIRECT, since: '5.6' },
  { name: 'LARGEFILE', value: O_LARGEFILE, since: '5.6' },
  { name: 'DIRECTORY', value: O_DIRECTORY, since: '5.6' },
  { name: 'NOFOLLOW', value: O_NOFOLLOW, since: '5.6' },
  { name: 'NOATIME', value: O_NOATIME, since: '5.6' },
  { name: 'CLOEXEC', value: O_CLOEXEC, since: '5.6' },
  { name: 'SYNC', value: O_SYNC, since: '5.6' },
  { name: 'PATH', value: O_PATH, since: '5.6' },
  { name: 'TMPFILE', value: O_TMPFILE, since: '5.6' },
]

// ---- openat2(2) resolve flags (open_how.resolve) -------------------------------------------
/** openat2(2) path-resolution flags (open_how.resolve); RESOLVE_FLAGS gives the kernel version of each. */
export const RESOLVE_NO_XDEV = 0x01,
  RESOLVE_NO_MAGICLINKS = 0x02,
  RESOLVE_NO_SYMLINKS = 0x04,
  RESOLVE_BENEATH = 0x08,
  RESOLVE_IN_ROOT = 0x10,
  RESOLVE_CACHED = 0x20

/** The RESOLVE_* flags with the kernel version from which io_uring takes each. */
export const RESOLVE_FLAGS: readonly ConstantEntry[] = [
  { name: 'NO_XDEV', value: RESOLVE_NO_XDEV, since: '5.6' },
  { name: 'NO_MAGICLINKS', value: RESOLVE_NO_MAGICLINKS, since: '5.6' },
  { name: 'NO_SYMLINKS', value: RESOLVE_NO_SYMLINKS, since: '5.6' },
  { name: 'BENEATH', value: RESOLVE_BENEATH, since: '5.6' },
  { name: 'IN_ROOT', value: RESOLVE_IN_ROOT, since: '5.6' },
  { name: 'CACHED', value: RESOLVE_CACHED, since: '5.12' },
]

// ---- poll(2) / epoll(7) events (POLL_ADD's poll32_events, epoll_event.events) -----------------
/** poll(2) events, as POLL_ADD takes them in poll32_events; POLL_EVENTS gives the kernel version of each. */
export const POLLIN = 0x0001,
  POLLPRI = 0x0002,
  POLLOUT = 0x0004,
  POLLERR = 0x0008,
  POLLHUP = 0x0010,
  POLLNVAL = 0x0020,
  POLLRDNORM = 0x0040,
  POLLRDBAND = 0x0080,
  POLLWRNORM = 0x0100,
  POLLWRBAND = 0x0200,
  POLLMSG = 0x0400,
  POLLRDHUP = 0x2000

/** The POLL* events with the kernel version from which io_uring takes each. */
export const POLL_EVENTS: readonly ConstantEntry[] = [
  { name: 'IN', value: POLLIN, since: '5.1' },
  { name: 'PRI', value: POLLPRI, since: '5.1' },
  { name: 'OUT', value: POLLOUT, since: '5.1' },
  { name: 'ERR', value: POLLERR, since: '5.1' },
  { name: 'HUP', value: POLLHUP, since: '5.1' },
  { name: 'NVAL', value: POLLNVAL, since: '5.1' },
  { name: 'RDNORM', value: POLLRDNORM, since: '5.1' },
  { name: 'RDBAND', value: POLLRDBAND, since: '5.1' },
  { name: 'WRNORM', value: POLLWRNORM, since: '5.1' },
  { name: 'WRBAND', value: POLLWRBAND, since: '5.1' },
  { name: 'MSG', value: POLLMSG, since: '5.1' },
  { name: 'RDHUP', value: POLLRDHUP, since: '5.1' },
]

/**
 * epoll(7) events (epoll_event.events), as EPOLL_CTL and EPOLL_WAIT carry them; EPOLL_EVENTS gives the kernel
 * version of each.
 */
export const EPOLLIN = 0x00000001,
  EPOLLPRI = 0x00000002,
  EPOLLOUT = 0x00000004,
  EPOLLERR = 0x00000008,
  EPOLLHUP = 0x00000010,
  EPOLLNVAL = 0x00000020,
  EPOLLRDNORM = 0x00000040,
  EPOLLRDBAND = 0x00000080,
  EPOLLWRNORM = 0x00000100,
  EPOLLWRBAND = 0x00000200,
  EPOLLMSG = 0x00000400,
  EPOLLRDHUP = 0x00002000,
  EPOLLEXCLUSIVE = 0x10000000,
  EPOLLWAKEUP = 0x20000000,
  EPOLLONESHOT = 0x40000000,
  EPOLLET = 0x80000000

/** The EPOLL* events with the kernel version from which io_uring takes each. */
export const EPOLL_EVENTS: readonly ConstantEntry[] = [
  { name: 'IN', value: EPOLLIN, since: '5.6' },
  { name: 'PRI', value: EPOLLPRI, since: '5.6' },
  { name: 'OUT', value: EPOLLOUT, since: '5.6' },
  { name: 'ERR', value: EPOLLERR, since: '5.6' },
  { name: 'HUP', value: EPOLLHUP, since: '5.6' },
  { name: 'NVAL', value: EPOLLNVAL, since: '5.6' },
  { name: 'RDNORM', value: EPOLLRDNORM, since: '5.6' },
  { name: 'RDBAND', value: EPOLLRDBAND, since: '5.6' },
  { name: 'WRNORM', value: EPOLLWRNORM, since: '5.6' },
  { name: 'WRBAND', value: EPOLLWRBAND, since: '5.6' },
  { name: 'MSG', value: EPOLLMSG, since: '5.6' },
  { name: 'RDHUP', value: EPOLLRDHUP, since: '5.6' },
  { name: 'EXCLUSIVE', value: EPOLLEXCLUSIVE, since: '5.6' },
  { name: 'WAKEUP', value: EPOLLWAKEUP, since: '5.6' },
  { name: 'ONESHOT', value: EPOLLONESHOT, since: '5.6' },
  { name: 'ET', value: EPOLLET, since: '5.6' },
]

/** epoll_ctl(2) operations, as EPOLL_CTL takes them in sqe->len. */
export const EPOLL_CTL_ADD = 1,
  EPOLL_CTL_DEL = 2,
  EPOLL_CTL_MOD = 3

// ---- sockets -----------------------------------------------------------------------------------
/** Address families (socket(2)'s domain, sockaddr's family field). */
export const AF_UNSPEC = 0,
  AF_UNIX = 1,
  AF_INET = 2,
  AF_INET6 = 10,
  AF_NETLINK = 16,
  AF_PACKET = 17

/** Socket types for socket(2), and the SOCK_NONBLOCK and SOCK_CLOEXEC flags OR-ed into the type. */
export const SOCK_STREAM = 1,
  SOCK_DGRAM = 2,
  SOCK_RAW = 3,
  SOCK_SEQPACKET = 5,
  SOCK_NONBLOCK = 0o4000,
  SOCK_CLOEXEC = 0o2000000

/** IP protocol numbers: socket(2)'s protocol, and the level of IP, TCP, UDP and IPv6 socket options. */
export const IPPROTO_IP = 0,
  IPPROTO_TCP = 6,
  IPPROTO_UDP = 17,
  IPPROTO_IPV6 = 41

/**
 * Socket option levels and names for setsockopt(2) / getsockopt(2) (SOL_SOCKET with SO_*, IPPROTO_IP with
 * IP_*, IPPROTO_IPV6 with IPV6_*), and the ancillary message types SCM_RIGHTS (passing fds) and
 * SCM_CREDENTIALS.
 */
export const SOL_SOCKET = 1,
  SO_REUSEADDR = 2,
  SO_TYPE = 3,
  SO_ERROR = 4,
  SO_SNDBUF = 7,
  SO_RCVBUF = 8,
  SO_KEEPALIVE = 9,
  SO_REUSEPORT = 15,
  SCM_RIGHTS = 1,
  SCM_CREDENTIALS = 2,
  SO_PASSCRED = 16,
  IP_PKTINFO = 8,
  IPV6_RECVPKTINFO = 49,
  IPV6_PKTINFO = 50

/** shutdown(2)'s `how`: stop receiving, sending, or both. */
export const SHUT_RD = 0,
  SHUT_WR = 1,
  SHUT_RDWR = 2

// ---- send/recv message flags (msg_flags) ------------------------------------------------------
/**
 * send(2) / recv(2) message flags (msg_flags, and the flags of a received msghdr); MSG_FLAGS gives the kernel
 * version from which io_uring takes each.
 */
export const MSG_OOB = 0x1,
  MSG_PEEK = 0x2,
  MSG_DONTROUTE = 0x4,
  MSG_CTRUNC = 0x8,
  MSG_TRUNC = 0x20,
  MSG_DONTWAIT = 0x40,
  MSG_EOR = 0x80,
  MSG_WAITALL = 0x100,
  MSG_CONFIRM = 0x800,
  MSG_ERRQUEUE = 0x2000,
  MSG_NOSIGNAL = 0x4000,
  MSG_MORE = 0x8000,
  MSG_WAITFORONE = 0x10000,
  MSG_ZEROCOPY = 0x4000000,
  MSG_FASTOPEN = 0x20000000,
  MSG_CMSG_CLOEXEC = 0x40000000

/** The MSG_* flags with the kernel version from which io_uring takes each. */
export const MSG_FLAGS: readonly ConstantEntry[] = [
  { name: 'OOB', value: MSG_OOB, since: '5.3' },
  { name: 'PEEK', value: MSG_PEEK, since: '5.3' },
  { name: 'DONTROUTE', value: MSG_DONTROUTE, since: '5.3' },
  { name: 'CTRUNC', value: MSG_CTRUNC, since: '5.3' },
  { name: 'TRUNC', value: MSG_TRUNC, since: '5.3' },
  { name: 'DONTWAIT', value: MSG_DONTWAIT, since: '5.3' },
  { name: 'EOR', value: MSG_EOR, since: '5.3' },
  { name: 'WAITALL', value: MSG_WAITALL, since: '5.3' },
  { name: 'CONFIRM', value: MSG_CONFIRM, since: '5.3' },
  { name: 'ERRQUEUE', value: MSG_ERRQUEUE, since: '5.3' },
  { name: 'NOSIGNAL', value: MSG_NOSIGNAL, since: '5.3' },
  { name: 'MORE', value: MSG_MORE, since: '5.3' },
  { name: 'WAITFORONE', value: MSG_WAITFORONE, since: '5.3' },
  { name: 'ZEROCOPY', value: MSG_ZEROCOPY, since: '5.3' },
  { name: 'FASTOPEN', value: MSG_FASTOPEN, since: '5.3' },
  { name: 'CMSG_CLOEXEC', value: MSG_CMSG_CLOEXEC, since: '5.3' },
]

// ---- preadv2/pwritev2 flags (sqe->rw_flags) ----------------------------------------------------
/**
 * preadv2(2) / pwritev2(2) flags, as READ, WRITE and their vectored and fixed forms take them in
 * sqe->rw_flags; RWF_FLAGS gives the kernel version of each.
 */
export const RWF_HIPRI = 0x01,
  RWF_DSYNC = 0x02,
  RWF_SYNC = 0x04,
  RWF_NOWAIT = 0x08,
  RWF_APPEND = 0x10,
  RWF_NOAPPEND = 0x20,
  RWF_ATOMIC = 0x40,
  RWF_DONTCACHE = 0x80,
  RWF_NOSIGNAL = 0x100

/** The RWF_* flags with the kernel version from which io_uring takes each. */
export const RWF_FLAGS: readonly ConstantEntry[] = [
  { name: 'HIPRI', value: RWF_HIPRI, since: '5.1' },
  { name: 'DSYNC', value: RWF_DSYNC, since: '5.1' },
  { name: 'SYNC', value: RWF_SYNC, since: '5.1' },
  { name: 'NOWAIT', value: RWF_NOWAIT, since: '5.1' },
  { name: 'APPEND', value: RWF_APPEND, since: '5.1' },
  { name: 'NOAPPEND', value: RWF_NOAPPEND, since: '6.9' },
  { name: 'ATOMIC', value: RWF_ATOMIC, since: '6.11' },
  { name: 'DONTCACHE', value: RWF_DONTCACHE, since: '6.14' },
  { name: 'NOSIGNAL', value: RWF_NOSIGNAL, since: '6.17' },
]

// ---- statx(2) ------------------------------------------------------------------------------------
/** statx(2) mask bits: which fields to fetch (the request) and which were filled (stx_mask). */
export const STATX_TYPE = 0x1,
  STATX_MODE = 0x2,
  STATX_NLINK = 0x4,
  STATX_UID = 0x8,
  STATX_GID = 0x10,
  STATX_ATIME = 0x20,
  STATX_MTIME = 0x40,
  STATX_CTIME = 0x80,
  STATX_INO = 0x100,
  STATX_SIZE = 0x200,
  STATX_BLOCKS = 0x400,
  STATX_BASIC_STATS = 0x7ff,
  STATX_BTIME = 0x800,
  STATX_MNT_ID = 0x1000,
  STATX_DIOALIGN = 0x2000,
  STATX_MNT_ID_UNIQUE = 0x4000,
  STATX_SUBVOL = 0x8000,
  STATX_WRITE_ATOMIC = 0x10000,
  STATX_DIO_READ_ALIGN = 0x20000

/** statx(2) file attribute bits, in stx_attributes (stx_attributes_mask says which the filesystem supports). */
export const STATX_ATTR_COMPRESSED = 0x4,
  STATX_ATTR_IMMUTABLE = 0x10,
  STATX_ATTR_APPEND = 0x20,
  STATX_ATTR_NODUMP = 0x40,
  STATX_ATTR_ENCRYPTED = 0x800,
  STATX_ATTR_AUTOMOUNT = 0x1000,
  STATX_ATTR_MOUNT_ROOT = 0x2000,
  STATX_ATTR_VERITY = 0x100000,
  STATX_ATTR_DAX = 0x200000,
  STATX_ATTR_WRITE_ATOMIC = 0x400000

/** File type bits of a mode (stx_mode & S_IFMT). */
export const S_IFMT = 0o170000,
  S_IFSOCK = 0o140000,
  S_IFLNK = 0o120000,
  S_IFREG = 0o100000,
  S_IFBLK = 0o60000,
  S_IFDIR = 0o40000,
  S_IFCHR = 0o20000,
  S_IFIFO = 0o10000

// ---- renameat2, unlinkat, xattr, sync_file_range, fallocate, fadvise --------------------------------
/** renameat2(2) flags, as RENAMEAT takes them. */
export const RENAME_NOREPLACE = 1 << 0,
  RENAME_EXCHANGE = 1 << 1,
  RENAME_WHITEOUT = 1 << 2
/** setxattr(2) flags: fail if the attribute exists (CREATE) or does not (REPLACE). */
export const XATTR_CREATE = 0x1,
  XATTR_REPLACE = 0x2
/** sync_file_range(2) flags, as SYNC_FILE_RANGE takes them. */
export const SYNC_FILE_RANGE_WAIT_BEFORE = 1,
  SYNC_FILE_RANGE_WRITE = 2,
  SYNC_FILE_RANGE_WAIT_AFTER = 4
/** fallocate(2) modes, as FALLOCATE takes them. */
export const FALLOC_FL_KEEP_SIZE = 0x01,
  FALLOC_FL_PUNCH_HOLE = 0x02,
  FALLOC_FL_COLLAPSE_RANGE = 0x08,
  FALLOC_FL_ZERO_RANGE = 0x10,
  FALLOC_FL_INSERT_RANGE = 0x20,
  FALLOC_FL_UNSHARE_RANGE = 0x40
/** posix_fadvise(2) advice, as FADVISE takes it. */
export const POSIX_FADV_NORMAL = 0,
  POSIX_FADV_RANDOM = 1,
  POSIX_FADV_SEQUENTIAL = 2,
  POSIX_FADV_WILLNEED = 3,
  POSIX_FADV_DONTNEED = 4,
  POSIX_FADV_NOREUSE = 5
/** madvise(2) advice, as MADVISE takes it. */
export const MADV_NORMAL = 0,
  MADV_RANDOM = 1,
  MADV_SEQUENTIAL = 2,
  MADV_WILLNEED = 3,
  MADV_DONTNEED = 4,
  MADV_HUGEPAGE = 14

// ---- futex2 (FUTEX_WAIT/WAKE/WAITV), waitid ------------------------------------------------------------
/**
 * futex2 flags for FUTEX_WAIT, FUTEX_WAKE and FUTEX_WAITV (the word's size, NUMA, process-private), the bitset
 * that matches any waiter, and the most futexes one FUTEX_WAITV waits on.
 */
export const FUTEX2_SIZE_U8 = 0x00,
  FUTEX2_SIZE_U16 = 0x01,
  FUTEX2_SIZE_U32 = 0x02,
  FUTEX2_SIZE_U64 = 0x03,
  FUTEX2_NUMA = 0x04,
  FUTEX2_PRIVATE = 128,
  FUTEX_BITSET_MATCH_ANY = 0xffffffff,
  FUTEX_WAITV_MAX = 128

/** waitid(2): the id type (P_*) and the options (W*), as WAITID takes them. */
export const P_ALL = 0,
  P_PID = 1,
  P_PGID = 2,
  P_PIDFD = 3,
  WNOHANG = 0x00000001,
  WSTOPPED = 0x00000002,
  WEXITED = 0x00000004,
  WCONTINUED = 0x00000008,
  WNOWAIT = 0x01000000

// ---- clocks (IORING_REGISTER_CLOCK, timeouts) ----------------------------------------------------------
/** Clock ids, for IORING_REGISTER_CLOCK and timeouts. */
export const CLOCK_REALTIME = 0,
  CLOCK_MONOTONIC = 1,
  CLOCK_BOOTTIME = 7
