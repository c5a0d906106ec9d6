import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import {
  CQE_SIZE,
  CQE32_SIZE,
  FEATURES,
  IORING_ENTER_EXT_ARG,
  IORING_ENTER_GETEVENTS,
  IORING_ENTER_SQ_WAIT,
  IORING_FEAT_REG_REG_RING,
  IORING_REGISTER_RESIZE_RINGS,
  IORING_SETUP_CLAMP,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_CQE32,
  IORING_SETUP_CQSIZE,
  IORING_SETUP_NO_SQARRAY,
  IORING_SETUP_SQE128,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_SQPOLL,
  IORING_SQ_CQ_OVERFLOW,
  OPCODES,
  IORING_SQ_TASKRUN,
  SETUP_FLAGS,
  SQE_SIZE,
  SQE128_SIZE,
  SQE_USER_DATA,
  SQE_FLAGS,
  IORING_CQE_F_MORE,
  IOSQE_ASYNC,
  IOSQE_CQE_SKIP_SUCCESS,
  IOSQE_IO_DRAIN,
  IOSQE_IO_HARDLINK,
  IOSQE_IO_LINK,
  encodeTimespec,
  prepLinkTimeout,
  GETEVENTS_ARG_SIZE,
  TIMESPEC_SIZE,
  timespecFromMs,
  writeGeteventsArg,
  writeTimespec,
  prepCancel64,
} from '@iouring/ops'
import { probe as probeRing, registerError, type Probe } from '@iouring/register'

export type { Probe } from '@iouring/register'
import { release } from 'node:os'
import { abortError, invalidArgType, invalidArgValue, invalidState, outOfRange, ringClosed, timedOut, unsupportedOperation } from './errors.js'
import { CompletionStream } from './stream.js'
import { validateUint32 } from './validate.js'

const { CONTROL } = native

// user_data of operations this ring manages: low 32 bits the slot index,
// high 32 bits MANAGED | generation. Bit 52 (MANAGED) is what tells them from
// the low-level API's user_data, which must stay below 2^52.
const MANAGED = 0x100000
const GEN_MASK = 0x3ffff
// Two kind bits below MANAGED: internal requests whose CQEs carry no news
// (cancels, link timeouts), and messages from msgRing (the rest of the high
// word and the low word carry the sender's data).
const KIND_MASK = 0xc0000
const IGNORED = MANAGED | 0x80000
const MESSAGE = MANAGED | 0x40000
/** msgRing data must be below this (18 high bits + 32 low bits). */
export const MESSAGE_DATA_LIMIT = 2 ** 50
const ECANCELED = -125

/** user_data values of the low-level API must be below this. */
export const USER_DATA_LIMIT = 2 ** 52

const EAGAIN = -11
const EINVAL = -22
const EOPNOTSUPP = -95
const EBUSY = -16

/** An IORING_SETUP_* flag by its kernel name without the prefix, e.g. 'SINGLE_ISSUER'. */
export type SetupFlagName = string

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
  /** Enter through a registered ring fd when the kernel allows (IORING_REGISTER_RING_FDS). Default true. */
  registerRingFd?: boolean
}

export interface RingParams {
  readonly fd: number
  readonly sqEntries: number
  readonly cqEntries: number
  /** The IORING_SETUP_* flags in effect, by name. */
  readonly setup: readonly string[]
  /** The IORING_FEAT_* bits this kernel reported, by name. */
  readonly features: readonly string[]
}

export interface RingStats {
  /** SQEs the kernel accepted. */
  readonly submitted: number
  /** io_uring_enter system calls made. */
  readonly enterCalls: number
  /** CQEs consumed. */
  readonly completions: number
  /** Times the event loop woke this ring because CQEs were posted. */
  readonly wakeups: number
}


export interface SubmitAndWaitOptions {
  /** Give up waiting after this long (IORING_ENTER_EXT_ARG); returns what was submitted. */
  timeoutMs?: number
}

/** A duration: milliseconds, or seconds and nanoseconds. */
export type Duration = number | { sec: number | bigint; nsec: number }

/** Options every promise operation accepts. */
export interface OpOptions {
  /** Cancels the operation (IORING_OP_ASYNC_CANCEL); it then rejects with an AbortError whose `cause` is the reason. */
  signal?: AbortSignal
  /** Links an IORING_OP_LINK_TIMEOUT: not complete in time, the operation rejects with code 'ETIMEDOUT'. */
  timeout?: Duration
  /** IOSQE_IO_DRAIN: start only after everything submitted before it has completed. */
  drain?: boolean
  /** IOSQE_ASYNC: go straight to an io-wq worker instead of trying inline first. */
  async?: boolean
  /** IOSQE_CQE_SKIP_SUCCESS, on a step of ring.chain() that is not the last: no CQE when it succeeds. */
  skipSuccess?: boolean
}

/** Options of multishot operations (async iterators). */
export interface StreamOptions extends Omit<OpOptions, 'timeout' | 'skipSuccess'> {
  /** Completions queued for a slow consumer before the request is cancelled. Default 1024. */
  highWaterMark?: number
}

/**
 * What a slot needs beyond resolve/reject, for operations with a signal or a
 * timeout, multishot streams and timeouts: a class with every field set, so
 * that every instance has one shape for the completion path.
 */
class SlotExtra {
  stream: CompletionStream<unknown> | undefined = undefined
  map: ((res: number, flags: number) => unknown) | undefined = undefined
  /** A negative result that means success (a timeout's -ETIME). */
  okResult = 0
  signal: AbortSignal | undefined = undefined
  aborted = false
  timeoutMs: number | undefined = undefined
}

type ResultOf = (res: number, data: unknown) => unknown
type FreeData = (data: unknown) => void

interface ChainState {
  link: number
  startTail: number
  /** Offset of the SQE that ends the chain so far, whose link flag is cleared at the end. */
  lastAt: number
  lastOpAt: number
  slots: number[]
  /** The steps' promises: an abandoned chain rejects them, nobody else holds them. */
  promises: Promise<number>[]
  skips: number[]
}

/** Receives CQEs of the low-level API: user_data, result, flags. */
export type CqeHandler = (userData: number, res: number, flags: number) => void

type Executor = (resolve: (value: number) => void, reject: (reason: Error) => void) => void

const enum State {
  Open,
  Closing,
  Closed,
}

function namesOf(table: readonly { name: string; value: number }[], bits: number): string[] {
  return table.filter((entry) => entry.value !== 0 && (bits & entry.value) >>> 0 === entry.value).map((entry) => entry.name)
}

/**
 * The setup flags of a ring created without `setup` or `flags`. One JavaScript
 * thread issues everything (SINGLE_ISSUER, 6.0), and the kernel runs the
 * ring's task work at the thread's next kernel entry instead of interrupting
 * it (COOP_TASKRUN, 5.19); an event loop asleep in epoll is still woken.
 */
const DEFAULT_SETUP = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN

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

/**
 * The machinery under IoUring: the mapped rings, operation slots, submission,
 * reaping, the low-level API and the ring's lifetime. Operations live in
 * IoUring (ring.ts) and use the protected members below: validate, then
 * nextSqe(), an ops encoder, start().
 */
export class RingEngine implements AsyncDisposable {
  #sqes!: DataView
  #params!: RingParams
  /** IORING_FEAT_* names this kernel reported, e.g. `ring.features.has('NODROP')`. */
  readonly features: ReadonlySet<string>

  readonly #handle: RingHandle
  #sq!: Uint32Array
  #sqHeadIdx!: number
  #sqTailIdx!: number
  #sqFlagsIdx!: number
  #sqMask!: number
  #sqEntries!: number
  #sqeShift!: number
  #sqpoll!: boolean
  #sqTail = 0
  #sqPublished = 0
  // The kernel's SQ head as last read; re-read only when the SQ looks full.
  #sqHead = 0

  #cq!: Uint32Array
  #cqRes!: Int32Array
  #cqHeadIdx!: number
  #cqTailIdx!: number
  #cqMask!: number
  #cqesIdx!: number
  #cqeWordsShift!: number
  #cqHead = 0

  readonly #control: Int32Array
  readonly #stats: Float64Array
  #completions = 0

  // Operation slots, as parallel arrays indexed by slot.
  readonly #gen: number[] = []
  readonly #resolve: (((value: number) => void) | undefined)[] = []
  readonly #reject: (((reason: Error) => void) | undefined)[] = []
  readonly #syscall: string[] = []
  readonly #keep: unknown[] = []
  readonly #free: number[] = []
  readonly #extra: (SlotExtra | undefined)[] = []
  // What named operations need, per slot too, so that they allocate nothing
  // more than start(): the file a failure's error names (startPath), and
  // what the promise resolves to (startWithResult).
  readonly #path: (string | undefined)[] = []
  readonly #dest: (string | undefined)[] = []
  readonly #result: (ResultOf | undefined)[] = []
  readonly #failed: (FreeData | undefined)[] = []
  readonly #data: unknown[] = []
  /** The slot start() or startWith() claimed last; -1 when startWith() rejected before claiming one. */
  #lastSlot = -1
  // One abort listener per signal, however many operations share it: the
  // slots it should cancel.
  readonly #signalSlots = new WeakMap<AbortSignal, Set<number>>()
  #chain: ChainState | undefined
  #messageStream: CompletionStream<{ value: number; data: number }> | undefined
  #inflight = 0

  // The executor hands resolve/reject over through these, so that starting a
  // promise operation allocates no closure.
  #nextResolve: (value: number) => void = noop
  #nextReject: (reason: Error) => void = noop
  readonly #executor: Executor = (resolve, reject) => {
    this.#nextResolve = resolve
    this.#nextReject = reject
  }

  #state = State.Open
  #disposed: Promise<void> | undefined
  #drained: (() => void) | undefined
  #reaping = false
  // CQEs of the low-level API reaped by the event loop when no onCqe handler
  // was set, kept for the next forEachCqe(): [userData, res, flags, ...].
  readonly #backlog: number[] = []
  #waitArg: DataView | undefined
  #finalStats: RingStats | undefined
  readonly #probe: Probe
  // 1 for each opcode this kernel supports, from the probe made at creation.
  readonly #supported = new Uint8Array(256)

  /** Called with each message another ring posted here with msgRing(); without it, messages() queues them. */
  onMessage: ((value: number, data: number) => void) | undefined

  /** Called with each low-level CQE that the event loop reaps. Without it they wait for forEachCqe(). */
  onCqe: CqeHandler | undefined

  constructor(options: IoUringOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    const entries = options.entries === undefined ? 256 : validateUint32(options.entries, 'options.entries')
    if (entries < 1 || entries > 32768) throw outOfRange('options.entries', '>= 1 and <= 32768', entries)
    let flags = setupBits(options)
    let cqEntries = 0
    if (options.cqEntries !== undefined) {
      cqEntries = validateUint32(options.cqEntries, 'options.cqEntries')
      flags |= IORING_SETUP_CQSIZE
    }
    const setup = (bits: number) =>
      native.setup(
        {
          entries,
          cqEntries,
          flags: bits >>> 0,
          sqThreadCpu: options.sqThreadCpu ?? 0,
          sqThreadIdle: options.sqThreadIdle ?? 0,
          wqFd: options.wqFd ?? 0,
        },
        (status) => this.#onWake(status),
      )
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
    if (typeof ring === 'number') throw native.systemError(ring, 'io_uring_setup')

    this.#handle = ring.handle
    this.#adopt(ring)

    this.#control = new Int32Array(ring.control)
    this.#stats = new Float64Array(ring.control)

    this.features = new Set(namesOf(FEATURES, ring.features))
    if (options.registerRingFd !== false && ring.features & IORING_FEAT_REG_REG_RING) native.registerRingFd(this.#handle)
    this.#probe = this.#readProbe()
  }

  /** The addon's handle for this ring, for packages that call @iouring/native on it (@iouring/register). */
  get handle(): RingHandle {
    if (this.#state === State.Closed) throw ringClosed()
    return this.#handle
  }

  /** The mapped SQE array, for the low-level API. Detached by dispose() and resize(). */
  get sqes(): DataView {
    return this.#sqes
  }

  get params(): RingParams {
    return this.#params
  }

  get stats(): RingStats {
    if (this.#finalStats !== undefined) return this.#finalStats
    const stats = this.#stats
    return {
      submitted: stats[CONTROL.SUBMITTED],
      enterCalls: stats[CONTROL.ENTER_CALLS],
      completions: this.#completions,
      wakeups: stats[CONTROL.WAKEUPS],
    }
  }

  /** Operations started through the promise API that have not completed yet. */
  get pending(): number {
    return this.#inflight
  }

  get closed(): boolean {
    return this.#state !== State.Open
  }

  /**
   * IORING_REGISTER_RESIZE_RINGS (Linux 6.13): gives the rings new sizes.
   * What was prepared is submitted first and what was posted is reaped; the
   * kernel copies anything still pending to the new rings. Views of the old
   * `ring.sqes` are detached. The kernel resizes only rings created with
   * `setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN']`.
   */
  resize(size: { sqEntries: number; cqEntries?: number; clamp?: boolean }): void {
    if (this.#state !== State.Open) throw ringClosed()
    if (size === null || typeof size !== 'object') throw invalidArgType('size', 'of type object', size)
    if (this.#chain !== undefined || this.#reaping) throw invalidState('a ring cannot be resized while it builds a chain or reaps')
    const sqEntries = validateUint32(size.sqEntries, 'size.sqEntries')
    let flags = size.clamp === true ? IORING_SETUP_CLAMP : 0
    let cqEntries = 0
    if (size.cqEntries !== undefined) {
      cqEntries = validateUint32(size.cqEntries, 'size.cqEntries')
      flags |= IORING_SETUP_CQSIZE
    }
    if (this.#sqPublished !== this.#sqTail || this.#sqTail !== Atomics.load(this.#sq, this.#sqHeadIdx)) this.#drainSq()
    this.#reap(undefined)
    const ring = native.resize(this.#handle, sqEntries, cqEntries, flags)
    if (ring === EOPNOTSUPP) throw invalidState('this ring has an SQ array (a kernel older than 6.6 made it), which cannot be located after a resize')
    if (typeof ring === 'number') throw registerError(ring, IORING_REGISTER_RESIZE_RINGS)
    this.#adopt(ring)
  }

  /** Takes over the mapped rings setup() or resize() described. */
  #adopt(ring: native.ResizedRings): void {
    this.#sq = new Uint32Array(ring.sqRing)
    this.#sqHeadIdx = ring.sqOff.head >>> 2
    this.#sqTailIdx = ring.sqOff.tail >>> 2
    this.#sqFlagsIdx = ring.sqOff.flags >>> 2
    this.#sqMask = this.#sq[ring.sqOff.ringMask >>> 2]
    this.#sqEntries = ring.sqEntries
    this.#sqeShift = ring.flags & IORING_SETUP_SQE128 ? Math.log2(SQE128_SIZE) : Math.log2(SQE_SIZE)
    this.#sqpoll = (ring.flags & IORING_SETUP_SQPOLL) !== 0
    this.#sqTail = this.#sqPublished = this.#sq[this.#sqTailIdx]
    this.#sqHead = this.#sq[this.#sqHeadIdx]
    // The SQ array maps ring slots to SQE indices; the identity mapping, set
    // once, lets the SQE array itself act as the ring.
    if (!(ring.flags & IORING_SETUP_NO_SQARRAY)) {
      const array = new Uint32Array(ring.sqRing, ring.sqOff.array, ring.sqEntries)
      for (let i = 0; i < ring.sqEntries; i++) array[i] = i
    }
    this.#sqes = new DataView(ring.sqes)

    this.#cq = new Uint32Array(ring.cqRing)
    this.#cqRes = new Int32Array(ring.cqRing)
    this.#cqHeadIdx = ring.cqOff.head >>> 2
    this.#cqTailIdx = ring.cqOff.tail >>> 2
    this.#cqMask = this.#cq[ring.cqOff.ringMask >>> 2]
    this.#cqesIdx = ring.cqOff.cqes >>> 2
    this.#cqeWordsShift = Math.log2((ring.flags & IORING_SETUP_CQE32 ? CQE32_SIZE : CQE_SIZE) >>> 2)
    this.#cqHead = this.#cq[this.#cqHeadIdx]

    this.#params = Object.freeze({
      fd: ring.fd,
      sqEntries: ring.sqEntries,
      cqEntries: ring.cqEntries,
      setup: Object.freeze(namesOf(SETUP_FLAGS, ring.flags)),
      features: Object.freeze(namesOf(FEATURES, ring.features)),
    })
  }

  /** Which opcodes this kernel supports, as probed when the ring was created. */
  probe(): Probe {
    return this.#probe
  }

  // ------------------------------------------------------------ low-level API

  /**
   * Reserves the next free SQE and returns its byte offset in `ring.sqes`, or -1
   * when the SQ is full. Fill it with an ops encoder and setUserData(); it goes
   * to the kernel with the next submit(), submitAndWait() or promise operation.
   */
  getSqe(): number {
    if (this.#state !== State.Open) throw ringClosed()
    const tail = this.#sqTail
    if (this.#sqFull()) return -1
    this.#sqTail = (tail + 1) >>> 0
    return (tail & this.#sqMask) << this.#sqeShift
  }

  /** Submits every prepared SQE now. Returns how many the kernel accepted. */
  submit(): number {
    if (this.#state === State.Closed) throw ringClosed()
    this.#publish()
    const submitted = native.submit(this.#handle)
    if (submitted < 0) throw native.systemError(submitted, 'io_uring_enter')
    return submitted
  }

  /**
   * Submits every prepared SQE and waits until at least `waitNr` CQEs are
   * ready (or `timeoutMs` passes). Consume them with forEachCqe().
   */
  submitAndWait(waitNr = 1, options?: SubmitAndWaitOptions): number {
    if (this.#state === State.Closed) throw ringClosed()
    validateUint32(waitNr, 'waitNr')
    this.#publish()
    const toSubmit = this.#sqpoll ? 0 : (this.#sqPublished - Atomics.load(this.#sq, this.#sqHeadIdx)) >>> 0
    let flags = IORING_ENTER_GETEVENTS
    let arg: DataView | undefined
    if (options?.timeoutMs !== undefined) {
      arg = this.#timeoutArg(options.timeoutMs)
      flags |= IORING_ENTER_EXT_ARG
    }
    const ret = native.enter(this.#handle, toSubmit, waitNr, flags, arg)
    if (ret < 0 && !(ret === -62 /* ETIME */ && arg !== undefined)) throw native.systemError(ret, 'io_uring_enter')
    return ret < 0 ? 0 : ret
  }

  /**
   * Consumes every ready CQE. Operations of the promise API settle as usual;
   * every other CQE is passed to `handler`. Returns how many CQEs were consumed.
   */
  forEachCqe(handler: CqeHandler): number {
    if (typeof handler !== 'function') throw invalidArgType('handler', 'of type function', handler)
    const backlog = this.#backlog
    let count = backlog.length / 3
    if (count > 0) {
      const entries = backlog.splice(0)
      for (let i = 0; i < entries.length; i += 3) handler(entries[i], entries[i + 1], entries[i + 2])
    }
    if (this.#state !== State.Closed) count += this.#reap(handler)
    return count
  }

  // ------------------------------------------------------------ lifetime

  /** Keeps the process alive while operations are in flight (the default). */
  ref(): this {
    if (this.#state !== State.Closed) {
      this.#control[CONTROL.WANT_REF] = 1
      native.updateRef(this.#handle)
    }
    return this
  }

  /** Lets the process exit even while operations are in flight. */
  unref(): this {
    if (this.#state !== State.Closed) {
      this.#control[CONTROL.WANT_REF] = 0
      native.updateRef(this.#handle)
    }
    return this
  }

  /**
   * Refuses new work, cancels every operation in flight (their promises reject
   * with ECANCELED unless they completed first), waits for every CQE, then
   * unmaps the rings and closes the fd.
   */
  dispose(): Promise<void> {
    if (this.#disposed !== undefined) return this.#disposed
    this.#state = State.Closing
    this.#disposed = (async () => {
      if (this.#inflight > 0 || this.#messageStream !== undefined) {
        const drained = new Promise<void>((resolve) => (this.#drained = resolve))
        this.#cancelInflight()
        await drained
      }
      this.#finalStats = this.stats
      this.#state = State.Closed
      native.close(this.#handle)
    })()
    return this.#disposed
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }

  // ------------------------------------------------------------ internals

  /** Byte offset of the SQE the next operation writes; makes room when the SQ is full. */
  protected nextSqe(): number {
    if (this.#state !== State.Open) throw ringClosed()
    if (this.#sqFull()) {
      if (this.#chain !== undefined) throw outOfRange('chain', `at most ${this.#sqEntries} SQEs (the SQ size)`, 'more')
      this.#makeRoom()
    }
    return (this.#sqTail & this.#sqMask) << this.#sqeShift
  }

  #sqFull(): boolean {
    if (((this.#sqTail - this.#sqHead) >>> 0) < this.#sqEntries) return false
    this.#sqHead = Atomics.load(this.#sq, this.#sqHeadIdx)
    return ((this.#sqTail - this.#sqHead) >>> 0) >= this.#sqEntries
  }

  /** Gives the SQE at `at` a slot, publishes it, and returns its promise. */
  protected start(at: number, syscall: string, keep: unknown, options?: OpOptions): Promise<number> {
    if (options !== undefined || this.#chain !== undefined) return this.startWith(at, syscall, keep, options, undefined)
    const slot = this.#free.length > 0 ? (this.#free.pop() as number) : this.#newSlot()
    const sqes = this.sqes
    sqes.setUint32(at + SQE_USER_DATA, slot, true)
    sqes.setUint32(at + SQE_USER_DATA + 4, MANAGED | this.#gen[slot], true)
    const promise = new Promise<number>(this.#executor)
    this.#resolve[slot] = this.#nextResolve
    this.#reject[slot] = this.#nextReject
    this.#syscall[slot] = syscall
    this.#keep[slot] = keep
    this.#lastSlot = slot
    this.#sqTail = (this.#sqTail + 1) >>> 0
    this.#publish()
    this.#control[CONTROL.INFLIGHT] = ++this.#inflight
    if (this.#control[CONTROL.REFED] === 0 && this.#control[CONTROL.WANT_REF] === 1) native.updateRef(this.#handle)
    return promise
  }

  /**
   * start() for operations with options, in a chain, or with an `extra` the
   * operation needs (a result that means success). Applies the SQE flags,
   * appends the linked timeout, and wires the abort signal.
   */
  protected startWith(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, extra: SlotExtra | undefined): Promise<number> {
    const signal = options?.signal
    if (signal !== undefined) {
      validateSignal(signal)
      if (signal.aborted) {
        this.#lastSlot = -1
        return Promise.reject(abortError(signal.reason))
      }
    }
    let flags = this.#optionFlags(options)
    const timeoutMs = options?.timeout === undefined ? undefined : durationMs(options.timeout, 'options.timeout')
    let timespec: Uint8Array | undefined
    if (timeoutMs !== undefined) {
      timespec = encodeTimespec(toTimespec(options!.timeout!))
      this.#roomFor(2)
      flags |= IOSQE_IO_LINK
    }
    const chain = this.#chain
    if (chain !== undefined && timespec === undefined) flags |= chain.link
    const slot = this.#claimSlot(at, syscall, timespec === undefined ? keep : [keep, timespec], extra)
    this.#lastSlot = slot
    const sqes = this.sqes
    sqes.setUint8(at + SQE_FLAGS, sqes.getUint8(at + SQE_FLAGS) | flags)
    const promise = new Promise<number>(this.#executor)
    this.#resolve[slot] = this.#nextResolve
    this.#reject[slot] = this.#nextReject
    this.#sqTail = (this.#sqTail + 1) >>> 0
    let lastAt = at
    if (timespec !== undefined) {
      lastAt = (this.#sqTail & this.#sqMask) << this.#sqeShift
      prepLinkTimeout(sqes, lastAt, native.addressOf(timespec), 0)
      if (chain !== undefined) sqes.setUint8(lastAt + SQE_FLAGS, chain.link)
      sqes.setUint32(lastAt + SQE_USER_DATA, 0, true)
      sqes.setUint32(lastAt + SQE_USER_DATA + 4, IGNORED, true)
      this.#sqTail = (this.#sqTail + 1) >>> 0
      this.#extraOf(slot).timeoutMs = timeoutMs
    }
    if (signal !== undefined) this.#watchSignal(slot, signal)
    if (chain !== undefined) {
      chain.lastAt = lastAt
      chain.lastOpAt = at
      chain.slots.push(slot)
      chain.promises.push(promise)
      if (options?.skipSuccess === true) chain.skips.push(slot)
    } else {
      this.#publish()
    }
    this.#addInflight()
    return promise
  }

  /**
   * start() for an operation on a named file: when it fails, its system error
   * carries `path` (and `dest`) as node:fs errors do.
   */
  protected startPath(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, path: string, dest?: string): Promise<number> {
    return this.#startNamed(at, syscall, keep, options, path, dest, undefined, undefined, undefined)
  }

  /** start() for an operation whose negative result `okResult` also means success (a timeout's -ETIME). */
  protected startAllowing(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, okResult: number): Promise<number> {
    const extra = new SlotExtra()
    extra.okResult = okResult
    return this.startWith(at, syscall, keep, options, extra)
  }

  /**
   * start() for an operation whose promise resolves to `result(res, data)`
   * instead of the CQE's result (stat: the Stats decoded from the buffer
   * `data` names), with no closure or promise of its own. `failed(data)`
   * runs instead when the operation fails or is never submitted; with `path`
   * a failure's system error carries it, as with startPath().
   */
  protected startWithResult<T, D>(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, result: (res: number, data: D) => T, failed: ((data: D) => void) | undefined, data: D, path?: string): Promise<T> {
    return this.#startNamed(at, syscall, keep, options, path, undefined, result as ResultOf, failed as FreeData | undefined, data) as unknown as Promise<T>
  }

  #startNamed(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, path: string | undefined, dest: string | undefined, result: ResultOf | undefined, failed: FreeData | undefined, data: unknown): Promise<number> {
    let promise: Promise<number>
    try {
      promise = this.start(at, syscall, keep, options)
    } catch (err) {
      failed?.(data)
      throw err
    }
    const slot = this.#lastSlot
    if (slot < 0) {
      // Aborted before submission: nothing holds `data` but us.
      failed?.(data)
      return promise
    }
    this.#path[slot] = path
    this.#dest[slot] = dest
    this.#result[slot] = result
    this.#failed[slot] = failed
    this.#data[slot] = data
    return promise
  }

  /**
   * Starts a multishot request whose completions become a CompletionStream:
   * `map(res, flags)` turns each CQE into the value yielded; `okResult` is a
   * negative result that still counts as a value (a multishot timeout's -ETIME).
   */
  protected startMultishot<T>(at: number, syscall: string, keep: unknown, options: StreamOptions | undefined, map: (res: number, flags: number) => T, okResult = 0): CompletionStream<T> {
    const signal = options?.signal
    if (signal !== undefined) validateSignal(signal)
    const highWaterMark = options?.highWaterMark === undefined ? undefined : validateUint32(options.highWaterMark, 'options.highWaterMark')
    if (this.#chain !== undefined) throw invalidArgValue('chain', 'cannot hold a multishot operation')
    const flags = this.#optionFlags(options)
    const extra = new SlotExtra()
    extra.map = map
    extra.okResult = okResult
    const slot = this.#claimSlot(at, syscall, keep, extra)
    const gen = this.#gen[slot]
    const userData = (MANAGED | gen) * 2 ** 32 + slot
    const stream = new CompletionStream<T>(userData, () => this.#cancelSlot(slot, gen), highWaterMark)
    extra.stream = stream as CompletionStream<unknown>
    if (signal?.aborted) {
      // Nothing is submitted: the slot goes back and the stream throws at once.
      this.#releaseSlot(slot)
      stream.abort(abortError(signal.reason))
      stream.end()
      return stream
    }
    const sqes = this.sqes
    sqes.setUint8(at + SQE_FLAGS, sqes.getUint8(at + SQE_FLAGS) | flags)
    this.#sqTail = (this.#sqTail + 1) >>> 0
    if (signal !== undefined) this.#watchSignal(slot, signal)
    this.#publish()
    this.#addInflight()
    return stream
  }

  /** The user_data of the request behind a stream or a number (low-level). */
  protected targetUserData(target: unknown, name = 'target'): number {
    if (target instanceof CompletionStream) return target.userData
    if (typeof target === 'number' && Number.isSafeInteger(target) && target >= 0) return target
    throw invalidArgType(name, 'a stream returned by this ring or a user_data number', target)
  }

  /**
   * Runs `build(ring)`: every operation it starts is linked to the next
   * (IOSQE_IO_LINK, or IOSQE_IO_HARDLINK with `hard`), and all of them go to
   * the kernel together. Resolves to each step's outcome in order, as
   * Promise.allSettled does; when a step fails, the kernel cancels the steps
   * after it, which reject with ECANCELED.
   */
  chain(build: (ring: this) => readonly Promise<number>[], options?: { hard?: boolean }): Promise<PromiseSettledResult<number>[]> {
    if (this.#state !== State.Open) throw ringClosed()
    if (typeof build !== 'function') throw invalidArgType('build', 'of type function', build)
    if (this.#chain !== undefined) throw invalidArgValue('build', 'cannot start a chain inside a chain')
    // Start from an empty SQ, so the whole chain goes in one submission.
    if (this.#sqPublished !== this.#sqTail || this.#sqFull() || this.#sqTail !== this.#sqHead) this.#drainSq()
    const chain: ChainState = {
      link: options?.hard === true ? IOSQE_IO_HARDLINK : IOSQE_IO_LINK,
      startTail: this.#sqTail,
      lastAt: -1,
      lastOpAt: -1,
      slots: [],
      promises: [],
      skips: [],
    }
    this.#chain = chain
    let steps: readonly Promise<number>[]
    try {
      steps = build(this)
      if (!Array.isArray(steps)) throw invalidArgType('build', 'a function returning an array of this ring\'s operations', steps)
      if (steps.length !== chain.slots.length) throw invalidArgValue('build', 'must return exactly the operations it started on this ring')
    } catch (err) {
      this.#chain = undefined
      this.#abandonChain(chain, err as Error)
      throw err
    }
    this.#chain = undefined
    if (chain.lastAt < 0) return Promise.resolve([])
    const sqes = this.sqes
    sqes.setUint8(chain.lastAt + SQE_FLAGS, sqes.getUint8(chain.lastAt + SQE_FLAGS) & ~(IOSQE_IO_LINK | IOSQE_IO_HARDLINK))
    // The last step always posts its CQE: the chain's end is known by it.
    const last = chain.slots[chain.slots.length - 1]
    if (chain.skips[chain.skips.length - 1] === last) {
      chain.skips.pop()
      sqes.setUint8(chain.lastOpAt + SQE_FLAGS, sqes.getUint8(chain.lastOpAt + SQE_FLAGS) & ~IOSQE_CQE_SKIP_SUCCESS)
    }
    this.#publish()
    const settled = Promise.allSettled(steps)
    if (chain.skips.length === 0) return settled
    // Steps that succeeded with CQE_SKIP_SUCCESS post nothing: once the last
    // step has completed, every skipped step still pending succeeded.
    const skips = chain.skips.map((slot) => [slot, this.#gen[slot]])
    steps[steps.length - 1].then(
      () => this.#settleSkipped(skips),
      () => this.#settleSkipped(skips),
    )
    return settled
  }

  /** Messages other rings post here with msgRing(), as an async iterator of `{ value, data }`. */
  messages(): CompletionStream<{ value: number; data: number }> {
    if (this.#messageStream === undefined) this.#openMessages()
    return this.#messageStream as CompletionStream<{ value: number; data: number }>
  }

  #openMessages(): void {
    // While someone listens for messages the ring keeps the process alive,
    // as a server socket would.
    this.#addInflight()
    this.#messageStream = new CompletionStream<{ value: number; data: number }>(0, () => this.#closeMessages())
  }

  #closeMessages(): void {
    const stream = this.#messageStream
    if (stream === undefined) return
    this.#messageStream = undefined
    stream.end()
    this.#inflight--
    this.#control[CONTROL.INFLIGHT] = this.#inflight
    this.#checkDrained()
  }

  #deliverMessage(hi: number, lo: number, res: number): void {
    const data = (hi & GEN_MASK) * 2 ** 32 + lo
    if (this.onMessage !== undefined) this.onMessage(res, data)
    else {
      if (this.#messageStream === undefined) this.#openMessages()
      this.#messageStream!.push({ value: res, data })
    }
  }

  /** user_data that makes a msgRing CQE land in the target's message queue. */
  protected messageUserData(data: number): number {
    if (typeof data !== 'number' || !Number.isSafeInteger(data) || data < 0 || data >= MESSAGE_DATA_LIMIT) {
      throw outOfRange('options.data', 'an integer >= 0 and < 2 ** 50', data)
    }
    return MESSAGE * 2 ** 32 + data
  }

  #optionFlags(options: OpOptions | StreamOptions | undefined): number {
    if (options === undefined) return 0
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    let flags = 0
    if (options.drain === true) flags |= IOSQE_IO_DRAIN
    if (options.async === true) flags |= IOSQE_ASYNC
    if ((options as OpOptions).skipSuccess === true) {
      if (this.#chain === undefined) throw invalidArgValue('options.skipSuccess', 'is only allowed on a step of ring.chain()')
      flags |= IOSQE_CQE_SKIP_SUCCESS
    }
    return flags
  }

  #claimSlot(at: number, syscall: string, keep: unknown, extra: SlotExtra | undefined): number {
    const slot = this.#free.length > 0 ? (this.#free.pop() as number) : this.#newSlot()
    const sqes = this.sqes
    sqes.setUint32(at + SQE_USER_DATA, slot, true)
    sqes.setUint32(at + SQE_USER_DATA + 4, MANAGED | this.#gen[slot], true)
    this.#syscall[slot] = syscall
    this.#keep[slot] = keep
    this.#extra[slot] = extra
    return slot
  }

  #extraOf(slot: number): SlotExtra {
    let extra = this.#extra[slot]
    if (extra === undefined) this.#extra[slot] = extra = new SlotExtra()
    return extra
  }

  #addInflight(): void {
    this.#control[CONTROL.INFLIGHT] = ++this.#inflight
    if (this.#control[CONTROL.REFED] === 0 && this.#control[CONTROL.WANT_REF] === 1) native.updateRef(this.#handle)
  }

  #watchSignal(slot: number, signal: AbortSignal): void {
    this.#extraOf(slot).signal = signal
    let slots = this.#signalSlots.get(signal)
    if (slots === undefined) {
      const watched = (slots = new Set())
      this.#signalSlots.set(signal, watched)
      signal.addEventListener('abort', () => this.#onAbort(signal, watched), { once: true })
    }
    slots.add(slot)
  }

  #onAbort(signal: AbortSignal, slots: Set<number>): void {
    for (const slot of slots) {
      const extra = this.#extra[slot]
      if (extra?.signal !== signal) continue
      extra.aborted = true
      if (extra.stream !== undefined) extra.stream.abort(abortError(signal.reason))
      else this.#cancelSlot(slot, this.#gen[slot])
    }
    slots.clear()
  }

  /** Asks the kernel to cancel the request in `slot` (if it is still that request). */
  #cancelSlot(slot: number, gen: number): void {
    if (this.#gen[slot] !== gen || this.#state === State.Closed) return
    this.cancelUserData((MANAGED | gen) * 2 ** 32 + slot, 0)
  }

  /** Submits an IORING_OP_ASYNC_CANCEL whose own CQE is ignored. */
  protected cancelUserData(userData: number, flags: number): void {
    this.#roomFor(1)
    const at = (this.#sqTail & this.#sqMask) << this.#sqeShift
    prepCancel64(this.sqes, at, userData, flags)
    this.sqes.setUint32(at + SQE_USER_DATA, 0, true)
    this.sqes.setUint32(at + SQE_USER_DATA + 4, IGNORED, true)
    this.#sqTail = (this.#sqTail + 1) >>> 0
    if (this.#chain === undefined) this.#publish()
  }

  /** Ensures `n` free SQEs after the one being prepared at the tail, without moving it. */
  #roomFor(n: number): void {
    if (((this.#sqTail + n - this.#sqHead) >>> 0) <= this.#sqEntries) return
    this.#sqHead = Atomics.load(this.#sq, this.#sqHeadIdx)
    if (((this.#sqTail + n - this.#sqHead) >>> 0) <= this.#sqEntries) return
    if (this.#chain !== undefined) throw outOfRange('chain', `at most ${this.#sqEntries} SQEs (the SQ size)`, 'more')
    this.#drainSq()
  }

  /** Submits until the SQ is empty. */
  #drainSq(): void {
    for (let attempt = 0; ; attempt++) {
      this.#makeRoom()
      this.#sqHead = Atomics.load(this.#sq, this.#sqHeadIdx)
      if (this.#sqHead === this.#sqPublished) return
      if (!this.#sqpoll && attempt > 1000) throw invalidArgValue('ring', 'could not empty its SQ')
    }
  }

  #abandonChain(chain: ChainState, err: Error): void {
    this.#sqTail = chain.startTail
    for (const promise of chain.promises) promise.catch(noop)
    for (const slot of chain.slots) {
      const reject = this.#reject[slot]
      const failed = this.#failed[slot]
      const data = this.#data[slot]
      this.#releaseSlot(slot)
      failed?.(data)
      this.#inflight--
      reject?.(err)
    }
    this.#control[CONTROL.INFLIGHT] = this.#inflight
  }

  #settleSkipped(skips: number[][]): void {
    for (const [slot, gen] of skips) if (this.#gen[slot] === gen && this.#resolve[slot] !== undefined) this.#complete(slot, gen, 0, 0)
  }

  /** Returns a slot to the free list, dropping what it held. */
  #releaseSlot(slot: number): void {
    const signal = this.#extra[slot]?.signal
    if (signal !== undefined) this.#signalSlots.get(signal)?.delete(slot)
    this.#resolve[slot] = undefined
    this.#reject[slot] = undefined
    this.#keep[slot] = undefined
    this.#extra[slot] = undefined
    this.#path[slot] = undefined
    this.#dest[slot] = undefined
    this.#result[slot] = undefined
    this.#failed[slot] = undefined
    this.#data[slot] = undefined
    this.#gen[slot] = (this.#gen[slot] + 1) & GEN_MASK
    this.#free.push(slot)
  }

  #checkDrained(): void {
    if (this.#inflight === 0 && this.#drained !== undefined) {
      this.#drained()
      this.#drained = undefined
    }
  }

  #newSlot(): number {
    const slot = this.#gen.length
    this.#gen.push(0)
    this.#resolve.push(undefined)
    this.#reject.push(undefined)
    this.#syscall.push('')
    this.#keep.push(undefined)
    this.#extra.push(undefined)
    this.#path.push(undefined)
    this.#dest.push(undefined)
    this.#result.push(undefined)
    this.#failed.push(undefined)
    this.#data.push(undefined)
    return slot
  }

  /**
   * Makes the SQEs written so far visible to the kernel. Without SQPOLL the
   * kernel reads the tail only inside io_uring_enter, called later by this
   * same thread, so a plain store suffices; an SQPOLL thread polls it from
   * another CPU and needs the release ordering of Atomics.store.
   */
  #publish(): void {
    if (this.#sqPublished !== this.#sqTail) {
      this.#sqPublished = this.#sqTail
      if (this.#sqpoll) Atomics.store(this.#sq, this.#sqTailIdx, this.#sqTail)
      else this.#sq[this.#sqTailIdx] = this.#sqTail
    }
  }

  /**
   * The SQ is full: submit it. Without SQPOLL the kernel consumes every SQE
   * inside io_uring_enter; with SQPOLL wait for its thread to make room. A
   * transient EBUSY/EAGAIN (CQ overflow backlog) clears once CQEs are reaped.
   */
  #makeRoom(): void {
    for (let attempt = 0; ; attempt++) {
      this.#publish()
      const ret = native.submit(this.#handle)
      if (ret < 0 && ((ret !== EBUSY && ret !== EAGAIN) || attempt > 1000)) throw native.systemError(ret, 'io_uring_enter')
      if (ret < 0) this.#reap(undefined)
      if (!this.#sqFull()) return
      if (this.#sqpoll) native.enter(this.#handle, 0, 0, IORING_ENTER_SQ_WAIT)
    }
  }

  #onWake(status: number): void {
    if (status < 0) throw native.systemError(status, 'io_uring_enter')
    if (this.#state !== State.Closed) this.#reap(undefined)
  }

  /**
   * Consumes every posted CQE, settling the promise operations and handing
   * the others to `handler` (forEachCqe), `onCqe` or the backlog. Flushes a
   * CQ overflow backlog (IORING_SQ_CQ_OVERFLOW) and pending task work.
   */
  #reap(handler: CqeHandler | undefined): number {
    if (this.#reaping) return 0
    this.#reaping = true
    const cq = this.#cq
    const mask = this.#cqMask
    const base = this.#cqesIdx
    const shift = this.#cqeWordsShift
    let head = this.#cqHead
    let count = 0
    try {
      for (;;) {
        const tail = Atomics.load(cq, this.#cqTailIdx)
        while (head !== tail) {
          const i = base + ((head & mask) << shift)
          const lo = cq[i]
          const hi = cq[i + 1]
          const res = this.#cqRes[i + 2]
          const flags = cq[i + 3]
          head = (head + 1) >>> 0
          count++
          if (hi & MANAGED) {
            const kind = hi & KIND_MASK
            if (kind === 0) this.#complete(lo, hi & GEN_MASK, res, flags)
            else if ((hi & ~GEN_MASK) === MESSAGE) this.#deliverMessage(hi, lo, res)
          } else {
            this.#deliver(hi * 2 ** 32 + lo, res, flags, handler)
          }
        }
        // Nested reaps are refused (#reaping), so the head is published once per batch.
        this.#cqHead = head
        Atomics.store(cq, this.#cqHeadIdx, head)
        if (!(Atomics.load(this.#sq, this.#sqFlagsIdx) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN))) break
        native.enter(this.#handle, 0, 0, IORING_ENTER_GETEVENTS)
        if (Atomics.load(cq, this.#cqTailIdx) === head) break
      }
    } finally {
      // A handler that throws (onCqe, onMessage) must not make the CQEs
      // before it, and its own, be delivered again.
      if (this.#cqHead !== head) {
        this.#cqHead = head
        Atomics.store(cq, this.#cqHeadIdx, head)
      }
      this.#reaping = false
      this.#completions += count
      this.#control[CONTROL.INFLIGHT] = this.#inflight
    }
    this.#checkDrained()
    return count
  }

  #deliver(userData: number, res: number, flags: number, handler: CqeHandler | undefined): void {
    const target = handler ?? this.onCqe
    if (target !== undefined) target(userData, res, flags)
    else this.#backlog.push(userData, res, flags)
  }

  #complete(slot: number, gen: number, res: number, flags: number): void {
    if (slot >= this.#gen.length || this.#gen[slot] !== gen) return
    const extra = this.#extra[slot]
    if (extra !== undefined || this.#path[slot] !== undefined || this.#result[slot] !== undefined) return this.#completeExtra(slot, res, flags, extra)
    const resolve = this.#resolve[slot] as (value: number) => void
    const reject = this.#reject[slot] as (reason: Error) => void
    this.#resolve[slot] = undefined
    this.#reject[slot] = undefined
    this.#keep[slot] = undefined
    this.#gen[slot] = (gen + 1) & GEN_MASK
    this.#free.push(slot)
    this.#inflight--
    if (res >= 0) resolve(res)
    else reject(native.systemError(res, this.#syscall[slot]))
  }

  /** #complete() for an operation with an extra or the fields of a named operation. */
  #completeExtra(slot: number, res: number, flags: number, extra: SlotExtra | undefined): void {
    const ok = res >= 0 || (extra !== undefined && extra.okResult !== 0 && res === extra.okResult)
    const stream = extra?.stream
    if (stream !== undefined && flags & IORING_CQE_F_MORE) {
      if (ok) stream.push(extra!.map!(res, flags))
      return
    }
    const resolve = this.#resolve[slot]
    const reject = this.#reject[slot]
    const syscall = this.#syscall[slot]
    const path = this.#path[slot]
    const dest = this.#dest[slot]
    const result = this.#result[slot]
    const failed = this.#failed[slot]
    const data = this.#data[slot]
    this.#releaseSlot(slot)
    this.#inflight--
    let error: Error | undefined
    if (!ok) {
      if (extra?.aborted) error = abortError(extra.signal!.reason)
      else if (extra?.timeoutMs !== undefined && res === ECANCELED && this.#state === State.Open) error = timedOut(syscall, extra.timeoutMs)
      else if (!(stream?.stopped && res === ECANCELED)) error = native.systemError(res, syscall, pathsOf(path, dest))
    }
    if (stream !== undefined) {
      if (ok) stream.push(extra!.map!(res, flags))
      stream.end(error)
    } else if (error !== undefined) {
      failed?.(data)
      reject!(error)
    } else if (result !== undefined) (resolve as (value: unknown) => void)(result(res, data))
    else resolve!(res >= 0 ? res : 0)
  }

  /** dispose(): one IORING_OP_ASYNC_CANCEL per request in flight; the message stream ends. */
  #cancelInflight(): void {
    this.#closeMessages()
    for (let slot = 0; slot < this.#gen.length; slot++) {
      if (this.#resolve[slot] === undefined && this.#extra[slot]?.stream === undefined) continue
      this.cancelUserData((MANAGED | this.#gen[slot]) * 2 ** 32 + slot, 0)
    }
    this.submit()
  }

  /** IORING_REGISTER_PROBE through @iouring/register, kept as a table for require(). */
  #readProbe(): Probe {
    const probe = probeRing({ handle: this.#handle })
    for (let op = 0; op <= probe.lastOp; op++) if (probe.supports(op)) this.#supported[op] = 1
    return probe
  }

  /** Throws ERR_IOURING_UNSUPPORTED_OP, naming the kernel that added it, unless this kernel has `opcode`. */
  protected require(opcode: number): void {
    if (this.#supported[opcode] === 1) return
    const entry = OPCODES.find((op) => op.value === opcode)
    throw unsupportedOperation(entry?.name ?? String(opcode), entry?.since ?? 'a newer kernel', release())
  }

  /** io_uring_getevents_arg with a relative timeout, in a buffer kept per ring. */
  #timeoutArg(timeoutMs: number): DataView {
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) {
      throw outOfRange('options.timeoutMs', 'a finite number >= 0', timeoutMs)
    }
    if (this.#waitArg === undefined) this.#waitArg = new DataView(new ArrayBuffer(GETEVENTS_ARG_SIZE + TIMESPEC_SIZE))
    const arg = this.#waitArg
    writeTimespec(arg, GETEVENTS_ARG_SIZE, timespecFromMs(timeoutMs))
    writeGeteventsArg(arg, 0, { sigmask: 0, sigmaskSz: 0, minWaitUsec: 0, ts: native.addressOf(arg) + GETEVENTS_ARG_SIZE })
    return new DataView(arg.buffer, 0, GETEVENTS_ARG_SIZE)
  }
}

function noop(): void {}

/** The path fields of a failed operation's system error (node:fs's `path`, `dest`). */
function pathsOf(path: string | undefined, dest: string | undefined): { path: string; dest?: string } | undefined {
  if (path === undefined) return undefined
  return dest === undefined ? { path } : { path, dest }
}

function validateSignal(signal: unknown): asserts signal is AbortSignal {
  if (!(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal)
}

/** A Duration in milliseconds, validated. */
export function durationMs(duration: unknown, name: string): number {
  if (typeof duration === 'number') {
    if (!(duration >= 0) || !Number.isFinite(duration)) throw outOfRange(name, 'a finite number of milliseconds >= 0', duration)
    return duration
  }
  if (duration !== null && typeof duration === 'object') {
    const { sec, nsec } = duration as { sec: unknown; nsec: unknown }
    if ((typeof sec === 'number' && Number.isSafeInteger(sec) && sec >= 0) || (typeof sec === 'bigint' && sec >= 0n)) {
      if (typeof nsec === 'number' && Number.isInteger(nsec) && nsec >= 0 && nsec < 1e9) return Number(sec) * 1000 + nsec / 1e6
    }
    throw invalidArgValue(name, 'must have an integer sec >= 0 and an integer nsec in [0, 1e9)')
  }
  throw invalidArgType(name, 'a number of milliseconds or { sec, nsec }', duration)
}

/** A validated Duration as a __kernel_timespec value. */
export function toTimespec(duration: Duration): { sec: number | bigint; nsec: number } {
  return typeof duration === 'number' ? timespecFromMs(duration) : { sec: duration.sec, nsec: duration.nsec }
}
