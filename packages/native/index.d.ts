/**
 * The one native piece of @iouring: io_uring_setup and the ring mappings, io_uring_enter and
 * io_uring_register, the event-loop integration, and the few system calls io_uring has no
 * operation for. Everything else happens in TypeScript, on the mapped rings.
 *
 * @module @iouring/native
 */
/** Opaque handle to a ring owned by the addon. */
export type RingHandle = { readonly __ringHandle: unique symbol }

/** What setup() asks io_uring_setup(2) for (struct io_uring_params's inputs). */
export interface SetupOptions {
  /** SQ entries (the kernel rounds up to a power of two). */
  entries?: number
  /** CQ entries; used with IORING_SETUP_CQSIZE in `flags`. */
  cqEntries?: number
  /** IORING_SETUP_* bits. IORING_SETUP_NO_MMAP is refused (EINVAL). */
  flags?: number
  /** The CPU an SQPOLL thread is bound to (IORING_SETUP_SQ_AFF). */
  sqThreadCpu?: number
  /** Milliseconds an SQPOLL thread spins idle before it sleeps. */
  sqThreadIdle?: number
  /** The ring fd whose io-wq this ring shares (IORING_SETUP_ATTACH_WQ). */
  wqFd?: number
}

/** Byte offsets inside the SQ ring (io_sqring_offsets). */
export interface SqOffsets {
  /** The SQ head (__u32), advanced by the kernel as it consumes SQEs. */
  head: number
  /** The SQ tail (__u32), published by the application. */
  tail: number
  /** The ring mask (entries - 1). */
  ringMask: number
  /** The number of SQ entries. */
  ringEntries: number
  /** IORING_SQ_* flags, set by the kernel. */
  flags: number
  /** SQEs the kernel dropped as invalid. */
  dropped: number
  /** The SQ index array (absent with IORING_SETUP_NO_SQARRAY). */
  array: number
}
/** Byte offsets inside the CQ ring (io_cqring_offsets). */
export interface CqOffsets {
  /** The CQ head (__u32), published by the application as it consumes CQEs. */
  head: number
  /** The CQ tail (__u32), advanced by the kernel as it posts CQEs. */
  tail: number
  /** The ring mask (entries - 1). */
  ringMask: number
  /** The number of CQ entries. */
  ringEntries: number
  /** CQEs lost to overflow on kernels without IORING_FEAT_NODROP. */
  overflow: number
  /** The first CQE. */
  cqes: number
  /** IORING_CQ_* flags, written by the application. */
  flags: number
}

/** A new ring as setup() returns it: its fd, sizes, flags, offsets and the mapped memory. */
export interface RingDescription {
  /** The handle the other functions take. */
  handle: RingHandle
  /** The ring's file descriptor (owned by the addon: close() closes it). */
  fd: number
  /** SQ entries the kernel gave. */
  sqEntries: number
  /** CQ entries the kernel gave. */
  cqEntries: number
  /** IORING_SETUP_* bits in effect. */
  flags: number
  /** IORING_FEAT_* bits the kernel reported. */
  features: number
  /** As passed. */
  sqThreadCpu: number
  /** As passed. */
  sqThreadIdle: number
  /** Where the SQ ring's fields are in `sqRing`. */
  sqOff: SqOffsets
  /** Where the CQ ring's fields are in `cqRing`. */
  cqOff: CqOffsets
  /** The mapped SQ ring (and the CQ ring too with IORING_FEAT_SINGLE_MMAP). Detached by close(). */
  sqRing: ArrayBuffer
  /** The mapped CQ ring. Detached by close(). */
  cqRing: ArrayBuffer
  /** The mapped SQE array. Detached by close(). */
  sqes: ArrayBuffer
  /** Control block shared with the addon; see CONTROL. */
  control: ArrayBuffer
}

/**
 * io_uring_setup + mmap + event-loop watchers. `onWake(status)` is called once per
 * wake-up of the ring fd or of a DEFER_TASKRUN ring's eventfd (status 0; see
 * ringEventfd), or when a loop-iteration flush or task-work run failed (-errno; a
 * refused flush is reported once, and retried only once more is published).
 * The addon holds `onWake` strongly only while CONTROL.PENDING is above 0; keep
 * it reachable yourself otherwise. Returns -errno on failure.
 */
export function setup(options: SetupOptions, onWake: (status: number) => void): RingDescription | number
/** io_uring_enter with an optional argument (sigset, or io_uring_getevents_arg with IORING_ENTER_EXT_ARG). Result or -errno. */
export function enter(handle: RingHandle, toSubmit: number, minComplete: number, flags: number, arg?: ArrayBufferView | ArrayBuffer | null): number
/** Submits every SQE published past the kernel's SQ head (what the loop-iteration flush does). Count or -errno. */
export function submit(handle: RingHandle, extraEnterFlags?: number): number
/**
 * io_uring_register(ring fd, opcode, arg, nrArgs). Result or -errno. Throws ERR_OUT_OF_RANGE when `arg`
 * is shorter than what the kernel reads or writes there for `opcode` and `nrArgs`, and
 * ERR_INVALID_ARG_VALUE for IORING_REGISTER_RESIZE_RINGS (use resize()) or an opcode the addon does not
 * know given an `arg`.
 */
export function register(handle: RingHandle, opcode: number, arg: ArrayBufferView | ArrayBuffer | null | undefined, nrArgs: number): number
/** What resize() returns: the ring as setup() describes it, without the handle and control block. */
export type ResizedRings = Omit<RingDescription, 'handle' | 'control'>
/**
 * IORING_REGISTER_RESIZE_RINGS (Linux 6.13) with IORING_SETUP_CQSIZE/CLAMP in `flags`: the rings move to new memory.
 * The old sqRing/cqRing/sqes ArrayBuffers are detached. Returns the new description, or -errno. When the
 * kernel moved the rings but they could not be mapped, the ring is closed (as by close()) and -errno returned.
 */
export function resize(handle: RingHandle, sqEntries: number, cqEntries: number, flags: number): ResizedRings | number
/** Registers the ring fd itself (IORING_REGISTER_RING_FDS); later enters use IORING_ENTER_REGISTERED_RING. 0 or -errno. */
export function registerRingFd(handle: RingHandle): number
/** Re-reads CONTROL.INFLIGHT and CONTROL.WANT_REF and refs or unrefs the loop. */
export function updateRef(handle: RingHandle): void
/**
 * Detaches the mapped ArrayBuffers, then cancels what is in flight and waits (up to 5 s) until the kernel
 * has completed it, unregisters buffers, files and the registered ring fd, unmaps the rings, closes the fd
 * and the watchers.
 */
export function close(handle: RingHandle): void
/** Address of the first byte of a buffer or view (cached per ArrayBuffer). */
export function addressOf(view: ArrayBufferView | ArrayBuffer | SharedArrayBuffer): number

/**
 * The eventfd the addon registered with this ring, or -1. A DEFER_TASKRUN ring
 * has one: the kernel signals it when task work is queued, and the addon runs
 * that work from the event loop. A ring holds one eventfd, so there is no room
 * for the user's.
 */
export function ringEventfd(handle: RingHandle): number

/**
 * eventfd(2): a new eventfd with counter `initval` and EFD flags (default 0), or -errno.
 * Read its counter with node:fs (an 8-byte read); close it with fs.closeSync.
 */
export function eventfd(initval?: number, flags?: number): number
/** epoll_create1(EPOLL_CLOEXEC): an epoll fd for IORING_OP_EPOLL_CTL / EPOLL_WAIT, or -errno. */
export function epollCreate(): number
/**
 * pipe2(2): `[readFd, writeFd]`, or -errno. `flags` are O_* bits (default O_CLOEXEC; O_NONBLOCK, O_DIRECT).
 * Close both ends with fs.closeSync. Kernels since 6.16 can make one through the ring (IORING_OP_PIPE).
 */
export function pipe(flags?: number): [number, number] | number
/** fcntl(F_SETPIPE_SZ): sets a pipe's capacity (rounded up to a power-of-two number of pages; at most /proc/sys/fs/pipe-max-size unless privileged). The new capacity, or -errno. */
export function setPipeSize(fd: number, size: number): number
/**
 * The calling thread's credentials into `out`: `[ruid, euid, suid, rgid, egid, sgid, n, ...n supplementary
 * groups]` (getresuid, getresgid, getgroups). Returns the number of words that takes; when that is more than
 * `out.length`, only the ids were written: ask again with a longer array. -errno on failure (-EINVAL: `out`
 * is not a Uint32Array of at least 7 elements).
 */
export function credentials(out: Uint32Array): number
/**
 * Zeroed, page-aligned anonymous memory (mmap MAP_PRIVATE | MAP_ANONYMOUS) of `size` bytes, or -errno.
 * Unmapped when the ArrayBuffer is collected or detached (detach()).
 */
export function mapMemory(size: number): ArrayBuffer | number
/**
 * Maps `size` bytes of the ring fd at `offset` (MAP_SHARED): memory the kernel allocated, such as a buffer
 * ring registered with IOU_PBUF_RING_MMAP (offset IORING_OFF_PBUF_RING | bgid << IORING_OFF_PBUF_SHIFT).
 * Returns the ArrayBuffer, or -errno. The mapping holds the kernel's pages and the ring's file until it is
 * unmapped: when the ArrayBuffer is collected or detached (detach()).
 */
export function mapRingRegion(handle: RingHandle, offset: number, size: number): ArrayBuffer | number
/**
 * A new ArrayBuffer over bytes [offset, offset + length) of `buffer`'s memory, which it does not own: keep
 * `buffer` alive while the alias may be read, and detach the alias to end that. Throws ERR_OUT_OF_RANGE for a
 * range outside `buffer`.
 */
export function alias(buffer: ArrayBuffer, offset: number, length: number): ArrayBuffer
/** Detaches an ArrayBuffer (from mapMemory, mapRingRegion or alias): its views become zero-length. */
export function detach(buffer: ArrayBuffer): void
/** socket(2) with SOCK_CLOEXEC added: the fd, or -errno. For kernels without IORING_OP_SOCKET (5.19). */
export function socket(domain: number, type: number, protocol: number): number
/** bind(2) to the encoded sockaddr in `address` (its byteLength is the length). 0 or -errno. */
export function bind(fd: number, address: ArrayBufferView): number
/** listen(2). 0 or -errno. */
export function listen(fd: number, backlog: number): number
/** shutdown(2) (SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2). 0 or -errno. For kernels without IORING_OP_SHUTDOWN (5.11). */
export function shutdown(fd: number, how: number): number
/** getsockname(2) into `buffer` (at least 110 bytes holds any address): the address's length, or -errno. */
export function getsockname(fd: number, buffer: ArrayBufferView): number
/** getpeername(2) into `buffer`: the address's length, or -errno. */
export function getpeername(fd: number, buffer: ArrayBufferView): number
/** setsockopt(2) with the bytes of `value` (an int option: a 4-byte view). 0 or -errno. */
export function setsockopt(fd: number, level: number, name: number, value: ArrayBufferView): number
/** getsockopt(2) into `buffer`: the value's length, or -errno. */
export function getsockopt(fd: number, level: number, name: number, buffer: ArrayBufferView): number
/** eventfd(2) flags. */
export const EFD: { readonly SEMAPHORE: 1; readonly NONBLOCK: 2048; readonly CLOEXEC: 524288 }

/** An Error shaped like Node's own system errors (fs, net). */
export interface SystemError extends Error {
  /** The negative errno, as Node reports it (-2 for ENOENT). */
  errno: number
  /** The errno's name ('ENOENT'). */
  code: string
  /** The operation that failed ('open', 'read', 'connect'). */
  syscall: string
  /** The path involved, where there was one. */
  path?: string
  /** The destination path of a two-path operation (rename, link, copyFile). */
  dest?: string
  /** The network address involved, where there was one. */
  address?: string
  /** The port involved, where there was one. */
  port?: number
}
/** A Node-style system error (`code`, negative `errno`, `syscall`, and any extra fields given). */
export function systemError(errno: number, syscall: string, extra?: { path?: string; dest?: string; address?: string; port?: number }): SystemError

/** What can deny io_uring to a process; see availability(). */
export type UnavailableReason =
  /** A seccomp filter fails io_uring_setup, _enter or _register (container runtimes' default profiles do). */
  | 'seccomp'
  /** sysctl kernel.io_uring_disabled (2, or 1 for a process without CAP_SYS_ADMIN outside kernel.io_uring_group). */
  | 'sysctl'
  /** RLIMIT_MEMLOCK is too small for a ring (a process without CAP_IPC_LOCK). */
  | 'memlock'
  /** A kernel without io_uring: older than 5.1, or built without CONFIG_IO_URING. */
  | 'kernel'
  /** Not Linux. */
  | 'platform'
  /** This package's addon could not be loaded: no prebuild fits the system, and it was not built from source. */
  | 'addon'
  /** EPERM or EACCES with none of the causes above (a Linux security module). */
  | 'denied'

/** Whether this process can make io_uring rings, and if not, why. */
export type Availability =
  | { readonly available: true; readonly reason: null; readonly errno: 0; readonly message: string }
  | {
      readonly available: false
      readonly reason: UnavailableReason
      /** The negative errno the kernel answered (0 for 'platform'; -ENOMEM for a memlock limit below the smallest ring). */
      readonly errno: number
      /** One sentence: what denies io_uring here, and what to do about it. */
      readonly message: string
    }

/**
 * Whether this process can make io_uring rings. Asks the kernel (three system
 * calls that create nothing) and reads /proc; never throws. Loading
 * @iouring/native never fails for lack of io_uring: this says whether it is there.
 */
export function availability(): Availability

/** ERR_IOURING_UNAVAILABLE, as `new IoUring()` throws it. */
export interface UnavailableError extends Error {
  /** Always 'ERR_IOURING_UNAVAILABLE'. */
  code: 'ERR_IOURING_UNAVAILABLE'
  /** What denies io_uring (availability().reason). */
  reason: UnavailableReason
  /** The negative errno the kernel answered (0 for 'platform'). */
  errno: number
  /** The call that was refused ('io_uring_setup'). */
  syscall: string
}
/** An ERR_IOURING_UNAVAILABLE error carrying an unavailable Availability's reason, errno and message. */
export function unavailableError(availability: Availability & { available: false }, syscall?: string): UnavailableError
/**
 * The error a failed io_uring_setup (-errno) becomes: ERR_IOURING_UNAVAILABLE when
 * seccomp, the sysctl, the kernel or RLIMIT_MEMLOCK denies the ring, else the system error.
 */
export function setupError(errno: number): UnavailableError | SystemError
/** RLIMIT_MEMLOCK of this process in bytes (Infinity: unlimited), or undefined if unknown. */
export function memlockLimit(): number | undefined

/**
 * Layout of the control block (`RingDescription.control`): Int32 slots and Float64 stats.
 * JavaScript writes INFLIGHT (requests that keep the loop alive), PENDING (requests in flight) and
 * WANT_REF; after raising them it calls updateRef() when ARMED is 0. While PENDING is above 0 the
 * addon holds onWake (and so whatever it reaches) strongly, otherwise weakly: an idle ring can be
 * garbage-collected. DISABLED is 1 for an R_DISABLED ring until IORING_REGISTER_ENABLE_RINGS
 * succeeds through register(). On SQPOLL rings SUBMITTED counts what the kernel thread consumed up
 * to the SQ head SQ_SEEN; the head's movement since then is consumed too.
 */
export const CONTROL: {
  readonly BYTES: 56
  readonly INFLIGHT: 0
  readonly WANT_REF: 1
  readonly REFED: 2
  readonly FLUSH_ERR: 3
  readonly ENTER_CALLS: 2
  readonly SUBMITTED: 3
  readonly WAKEUPS: 4
  readonly ARMED: 10
  readonly DISABLED: 11
  readonly SQ_SEEN: 12
  readonly PENDING: 13
}
