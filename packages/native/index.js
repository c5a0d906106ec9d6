'use strict'
// Thin wrapper over the addon: loads it, tells whether io_uring can be used
// here (availability()), and turns negative errno results into Node-style
// errors. Loading never fails for lack of io_uring, nor on other systems:
// only making a ring does.
const util = require('util')
const { probe, addonMissing, setupDenial, unavailableError, memlockLimit } = require('./availability')

// Why the addon could not be loaded on Linux (no prebuild fits, none built), if so.
let addonError
const binding = process.platform === 'linux' ? loadAddon() : withoutAddon()

function loadAddon () {
  try {
    return require('node-gyp-build')(__dirname)
  } catch (err) {
    addonError = err
    return withoutAddon()
  }
}

/** Where there is no addon (not Linux, or not built), every one of its functions throws ERR_IOURING_UNAVAILABLE. */
function withoutAddon () {
  const refuse = () => { throw unavailableError(availability()) }
  return new Proxy({}, { get: () => refuse })
}

// Layout of the control block shared with the addon (binding.c, CTRL_*).
const CONTROL = Object.freeze({
  BYTES: 56,
  INFLIGHT: 0, // Int32 index, JS: requests that keep the event loop alive
  WANT_REF: 1, // Int32 index, JS: 0 after ring.unref()
  REFED: 2, // Int32 index, native: the loop is held
  FLUSH_ERR: 3, // Int32 index, native: -errno of the last failed loop flush
  ENTER_CALLS: 2, // Float64 index
  SUBMITTED: 3, // Float64 index
  WAKEUPS: 4, // Float64 index
  ARMED: 10, // Int32 index, native: 0 when starting work must call updateRef()
  DISABLED: 11, // Int32 index, native: the ring was made R_DISABLED and not enabled yet
  SQ_SEEN: 12, // Int32 index, native: SQPOLL rings: the SQ head SUBMITTED counts up to
  PENDING: 13 // Int32 index, JS: requests in flight (the addon then holds onWake strongly)
})

// errno (positive) -> [code, message]: Node's own names and messages where
// libuv has them, the complete Linux table (errno.js) for the rest.
const ERRNOS = new Map(require('./errno.js').map(([errno, code, message]) => [errno, [code, message]]))
for (const [negative, entry] of util.getSystemErrorMap()) if (ERRNOS.has(-negative)) ERRNOS.set(-negative, entry)

/**
 * A Node-style system error: `code` ('ENOENT'), `errno` (negative, as Node
 * reports it), `syscall`, and `path`/`dest`/`address`/`port` when given.
 */
function systemError (errno, syscall, extra) {
  const negative = errno < 0 ? errno : -errno
  const [code, description] = ERRNOS.get(-negative) ?? [util.getSystemErrorName(negative), 'unknown error']
  let message = `${code}: ${description}, ${syscall}`
  if (extra?.path !== undefined) message += ` '${extra.path}'`
  if (extra?.dest !== undefined) message += ` -> '${extra.dest}'`
  if (extra?.address !== undefined) message += ` ${extra.address}${extra.port !== undefined ? ':' + extra.port : ''}`
  const err = new Error(message)
  err.errno = negative
  err.code = code
  err.syscall = syscall
  if (extra) Object.assign(err, extra)
  Error.captureStackTrace?.(err, systemError)
  return err
}

/**
 * Whether this process can make io_uring rings: `{ available, reason, errno,
 * message }`, where `reason` is null or one of 'seccomp', 'sysctl',
 * 'memlock', 'kernel', 'platform', 'addon', 'denied' and `message` says in one
 * sentence what denies io_uring and what to do about it. Asks the kernel each
 * time (three system calls that create nothing), so it never throws.
 */
function availability () {
  if (addonError !== undefined) return addonMissing(addonError)
  return probe(process.platform === 'linux' ? binding.check : undefined)
}

/**
 * The error a failed io_uring_setup becomes: ERR_IOURING_UNAVAILABLE (with
 * `reason`) when seccomp, the sysctl, the kernel or RLIMIT_MEMLOCK denies the
 * ring, else the system error.
 */
function setupError (errno) {
  const denial = setupDenial(errno)
  return denial === undefined ? systemError(errno, 'io_uring_setup') : unavailableError(denial)
}

// eventfd(2) flags (<sys/eventfd.h>), for eventfd().
const EFD = Object.freeze({
  SEMAPHORE: 1,
  NONBLOCK: 0o4000,
  CLOEXEC: 0o2000000
})

const addresses = new WeakMap()

/**
 * Address of the first byte of an ArrayBuffer, SharedArrayBuffer or view.
 * The base address of each buffer is asked of the addon once and cached:
 * a non-resizable buffer's memory does not move once it has an address.
 */
function addressOf (view) {
  if (ArrayBuffer.isView(view)) {
    const buffer = view.buffer
    let base = addresses.get(buffer)
    if (base === undefined) {
      base = binding.address(view) - view.byteOffset
      addresses.set(buffer, base)
    }
    return base + view.byteOffset
  }
  let base = addresses.get(view)
  if (base === undefined) {
    if (!(view instanceof ArrayBuffer) && !(view instanceof SharedArrayBuffer)) {
      const err = new TypeError('The "view" argument must be an ArrayBuffer, SharedArrayBuffer or ArrayBufferView')
      err.code = 'ERR_INVALID_ARG_TYPE'
      throw err
    }
    base = binding.address(new Uint8Array(view))
    addresses.set(view, base)
  }
  return base
}

// One exports.name = ... per line: Node's ESM loader detects these names, so
// `import { setup } from '@iouring/native'` works.
exports.setup = binding.setup
exports.enter = binding.enter
exports.submit = binding.submit
exports.register = binding.register
exports.registerRingFd = binding.registerRingFd
exports.resize = binding.resize
exports.updateRef = binding.updateRef
exports.close = binding.close
exports.addressOf = addressOf
exports.eventfd = binding.eventfd
exports.ringEventfd = binding.ringEventfd
exports.epollCreate = binding.epollCreate
exports.pipe = binding.pipe
exports.setPipeSize = binding.setPipeSize
exports.credentials = binding.credentials
exports.mapMemory = binding.mapMemory
exports.mapRingRegion = binding.mapRingRegion
exports.alias = binding.alias
exports.detach = binding.detach
exports.socket = binding.socket
exports.bind = binding.bind
exports.listen = binding.listen
exports.shutdown = binding.shutdown
exports.getsockname = binding.getsockname
exports.getpeername = binding.getpeername
exports.setsockopt = binding.setsockopt
exports.getsockopt = binding.getsockopt
exports.EFD = EFD
exports.systemError = systemError
exports.availability = availability
exports.unavailableError = unavailableError
exports.setupError = setupError
exports.memlockLimit = memlockLimit
exports.CONTROL = CONTROL
