// Creating a ring: options, setup flags, and what the kernel made.
import * as native from '@iouring/native'
import {
  FEATURES,
  IORING_FEAT_REG_REG_RING,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_NO_SQARRAY,
  IORING_SETUP_SINGLE_ISSUER,
  SETUP_FLAGS,
} from '@iouring/ops'
import { invalidArgType, invalidArgValue, outOfRange } from './errors.js'
import { validateFd, validateUint32 } from './validate.js'

const EINVAL = -22

/** An IORING_SETUP_* flag by its kernel name without the prefix, e.g. 'SINGLE_ISSUER'. */
export type SetupFlagName = string

/** Options of new IoUring(). */
export interface IoUringOptions {
  /** SQ entries (rounded up to a power of two by the kernel). Default 256. */
  entries?: number
  /** CQ entries; sets IORING_SETUP_CQSIZE. Default: twice `entries`. */
  cqEntries?: number
  /** IORING_SETUP_* flags by their kernel names without the prefix, e.g. ['SINGLE_ISSUER', 'COOP_TASKRUN']. */
  setup?: readonly SetupFlagName[]
  /** Raw IORING_SETUP_* bits, OR-ed with `setup`. */
  flags?: number
  /** For SQPOLL: CPU of the kernel's submission thread (needs SQ_AFF). */
  sqThreadCpu?: number
  /** For SQPOLL: milliseconds of idleness before the submission thread sleeps. */
  sqThreadIdle?: number
  /** For ATTACH_WQ: fd of the ring whose io-wq to share. */
  wqFd?: number
  /**
   * Enter through a registered ring fd when the kernel allows (IORING_REGISTER_RING_FDS, 5.18).
   * Default true. `ring.params.ringFdRegistered` says whether it is.
   */
  registerRingFd?: boolean
}

/** What a ring was created with (IoUring.params). */
export interface RingParams {
  /** The ring's file descriptor (owned by the ring: dispose() closes it). */
  readonly fd: number
  /** SQ entries the kernel gave. */
  readonly sqEntries: number
  /** CQ entries the kernel gave. */
  readonly cqEntries: number
  /** The IORING_SETUP_* flags in effect, by name. */
  readonly setup: readonly string[]
  /** The IORING_FEAT_* bits this kernel reported, by name. */
  readonly features: readonly string[]
  /**
   * Whether io_uring_enter goes through a registered ring fd, which saves an fd lookup per call.
   * False with `registerRingFd: false`, on kernels before 5.18, and when the thread already has
   * 16 rings registered (the kernel's limit per thread; dispose() frees a ring's entry): such a
   * ring enters through its plain fd and works the same.
   */
  readonly ringFdRegistered: boolean
}

/**
 * The setup flags of a ring created without `setup` or `flags`. One JavaScript
 * thread issues everything (SINGLE_ISSUER, 6.0), and the kernel runs the
 * ring's task work at the thread's next kernel entry instead of interrupting
 * it (COOP_TASKRUN, 5.19); an event loop asleep in epoll is still woken.
 */
const DEFAULT_SETUP = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN

export function namesOf(table: readonly { name: string; value: number }[], bits: number): string[] {
  return table.filter((entry) => entry.value !== 0 && (bits & entry.value) >>> 0 === entry.value).map((entry) => entry.name)
}

function setupBits(options: IoUringOptions): number {
  let bits = options.flags === undefined ? 0 : validateUint32(options.flags, 'options.flags')
  const names = options.setup ?? []
  if (!Array.isArray(names)) throw invalidArgType('options.setup', 'an array of IORING_SETUP_* names', names)
  for (const name of names) {
    const entry = SETUP_FLAGS.find((flag) => flag.name === name)
    if (entry === undefined) throw invalidArgValue('options.setup', `names no IORING_SETUP_* flag: ${String(name)}`)
    bits |= entry.value
  }
  return bits >>> 0
}

/** io_uring_setup with `options`, mapped and watched by the event loop, which calls `onWake`. */
export function createRing(options: IoUringOptions, onWake: (status: number) => void): native.RingDescription {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const entries = options.entries === undefined ? 256 : validateUint32(options.entries, 'options.entries')
  if (entries < 1 || entries > 32768) throw outOfRange('options.entries', '>= 1 and <= 32768', entries)
  let flags = setupBits(options)
  let cqEntries = 0
  if (options.cqEntries !== undefined) {
    cqEntries = validateUint32(options.cqEntries, 'options.cqEntries')
    if (cqEntries < 1 || cqEntries > 65536) throw outOfRange('options.cqEntries', '>= 1 and <= 65536', cqEntries)
    flags |= IORING_SETUP_CQSIZE
  }
  const sqThreadCpu = options.sqThreadCpu === undefined ? 0 : validateUint32(options.sqThreadCpu, 'options.sqThreadCpu')
  const sqThreadIdle = options.sqThreadIdle === undefined ? 0 : validateUint32(options.sqThreadIdle, 'options.sqThreadIdle')
  const wqFd = options.wqFd === undefined ? 0 : validateFd(options.wqFd, 'options.wqFd')
  if (options.registerRingFd !== undefined && typeof options.registerRingFd !== 'boolean') {
    throw invalidArgType('options.registerRingFd', 'of type boolean', options.registerRingFd)
  }
  // Where a seccomp filter lets io_uring_setup through but not _enter or
  // _register, a ring could be made and then fail at every step.
  const availability = native.availability()
  if (!availability.available) throw native.unavailableError(availability)
  const setup = (bits: number) => native.setup({ entries, cqEntries, flags: bits >>> 0, sqThreadCpu, sqThreadIdle, wqFd }, onWake)
  // IORING_SETUP_NO_SQARRAY (6.6) where the kernel has it: the ring indexes
  // SQEs directly, with nothing to keep in step (and resize() needs it).
  // Without setup flags from the caller, DEFAULT_SETUP where the kernel has
  // it: chosen by `pnpm bench setup` (stats +25-55%, reads even).
  const tries = options.setup === undefined && options.flags === undefined ? [flags | DEFAULT_SETUP, flags] : [flags]
  let ring: ReturnType<typeof setup> = EINVAL
  for (const bits of tries) {
    ring = setup(bits | IORING_SETUP_NO_SQARRAY)
    if (ring === EINVAL) ring = setup(bits)
    if (ring !== EINVAL) break
  }
  if (typeof ring === 'number') throw native.setupError(ring)
  return ring
}

/**
 * Registers the ring's fd (IORING_REGISTER_RING_FDS) unless `options` say
 * not to or the kernel cannot. Whether it is registered: a thread's table
 * holds 16, and a ring past that enters through its plain fd.
 */
export function registerRingFd(ring: native.RingDescription, options: IoUringOptions): boolean {
  if (options.registerRingFd === false || !(ring.features & IORING_FEAT_REG_REG_RING)) return false
  return native.registerRingFd(ring.handle) === 0
}

/** What ring.params reports of a ring setup() or resize() described. */
export function paramsOf(ring: native.ResizedRings, ringFdRegistered: boolean): RingParams {
  return Object.freeze({
    fd: ring.fd,
    sqEntries: ring.sqEntries,
    cqEntries: ring.cqEntries,
    setup: Object.freeze(namesOf(SETUP_FLAGS, ring.flags)),
    features: Object.freeze(namesOf(FEATURES, ring.features)),
    ringFdRegistered,
  })
}
