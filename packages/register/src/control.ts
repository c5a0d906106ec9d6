// The rest of io_uring_register(2): eventfd, restrictions, io-wq, the ring fd,
// personalities, sync cancel, clock, NAPI busy polling, ring resizing.
import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import {
  CLOCK_BOOTTIME,
  CLOCK_MONOTONIC,
  IORING_ASYNC_CANCEL_ALL,
  IORING_ASYNC_CANCEL_ANY,
  IORING_ASYNC_CANCEL_FD,
  IORING_ASYNC_CANCEL_FD_FIXED,
  IORING_ASYNC_CANCEL_OP,
  IORING_ASYNC_CANCEL_USERDATA,
  IORING_REGISTER_CLOCK,
  IORING_REGISTER_ENABLE_RINGS,
  IORING_REGISTER_EVENTFD,
  IORING_REGISTER_EVENTFD_ASYNC,
  IORING_REGISTER_IOWQ_AFF,
  IORING_REGISTER_IOWQ_MAX_WORKERS,
  IORING_REGISTER_NAPI,
  IORING_REGISTER_PERSONALITY,
  IORING_REGISTER_RESIZE_RINGS,
  IORING_REGISTER_RESTRICTIONS,
  IORING_REGISTER_RING_FDS,
  IORING_REGISTER_SYNC_CANCEL,
  IORING_RESTRICTION_REGISTER_OP,
  IORING_RESTRICTION_SQE_FLAGS_ALLOWED,
  IORING_RESTRICTION_SQE_FLAGS_REQUIRED,
  IORING_RESTRICTION_SQE_OP,
  IORING_UNREGISTER_EVENTFD,
  IORING_UNREGISTER_IOWQ_AFF,
  IORING_UNREGISTER_NAPI,
  IORING_UNREGISTER_PERSONALITY,
  IO_URING_NAPI_REGISTER_OP,
  IO_URING_NAPI_STATIC_ADD_ID,
  IO_URING_NAPI_STATIC_DEL_ID,
  IO_URING_NAPI_TRACKING_DYNAMIC,
  IO_URING_NAPI_TRACKING_INACTIVE,
  IO_URING_NAPI_TRACKING_STATIC,
  OPCODES,
  REGISTER_OPS,
  SQE_FLAGS_TABLE,
  decodeNapi,
  encodeClockRegister,
  encodeNapi,
  encodeRestrictions,
  encodeSyncCancelReg,
  timespecFromMs,
  type ConstantEntry,
} from '@iouring/ops'
import { readFileSync } from 'node:fs'
import { cpus as cpuList } from 'node:os'
import { invalidArgType, invalidArgValue, invalidState, registerError, registerOpName, unsupported } from './errors.js'
import { isFixedFile, type FixedFile } from './fixed-file.js'
import { kernelAtLeast, kernelVersion } from './kernel.js'
import { call, handleOf, stateOf, type Ring } from './ring.js'
import { validateInteger, validateUint32 } from './validate.js'

function checkObject(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object') throw invalidArgType(name, 'of type object', value)
  return value as Record<string, unknown>
}

/** A member of a constant table by name (with or without `prefix`) or by value. */
function lookup(table: readonly ConstantEntry[], prefix: string, value: unknown, name: string, what: string): number {
  if (typeof value === 'number') {
    const entry = table.find((e) => e.value === value)
    if (entry === undefined) throw invalidArgValue(name, `is no ${what}. Received ${value}`)
    return entry.value
  }
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string or number', value)
  const bare = value.startsWith(prefix) ? value.slice(prefix.length) : value
  const entry = table.find((e) => e.name === bare)
  if (entry === undefined) throw invalidArgValue(name, `names no ${what}: '${value}'`)
  return entry.value
}

// ---- eventfd ---------------------------------------------------------------------------------------

/** The ring's handle, if its one eventfd slot is the user's: a DEFER_TASKRUN ring's holds the addon's. */
function eventfdSlot(ring: Ring): RingHandle {
  const handle = handleOf(ring)
  if (native.ringEventfd(handle) >= 0) {
    throw invalidState('a DEFER_TASKRUN ring\'s eventfd is the one @iouring/native registered to run its task work from the event loop; a ring holds only one')
  }
  return handle
}

/** IORING_REGISTER_EVENTFD: the kernel signals `fd` (an eventfd) whenever it posts a CQE. */
export function registerEventfd(ring: Ring, fd: number): void {
  const handle = eventfdSlot(ring)
  validateInteger(fd, 'fd', 0, 0x7fffffff)
  call(handle, IORING_REGISTER_EVENTFD, new Int32Array([fd]), 1)
  stateOf(handle).eventfd = fd
}

/** IORING_REGISTER_EVENTFD_ASYNC (Linux 5.6): like registerEventfd, but only for completions posted from io-wq workers, not inline ones. */
export function registerEventfdAsync(ring: Ring, fd: number): void {
  const handle = eventfdSlot(ring)
  validateInteger(fd, 'fd', 0, 0x7fffffff)
  call(handle, IORING_REGISTER_EVENTFD_ASYNC, new Int32Array([fd]), 1)
  stateOf(handle).eventfd = fd
}

/** IORING_UNREGISTER_EVENTFD (ENXIO when none is registered). */
export function unregisterEventfd(ring: Ring): void {
  const handle = eventfdSlot(ring)
  call(handle, IORING_UNREGISTER_EVENTFD, null, 0)
  stateOf(handle).eventfd = -1
}

// ---- restrictions ----------------------------------------------------------------------------------

/** What registerRestrictions() allows on a ring created disabled (setup R_DISABLED), until enableRings(). */
export interface Restrictions {
  /** Register opcodes allowed once the ring is enabled, by REGISTER_OPS name ('REGISTER_BUFFERS') or value. */
  registerOps?: readonly (string | number)[]
  /** SQE opcodes allowed, by name ('READ', 'IORING_OP_READ') or value; anything else completes with EACCES. */
  sqeOps?: readonly (string | number)[]
  /** IOSQE_* flags an SQE may carry, by name ('FIXED_FILE') or as a bit mask. Default: none. */
  sqeFlagsAllowed?: readonly string[] | number
  /** IOSQE_* flags every SQE must carry, by name or as a bit mask. */
  sqeFlagsRequired?: readonly string[] | number
}

function sqeFlags(value: unknown, name: string): number {
  if (typeof value === 'number') return validateInteger(value, name, 0, 0xff)
  if (!Array.isArray(value)) throw invalidArgType(name, 'an array of IOSQE_* names or a number', value)
  let bits = 0
  value.forEach((flag, i) => (bits |= lookup(SQE_FLAGS_TABLE, 'IOSQE_', flag, `${name}[${i}]`, 'IOSQE_* flag')))
  return bits
}

/**
 * IORING_REGISTER_RESTRICTIONS (Linux 5.10): an allow-list that takes effect
 * when the ring is enabled. Only for a ring created disabled
 * (`setup: ['R_DISABLED']`), and only once. Follow with enableRings().
 */
export function registerRestrictions(ring: Ring, restrictions: Restrictions): void {
  const handle = handleOf(ring)
  const r = checkObject(restrictions, 'restrictions')
  const list: { opcode: number; arg: number }[] = []
  const each = (key: string, kind: number, table: readonly ConstantEntry[], prefix: string, what: string) => {
    const values = r[key]
    if (values === undefined) return
    if (!Array.isArray(values)) throw invalidArgType(`restrictions.${key}`, 'an array', values)
    values.forEach((v, i) => list.push({ opcode: kind, arg: lookup(table, prefix, v, `restrictions.${key}[${i}]`, what) }))
  }
  each('registerOps', IORING_RESTRICTION_REGISTER_OP, REGISTER_OPS, 'IORING_', 'register opcode')
  each('sqeOps', IORING_RESTRICTION_SQE_OP, OPCODES, 'IORING_OP_', 'opcode')
  if (r.sqeFlagsAllowed !== undefined) list.push({ opcode: IORING_RESTRICTION_SQE_FLAGS_ALLOWED, arg: sqeFlags(r.sqeFlagsAllowed, 'restrictions.sqeFlagsAllowed') })
  if (r.sqeFlagsRequired !== undefined) list.push({ opcode: IORING_RESTRICTION_SQE_FLAGS_REQUIRED, arg: sqeFlags(r.sqeFlagsRequired, 'restrictions.sqeFlagsRequired') })
  if (list.length === 0) throw invalidArgValue('restrictions', 'must allow something (registerOps, sqeOps or sqeFlagsAllowed/Required)')
  call(handle, IORING_REGISTER_RESTRICTIONS, encodeRestrictions(list), list.length)
}

/** IORING_REGISTER_ENABLE_RINGS (Linux 5.10): starts a ring created with R_DISABLED; its restrictions apply from now on. */
export function enableRings(ring: Ring): void {
  call(handleOf(ring), IORING_REGISTER_ENABLE_RINGS, null, 0)
}

// ---- io-wq -----------------------------------------------------------------------------------------

/** The highest CPU number this machine can have (/sys/devices/system/cpu/possible, e.g. '0-63'). */
function lastCpu(): number {
  try {
    const possible = readFileSync('/sys/devices/system/cpu/possible', 'latin1').trim()
    const last = Number(/(\d+)$/.exec(possible)?.[1])
    if (Number.isInteger(last)) return last
  } catch {
    // fall through
  }
  return Math.max(cpuList().length, 1) - 1
}

/** IORING_REGISTER_IOWQ_AFF (Linux 5.14): io-wq workers of this thread's rings run on `cpus` only (workers started from now on). */
export function setIowqAffinity(ring: Ring, cpus: readonly number[]): void {
  const handle = handleOf(ring)
  if (!Array.isArray(cpus)) throw invalidArgType('cpus', 'an instance of Array of number', cpus)
  if (cpus.length === 0) throw invalidArgValue('cpus', 'must name at least one CPU')
  // The kernel silently drops bits past its CPUs, which could leave an empty mask.
  const last = lastCpu()
  cpus.forEach((cpu, i) => validateInteger(cpu, `cpus[${i}]`, 0, last))
  // A cpu_set_t: an array of unsigned longs, bit n = CPU n.
  const bytes = new Uint8Array(Math.ceil((Math.max(...cpus) + 1) / 64) * 8)
  for (const cpu of cpus) bytes[cpu >> 3] |= 1 << (cpu & 7)
  call(handle, IORING_REGISTER_IOWQ_AFF, bytes, bytes.length)
}

/** IORING_UNREGISTER_IOWQ_AFF: io-wq workers may run on any CPU the thread may. */
export function clearIowqAffinity(ring: Ring): void {
  call(handleOf(ring), IORING_UNREGISTER_IOWQ_AFF, null, 0)
}

/**
 * IORING_REGISTER_IOWQ_MAX_WORKERS (Linux 5.15): sets the most io-wq workers
 * for bounded work (regular files, block devices) and unbounded work
 * (sockets, pipes); 0 leaves a limit alone, so `iowqMaxWorkers(ring)` only
 * reads. Returns the previous [bounded, unbounded]. The limits belong to the
 * calling thread's io-wq, shared by its rings.
 */
export function iowqMaxWorkers(ring: Ring, limits: readonly [number, number] = [0, 0]): [number, number] {
  const handle = handleOf(ring)
  if (!Array.isArray(limits) || limits.length !== 2) throw invalidArgType('limits', 'an array [bounded, unbounded]', limits)
  const values = new Uint32Array([validateUint32(limits[0], 'limits[0]'), validateUint32(limits[1], 'limits[1]')])
  call(handle, IORING_REGISTER_IOWQ_MAX_WORKERS, values, 2)
  return [values[0], values[1]]
}

// ---- ring fd, personality ------------------------------------------------------------------------------

/** IORING_REGISTER_RING_FDS (Linux 5.18) for the ring's own fd: later io_uring_enter calls skip the fd lookup. @iouring/core does this itself. */
export function registerRingFd(ring: Ring): void {
  const ret = native.registerRingFd(handleOf(ring))
  if (ret < 0) throw registerError(ret, IORING_REGISTER_RING_FDS)
}

/**
 * IORING_REGISTER_PERSONALITY (Linux 5.6): records the calling thread's
 * credentials and returns their id; an SQE carrying that id in its
 * personality field (setPersonality in @iouring/ops) runs with them.
 */
export function registerPersonality(ring: Ring): number {
  const handle = handleOf(ring)
  const id = call(handle, IORING_REGISTER_PERSONALITY, null, 0)
  stateOf(handle).personalities.add(id)
  return id
}

/** IORING_UNREGISTER_PERSONALITY: SQEs naming `id` fail with EINVAL afterwards. */
export function unregisterPersonality(ring: Ring, id: number): void {
  const handle = handleOf(ring)
  validateInteger(id, 'id', 1, 0xffff)
  call(handle, IORING_UNREGISTER_PERSONALITY, null, id)
  stateOf(handle).personalities.delete(id)
}

// ---- sync cancel -------------------------------------------------------------------------------------

/** What syncCancel() cancels; give at least one key. Several keys must all match (Linux 6.6). */
export interface SyncCancelMatch {
  /** The request's user_data (the low-level API's). */
  userData?: number | bigint
  /** Requests on this fd, or on this registered file. */
  fd?: number | FixedFile
  /** Requests of this opcode, by name ('READ') or value (Linux 6.6). */
  opcode?: string | number
  /** Every request of the ring (IORING_ASYNC_CANCEL_ANY). */
  any?: boolean
  /** Cancel every match, not just the first (IORING_ASYNC_CANCEL_ALL). */
  all?: boolean
}

/**
 * IORING_REGISTER_SYNC_CANCEL (Linux 6.0): cancels matching requests and
 * returns once they are gone, waiting at most `timeoutMs` (default: as long
 * as it takes) for ones already running; this blocks the calling thread.
 * Returns the kernel's result: 0, or with `all` the number canceled. Nothing
 * matching throws ENOENT; running out of time throws ETIME. The canceled
 * requests complete as usual (with -ECANCELED).
 */
export function syncCancel(ring: Ring, match: SyncCancelMatch, timeoutMs?: number): number {
  const handle = handleOf(ring)
  const m = checkObject(match, 'match')
  let flags = 0
  let fd = 0
  let opcode = 0
  let addr: number | bigint = 0
  let keys = 0
  if (m.userData !== undefined) {
    if (typeof m.userData === 'bigint') {
      if (m.userData < 0n || m.userData >= 1n << 64n) throw invalidArgValue('match.userData', 'must be a 64-bit unsigned integer')
    } else {
      validateInteger(m.userData, 'match.userData', 0, Number.MAX_SAFE_INTEGER)
    }
    addr = m.userData as number | bigint
    keys++
  }
  if (m.fd !== undefined) {
    if (isFixedFile(m.fd)) {
      fd = m.fd.index
      flags |= IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED
    } else {
      fd = validateInteger(m.fd, 'match.fd', 0, 0x7fffffff)
      flags |= IORING_ASYNC_CANCEL_FD
    }
    keys++
  }
  if (m.opcode !== undefined) {
    opcode = lookup(OPCODES, 'IORING_OP_', m.opcode, 'match.opcode', 'opcode')
    flags |= IORING_ASYNC_CANCEL_OP
    keys++
  }
  if (m.any === true) flags |= IORING_ASYNC_CANCEL_ANY
  else if (keys === 0) throw invalidArgValue('match', 'must name something to cancel: userData, fd, opcode or any')
  // user_data is the default key; named explicitly only beside another one.
  if (m.userData !== undefined && keys > 1) flags |= IORING_ASYNC_CANCEL_USERDATA
  if (m.all === true) flags |= IORING_ASYNC_CANCEL_ALL
  let timeoutSec = -1
  let timeoutNsec = -1
  if (timeoutMs !== undefined) {
    if (typeof timeoutMs !== 'number') throw invalidArgType('timeoutMs', 'of type number', timeoutMs)
    const ts = timespecFromMs(timeoutMs)
    timeoutSec = Number(ts.sec)
    timeoutNsec = ts.nsec
  }
  const arg = encodeSyncCancelReg({ addr, fd, flags, timeoutSec, timeoutNsec, opcode })
  return call(handle, IORING_REGISTER_SYNC_CANCEL, arg, 1)
}

// ---- clock -----------------------------------------------------------------------------------------

/** IORING_REGISTER_CLOCK (Linux 6.12): the clock of wait timeouts (io_uring_enter with a timeout), CLOCK_MONOTONIC by default. */
export function registerClock(ring: Ring, clock: 'monotonic' | 'boottime' | number): void {
  const handle = handleOf(ring)
  let clockid: number
  if (clock === 'monotonic') clockid = CLOCK_MONOTONIC
  else if (clock === 'boottime') clockid = CLOCK_BOOTTIME
  else if (typeof clock === 'number') clockid = validateUint32(clock, 'clock')
  else throw invalidArgValue('clock', `must be 'monotonic', 'boottime' or a clockid. Received ${String(clock)}`)
  call(handle, IORING_REGISTER_CLOCK, encodeClockRegister({ clockid }), 0)
}

// ---- NAPI busy polling -----------------------------------------------------------------------------

/**
 * How the kernel learns which NAPI ids to busy-poll: from the sockets the ring uses ('dynamic'), from ids added by
 * hand ('static'), or not at all ('inactive').
 */
export type NapiTracking = 'dynamic' | 'static' | 'inactive'

/** NAPI busy-poll settings of a ring (registerNapi's argument and answer). */
export interface NapiSettings {
  /** Busy-poll time in microseconds (the kernel caps it at 10 ms); 0: off. */
  readonly busyPollUsec: number
  /** Ask the driver to prefer busy polling over interrupts (SO_PREFER_BUSY_POLL). */
  readonly preferBusyPoll: boolean
  /** How NAPI ids are collected: from the sockets used ('dynamic') or added by hand ('static', Linux 6.13). */
  readonly tracking: NapiTracking
}

const TRACKING: Record<NapiTracking, number> = {
  dynamic: IO_URING_NAPI_TRACKING_DYNAMIC,
  static: IO_URING_NAPI_TRACKING_STATIC,
  inactive: IO_URING_NAPI_TRACKING_INACTIVE,
}

function decodeSettings(arg: Uint8Array): NapiSettings {
  const raw = decodeNapi(new DataView(arg.buffer, arg.byteOffset, arg.byteLength), 0)
  const tracking = (Object.keys(TRACKING) as NapiTracking[]).find((name) => TRACKING[name] === raw.opParam) ?? 'dynamic'
  return Object.freeze({ busyPollUsec: raw.busyPollTo, preferBusyPoll: raw.preferBusyPoll !== 0, tracking })
}

/**
 * IORING_REGISTER_NAPI (Linux 6.9): busy-poll the network devices of the
 * ring's sockets for up to `busyPollUsec` while waiting for completions.
 * Returns the settings in effect before.
 */
export function registerNapi(ring: Ring, settings: { busyPollUsec: number; preferBusyPoll?: boolean; tracking?: 'dynamic' | 'static' }): NapiSettings {
  const handle = handleOf(ring)
  const s = checkObject(settings, 'settings')
  const busyPollTo = validateUint32(s.busyPollUsec, 'settings.busyPollUsec')
  const tracking = s.tracking === undefined ? 'dynamic' : s.tracking
  if (tracking !== 'dynamic' && tracking !== 'static') throw invalidArgValue('settings.tracking', `must be 'dynamic' or 'static'. Received ${String(tracking)}`)
  const arg = encodeNapi({ busyPollTo, preferBusyPoll: s.preferBusyPoll === true ? 1 : 0, opcode: IO_URING_NAPI_REGISTER_OP, opParam: TRACKING[tracking] })
  call(handle, IORING_REGISTER_NAPI, arg, 1)
  return decodeSettings(arg)
}

/** IORING_UNREGISTER_NAPI: stops busy polling; returns the settings that were in effect. */
export function unregisterNapi(ring: Ring): NapiSettings {
  const handle = handleOf(ring)
  const arg = encodeNapi({ busyPollTo: 0, preferBusyPoll: 0, opcode: 0, opParam: 0 })
  call(handle, IORING_UNREGISTER_NAPI, arg, 1)
  return decodeSettings(arg)
}

/** With static tracking (Linux 6.13): add or remove a NAPI id to busy-poll (EINVAL for an id no device has). */
export function napiStaticId(ring: Ring, action: 'add' | 'remove', napiId: number): void {
  const handle = handleOf(ring)
  if (action !== 'add' && action !== 'remove') throw invalidArgValue('action', `must be 'add' or 'remove'. Received ${String(action)}`)
  const opcode = action === 'add' ? IO_URING_NAPI_STATIC_ADD_ID : IO_URING_NAPI_STATIC_DEL_ID
  call(handle, IORING_REGISTER_NAPI, encodeNapi({ busyPollTo: 0, preferBusyPoll: 0, opcode, opParam: validateUint32(napiId, 'napiId') }), 1)
}

// ---- resize ------------------------------------------------------------------------------------------

/**
 * IORING_REGISTER_RESIZE_RINGS (Linux 6.13). The rings move to new memory, so
 * only the owner of their mapping can do it: an @iouring/core ring, whose
 * resize() this calls. A ring without one is refused with
 * ERR_IOURING_RESIZE_REFUSED and left untouched.
 */
export function resizeRings(ring: Ring, size: { sqEntries: number; cqEntries?: number; clamp?: boolean }): void {
  handleOf(ring)
  const s = checkObject(size, 'size')
  validateInteger(s.sqEntries, 'size.sqEntries', 1, 32768)
  if (s.cqEntries !== undefined) validateInteger(s.cqEntries, 'size.cqEntries', 1, 65536)
  const name = registerOpName(IORING_REGISTER_RESIZE_RINGS)
  const since = REGISTER_OPS.find((op) => op.value === IORING_REGISTER_RESIZE_RINGS)?.since ?? '6.13'
  if (!kernelAtLeast(since)) throw Object.assign(unsupported(`IORING_${name}`, since, kernelVersion().release), { opcode: name })
  const resize = (ring as { resize?: unknown }).resize
  if (typeof resize === 'function') return resize.call(ring, size)
  const err = new Error(
    `IORING_${name} needs the owner of the ring's mapping to map it again: use an @iouring/core ring (ring.resize()).`,
  )
  throw Object.assign(err, { code: 'ERR_IOURING_RESIZE_REFUSED', opcode: name })
}
