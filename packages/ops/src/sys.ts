// Linux constants io_uring requests carry that are not io_uring's own: open,
// resolve, poll, socket, message, rw, statx, futex, ... flags, named as the
// kernel names them. Values are those of x86-64 and aarch64 (asm-generic);
// the four O_* bits where aarch64 differs follow the running architecture.
// Table `since` is the kernel from which io_uring accepts the value.

import type { ConstantEntry } from './constants.js'

/** The CPU architecture, where a JavaScript runtime exposes one. */
const ARCH: string = typeof process === 'object' && process !== null && typeof process.arch === 'string' ? process.arch : 'x64'

// ---- *at(2) ---------------------------------------------------------------------------
export const AT_FDCWD = -100
export const AT_SYMLINK_NOFOLLOW = 0x100
export const AT_REMOVEDIR = 0x200
export const AT_SYMLINK_FOLLOW = 0x400
export const AT_NO_AUTOMOUNT = 0x800
export const AT_EMPTY_PATH = 0x1000
export const AT_STATX_SYNC_AS_STAT = 0x0000
export const AT_STATX_FORCE_SYNC = 0x2000
export const AT_STATX_DONT_SYNC = 0x4000

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

export const O_RDONLY = 0o0
export const O_WRONLY = 0o1
export const O_RDWR = 0o2
export const O_ACCMODE = 0o3
export const O_CREAT = 0o100
export const O_EXCL = 0o200
export const O_NOCTTY = 0o400
export const O_TRUNC = 0o1000
export const O_APPEND = 0o2000
export const O_NONBLOCK = 0o4000
export const O_NDELAY = O_NONBLOCK
export const O_DSYNC = 0o10000
export const FASYNC = 0o20000
export const O_DIRECT = archOpen.O_DIRECT
export const O_LARGEFILE = archOpen.O_LARGEFILE
export const O_DIRECTORY = archOpen.O_DIRECTORY
export const O_NOFOLLOW = archOpen.O_NOFOLLOW
export const O_NOATIME = 0o1000000
export const O_CLOEXEC = 0o2000000
export const O_SYNC = 0o4000000 | O_DSYNC
export const O_PATH = 0o10000000
export const O_TMPFILE = 0o20000000 | O_DIRECTORY

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
export const RESOLVE_NO_XDEV = 0x01
export const RESOLVE_NO_MAGICLINKS = 0x02
export const RESOLVE_NO_SYMLINKS = 0x04
export const RESOLVE_BENEATH = 0x08
export const RESOLVE_IN_ROOT = 0x10
export const RESOLVE_CACHED = 0x20

export const RESOLVE_FLAGS: readonly ConstantEntry[] = [
  { name: 'NO_XDEV', value: RESOLVE_NO_XDEV, since: '5.6' },
  { name: 'NO_MAGICLINKS', value: RESOLVE_NO_MAGICLINKS, since: '5.6' },
  { name: 'NO_SYMLINKS', value: RESOLVE_NO_SYMLINKS, since: '5.6' },
  { name: 'BENEATH', value: RESOLVE_BENEATH, since: '5.6' },
  { name: 'IN_ROOT', value: RESOLVE_IN_ROOT, since: '5.6' },
  { name: 'CACHED', value: RESOLVE_CACHED, since: '5.12' },
]

// ---- poll(2) / epoll(7) events (POLL_ADD's poll32_events, epoll_event.events) -----------------
export const POLLIN = 0x0001
export const POLLPRI = 0x0002
export const POLLOUT = 0x0004
export const POLLERR = 0x0008
export const POLLHUP = 0x0010
export const POLLNVAL = 0x0020
export const POLLRDNORM = 0x0040
export const POLLRDBAND = 0x0080
export const POLLWRNORM = 0x0100
export const POLLWRBAND = 0x0200
export const POLLMSG = 0x0400
export const POLLRDHUP = 0x2000

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

export const EPOLLIN = 0x00000001
export const EPOLLPRI = 0x00000002
export const EPOLLOUT = 0x00000004
export const EPOLLERR = 0x00000008
export const EPOLLHUP = 0x00000010
export const EPOLLNVAL = 0x00000020
export const EPOLLRDNORM = 0x00000040
export const EPOLLRDBAND = 0x00000080
export const EPOLLWRNORM = 0x00000100
export const EPOLLWRBAND = 0x00000200
export const EPOLLMSG = 0x00000400
export const EPOLLRDHUP = 0x00002000
export const EPOLLEXCLUSIVE = 0x10000000
export const EPOLLWAKEUP = 0x20000000
export const EPOLLONESHOT = 0x40000000
export const EPOLLET = 0x80000000

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

export const EPOLL_CTL_ADD = 1
export const EPOLL_CTL_DEL = 2
export const EPOLL_CTL_MOD = 3

// ---- sockets -----------------------------------------------------------------------------------
export const AF_UNSPEC = 0
export const AF_UNIX = 1
export const AF_INET = 2
export const AF_INET6 = 10
export const AF_NETLINK = 16
export const AF_PACKET = 17

export const SOCK_STREAM = 1
export const SOCK_DGRAM = 2
export const SOCK_RAW = 3
export const SOCK_SEQPACKET = 5
export const SOCK_NONBLOCK = 0o4000
export const SOCK_CLOEXEC = 0o2000000

export const IPPROTO_IP = 0
export const IPPROTO_TCP = 6
export const IPPROTO_UDP = 17
export const IPPROTO_IPV6 = 41

export const SOL_SOCKET = 1
export const SO_REUSEADDR = 2
export const SO_TYPE = 3
export const SO_ERROR = 4
export const SO_SNDBUF = 7
export const SO_RCVBUF = 8
export const SO_KEEPALIVE = 9
export const SO_REUSEPORT = 15
export const SCM_RIGHTS = 1
export const SCM_CREDENTIALS = 2
export const IP_PKTINFO = 8
export const IPV6_RECVPKTINFO = 49
export const IPV6_PKTINFO = 50

export const SHUT_RD = 0
export const SHUT_WR = 1
export const SHUT_RDWR = 2

// ---- send/recv message flags (msg_flags) ------------------------------------------------------
export const MSG_OOB = 0x1
export const MSG_PEEK = 0x2
export const MSG_DONTROUTE = 0x4
export const MSG_CTRUNC = 0x8
export const MSG_TRUNC = 0x20
export const MSG_DONTWAIT = 0x40
export const MSG_EOR = 0x80
export const MSG_WAITALL = 0x100
export const MSG_CONFIRM = 0x800
export const MSG_ERRQUEUE = 0x2000
export const MSG_NOSIGNAL = 0x4000
export const MSG_MORE = 0x8000
export const MSG_WAITFORONE = 0x10000
export const MSG_ZEROCOPY = 0x4000000
export const MSG_FASTOPEN = 0x20000000
export const MSG_CMSG_CLOEXEC = 0x40000000

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
export const RWF_HIPRI = 0x01
export const RWF_DSYNC = 0x02
export const RWF_SYNC = 0x04
export const RWF_NOWAIT = 0x08
export const RWF_APPEND = 0x10
export const RWF_NOAPPEND = 0x20
export const RWF_ATOMIC = 0x40
export const RWF_DONTCACHE = 0x80
export const RWF_NOSIGNAL = 0x100

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
export const STATX_TYPE = 0x1
export const STATX_MODE = 0x2
export const STATX_NLINK = 0x4
export const STATX_UID = 0x8
export const STATX_GID = 0x10
export const STATX_ATIME = 0x20
export const STATX_MTIME = 0x40
export const STATX_CTIME = 0x80
export const STATX_INO = 0x100
export const STATX_SIZE = 0x200
export const STATX_BLOCKS = 0x400
export const STATX_BASIC_STATS = 0x7ff
export const STATX_BTIME = 0x800
export const STATX_MNT_ID = 0x1000
export const STATX_DIOALIGN = 0x2000
export const STATX_MNT_ID_UNIQUE = 0x4000
export const STATX_SUBVOL = 0x8000
export const STATX_WRITE_ATOMIC = 0x10000
export const STATX_DIO_READ_ALIGN = 0x20000

export const STATX_ATTR_COMPRESSED = 0x4
export const STATX_ATTR_IMMUTABLE = 0x10
export const STATX_ATTR_APPEND = 0x20
export const STATX_ATTR_NODUMP = 0x40
export const STATX_ATTR_ENCRYPTED = 0x800
export const STATX_ATTR_AUTOMOUNT = 0x1000
export const STATX_ATTR_MOUNT_ROOT = 0x2000
export const STATX_ATTR_VERITY = 0x100000
export const STATX_ATTR_DAX = 0x200000
export const STATX_ATTR_WRITE_ATOMIC = 0x400000

export const S_IFMT = 0o170000
export const S_IFSOCK = 0o140000
export const S_IFLNK = 0o120000
export const S_IFREG = 0o100000
export const S_IFBLK = 0o60000
export const S_IFDIR = 0o40000
export const S_IFCHR = 0o20000
export const S_IFIFO = 0o10000

// ---- renameat2, unlinkat, xattr, sync_file_range, fallocate, fadvise --------------------------------
export const RENAME_NOREPLACE = 1 << 0
export const RENAME_EXCHANGE = 1 << 1
export const RENAME_WHITEOUT = 1 << 2
export const XATTR_CREATE = 0x1
export const XATTR_REPLACE = 0x2
export const SYNC_FILE_RANGE_WAIT_BEFORE = 1
export const SYNC_FILE_RANGE_WRITE = 2
export const SYNC_FILE_RANGE_WAIT_AFTER = 4
export const FALLOC_FL_KEEP_SIZE = 0x01
export const FALLOC_FL_PUNCH_HOLE = 0x02
export const FALLOC_FL_COLLAPSE_RANGE = 0x08
export const FALLOC_FL_ZERO_RANGE = 0x10
export const FALLOC_FL_INSERT_RANGE = 0x20
export const FALLOC_FL_UNSHARE_RANGE = 0x40
export const POSIX_FADV_NORMAL = 0
export const POSIX_FADV_RANDOM = 1
export const POSIX_FADV_SEQUENTIAL = 2
export const POSIX_FADV_WILLNEED = 3
export const POSIX_FADV_DONTNEED = 4
export const POSIX_FADV_NOREUSE = 5
export const MADV_NORMAL = 0
export const MADV_RANDOM = 1
export const MADV_SEQUENTIAL = 2
export const MADV_WILLNEED = 3
export const MADV_DONTNEED = 4
export const MADV_HUGEPAGE = 14

// ---- futex2 (FUTEX_WAIT/WAKE/WAITV), waitid ------------------------------------------------------------
export const FUTEX2_SIZE_U8 = 0x00
export const FUTEX2_SIZE_U16 = 0x01
export const FUTEX2_SIZE_U32 = 0x02
export const FUTEX2_SIZE_U64 = 0x03
export const FUTEX2_NUMA = 0x04
export const FUTEX2_PRIVATE = 128
export const FUTEX_BITSET_MATCH_ANY = 0xffffffff
export const FUTEX_WAITV_MAX = 128

export const P_ALL = 0
export const P_PID = 1
export const P_PGID = 2
export const P_PIDFD = 3
export const WNOHANG = 0x00000001
export const WSTOPPED = 0x00000002
export const WEXITED = 0x00000004
export const WCONTINUED = 0x00000008
export const WNOWAIT = 0x01000000

// ---- clocks (IORING_REGISTER_CLOCK, timeouts) ----------------------------------------------------------
export const CLOCK_REALTIME = 0
export const CLOCK_MONOTONIC = 1
export const CLOCK_BOOTTIME = 7
