// The machinery under IoUring: operation slots, submission, reaping and the
// ring's lifetime. Its public face is the Operations interface, through
// which core's own operation groups and other packages add operations.
import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import {
  IORING_ENTER_GETEVENTS,
  IORING_FEAT_CQE_SKIP,
  IORING_SQ_CQ_OVERFLOW,
  IORING_SQ_TASKRUN,
  OPCODES,
  SQE_USER_DATA,
  SQE_FLAGS,
  IORING_CQE_F_MORE,
  IORING_OP_ASYNC_CANCEL,
  IOSQE_ASYNC,
  IOSQE_CQE_SKIP_SUCCESS,
  IOSQE_IO_DRAIN,
  IOSQE_IO_LINK,
  encodeTimespec,
  prepLinkTimeout,
  prepCancel64,
  prepNop,
  SQE_OPCODE,
  timespecFromMs,
} from '@iouring/ops'
import { probe as probeRing, unsupported, type Probe } from '@iouring/register'
import { release } from 'node:os'
import { abortError, invalidArgType, invalidArgValue, invalidState, outOfRange, ringClosed, unsupportedOperation } from './errors.js'
import { CompletionQueue, SubmissionQueue } from './queues.js'
import { RecordedCredentials } from './credentials.js'
import { Messages } from './messages.js'
import { createRing, registerRingFd, type IoUringOptions } from './setup.js'
import { ECANCELED, GEN_MASK, SlotExtra, SlotTable, type CqeCallback } from './slots.js'
import { CompletionStream } from './stream.js'
import { validateUint32 } from './validate.js'

export type { CqeCallback } from './slots.js'

const { CONTROL } = native

// user_data of operations this ring manages: low 32 bits the slot index,
// high 32 bits MANAGED | generation. Bit 52 (MANAGED) is what tells them from
// the low-level API's user_data, which must stay below 2^52.
const MANAGED = 0x100000
// Two kind bits below MANAGED: internal requests whose CQEs carry no news
// (cancels, link timeouts), and messages from msgRing (the rest of the high
// word and the low word carry the sender's data).
const KIND_MASK = 0xc0000
const IGNORED = MANAGED | 0x80000
const MESSAGE = MANAGED | 0x40000
/** msgRing data must be below this (18 high bits + 32 low bits). */
export const MESSAGE_DATA_LIMIT = 2 ** 50

/** user_data values of the low-level API must be below this. */
export const USER_DATA_LIMIT = 2 ** 52

const EPERM = -1
const EOWNERDEAD = -130

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

/** Receives CQEs of the low-level API: user_data, result, flags. */
export type CqeHandler = (userData: number, res: number, flags: number) => void

/**
 * How a package adds operations to a ring: `ring.operations`. Core's own
 * operations (read, open, pollAdd, ...) are written with exactly this.
 *
 * An operation validates its arguments first (nothing is reserved if that
 * throws), checks the kernel has the opcode (`require`), reserves an SQE
 * (`prepare`), encodes it into `sqes` at that offset with an @iouring/ops
 * encoder, and hands it over with one of the `start*` methods, naming what
 * the kernel will touch (`keep`: buffers, encoded paths, iovec arrays, ...).
 * The ring keeps `keep` reachable until the request's final CQE and submits
 * everything prepared in a tick with one io_uring_enter.
 *
 * ```ts
 * import { IORING_OP_NOP, prepNop } from '@iouring/ops'
 * function nop(ring: IoUring): Promise<number> {
 *   const ops = ring.operations
 *   ops.require(IORING_OP_NOP)
 *   const at = ops.prepare()
 *   prepNop(ops.sqes, at)
 *   return ops.start(at, 'nop')
 * }
 * ```
 *
 * Between `prepare()` and `start*()` nothing else may prepare on the ring
 * (there is no await in between in practice). An SQE reserved and not
 * started is overwritten by the next one.
 */
export interface Operations {
  /** The mapped SQE array: encode at the offset prepare() returned. Replaced by resize(). */
  readonly sqes: DataView
  /** Whether the ring refuses new work (dispose() was called). */
  readonly closed: boolean
  /** The addon's handle, for @iouring/register calls on this ring. */
  readonly handle: RingHandle
  /** Throws ERR_IOURING_UNSUPPORTED_OP, naming the kernel that added it, unless this kernel has `opcode`. */
  require(opcode: number): void
  /** Whether this kernel has `opcode` (from the probe made when the ring was created). */
  supports(opcode: number): boolean
  /** Reserves the SQE the next operation writes and returns its byte offset in `sqes`; submits first when the SQ is full. Throws when the ring is closed. */
  prepare(): number
  /** Starts the operation encoded at `at`. Resolves to the CQE's result; a negative result rejects with a system error naming `syscall`. */
  start(at: number, syscall: string, keep?: unknown, options?: OpOptions): Promise<number>
  /** start() for an operation on a named file: a failure's system error carries `path` (and `dest`), as node:fs errors do. */
  startPath(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, path: string, dest?: string): Promise<number>
  /** start() for an operation whose negative result `okResult` also means success (a timeout's -ETIME). */
  startAllowing(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, okResult: number): Promise<number>
  /**
   * start() for an operation whose promise resolves to `result(res, data, flags)`
   * instead of the CQE's result, with no closure or promise of its own (stat:
   * the Stats decoded from the buffer `data` names). `failed(data)` runs
   * instead when the operation fails or is never submitted; with `path` a
   * failure's system error carries it.
   */
  startWithResult<T, D>(
    at: number,
    syscall: string,
    keep: unknown,
    options: OpOptions | undefined,
    result: (res: number, data: D, flags: number) => T,
    failed: ((data: D) => void) | undefined,
    data: D,
    path?: string,
  ): Promise<T>
  /**
   * Starts a multishot request whose completions become a CompletionStream:
   * `map(res, flags)` turns each CQE into the value yielded, or undefined to
   * yield nothing for it (a receive's end of stream); `okResult` is a negative
   * result that still counts as a value (a multishot timeout's -ETIME).
   * `onEnd(res)`, when given, sees the final CQE's result first (ENOBUFS: a
   * buffer group ran dry).
   */
  startMultishot<T>(
    at: number,
    syscall: string,
    keep: unknown,
    options: StreamOptions | undefined,
    map: (res: number, flags: number) => T | undefined,
    okResult?: number,
    onEnd?: (res: number) => void,
  ): CompletionStream<T>
  /**
   * Starts a request whose CQEs go to `callback(res, flags)` as they are
   * reaped, with no promise: one CQE for a one-shot request, several for a
   * multishot one (IORING_CQE_F_MORE set on all but the last) or a zero-copy
   * send (its notification CQE last). `keep` stays reachable until the CQE
   * without IORING_CQE_F_MORE. Returns the request's user_data, for cancel().
   * A negative `res` is the kernel's -errno: make an error of it with systemError().
   */
  startCallback(at: number, syscall: string, keep: unknown, callback: CqeCallback): number
  /** Asks the kernel to cancel the request with `userData` (IORING_OP_ASYNC_CANCEL, whose own CQE is ignored). */
  cancel(userData: number, flags?: number): void
  /**
   * Whether the request with `userData` (a startCallback() or stream request
   * of this ring) keeps the event loop alive, as it does by default: false
   * for a listening socket that was unref()'d. No effect once it has completed.
   */
  refRequest(userData: number, ref: boolean): void
  /** The user_data of the request behind a stream this ring returned, or a user_data number (the low-level API's). */
  userDataOf(target: unknown, name?: string): number
  /** user_data for an IORING_OP_MSG_RING that makes its CQE land in the target ring's message queue with `data`. */
  messageUserData(data: number): number
}

type Executor = (resolve: (value: number) => void, reject: (reason: Error) => void) => void

export const enum State {
  Open,
  /** Created with R_DISABLED and not enabled yet (enableRings() from @iouring/register). */
  Disabled,
  Closing,
  Closed,
}

/** The state of a ring.chain() being built; see chain.ts. */
export interface ChainState {
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

/**
 * Rings dropped without dispose(). The addon holds a ring strongly while it
 * has requests in flight, so one is collected only when nothing the kernel
 * could touch is left; it is then closed here, with a warning, as Node does
 * for a FileHandle it closes on garbage collection.
 */
const undisposed = new FinalizationRegistry<{ handle: RingHandle; fd: number }>(({ handle, fd }) => {
  native.close(handle)
  process.emitWarning(`Closing io_uring ring fd ${fd} on garbage collection; call ring.dispose() when done with a ring`, {
    code: 'IOURING_RING_NOT_DISPOSED',
  })
})

/** Implements Operations for one ring, and what IoUring needs beyond it. @internal */
export class Engine implements Operations {
  readonly #handle: RingHandle
  readonly sq: SubmissionQueue
  readonly cq = new CompletionQueue()
  readonly slots = new SlotTable()
  state = State.Open
  chain: ChainState | undefined
  readonly messages = new Messages(this)
  /** Called with each low-level CQE that the event loop reaps. Without it they wait for forEachCqe(). */
  onCqe: CqeHandler | undefined
  /** CQEs of the low-level API reaped when no handler was set, kept for the next forEachCqe(): [userData, res, flags, ...]. */
  readonly backlog: number[] = []
  /** The slot start() or startWith() claimed last; -1 when startWith() rejected before claiming one. */
  lastSlot = -1
  completions = 0
  readonly probe: Probe
  // 1 for each opcode this kernel supports, from the probe made at creation.
  readonly #supported = new Uint8Array(256)
  // IORING_FEAT_CQE_SKIP (5.17): the kernel takes IOSQE_CQE_SKIP_SUCCESS.
  readonly #skipsCqes: boolean
  readonly #control: Int32Array
  /** What setup() made, for IoUring's constructor. */
  readonly description: native.RingDescription
  /** Whether io_uring_enter goes through a registered ring fd (see RingParams). */
  readonly ringFdRegistered: boolean
  // The function the addon calls on wake-ups. It holds it weakly while nothing
  // is in flight: kept here, it lives exactly as long as the engine.
  readonly #wake = (status: number): void => this.onWake(status)
  #warnedEnter = false
  #reaping = false
  #drained: (() => void) | undefined
  #disposed: Promise<void> | undefined

  // The executor hands resolve/reject over through these, so that starting a
  // promise operation allocates no closure.
  #nextResolve: (value: number) => void = noop
  #nextReject: (reason: Error) => void = noop
  readonly #executor: Executor = (resolve, reject) => {
    this.#nextResolve = resolve
    this.#nextReject = reject
  }

  constructor(options: IoUringOptions) {
    const ring = createRing(options, this.#wake)
    this.description = ring
    this.ringFdRegistered = registerRingFd(ring, options)
    this.#handle = ring.handle
    undisposed.register(this, { handle: ring.handle, fd: ring.fd }, this)
    this.sq = new SubmissionQueue(ring.handle)
    this.adopt(ring)
    this.#control = new Int32Array(ring.control)
    if (this.#control[CONTROL.DISABLED] === 1) this.state = State.Disabled
    this.#skipsCqes = (ring.features & IORING_FEAT_CQE_SKIP) !== 0
    this.probe = probeRing({ handle: ring.handle })
    for (let op = 0; op <= this.probe.lastOp; op++) if (this.probe.supports(op)) this.#supported[op] = 1
    if (this.sq.sqpoll) {
      const recorded = new RecordedCredentials()
      this.sq.beforePublish = () => this.#checkCredentials(recorded)
    }
  }

  /** Takes over the mapped rings setup() or resize() described. */
  adopt(ring: native.ResizedRings): void {
    this.sq.adopt(ring)
    this.cq.adopt(ring)
  }

  get sqes(): DataView {
    return this.sq.sqes
  }

  get handle(): RingHandle {
    if (this.state === State.Closed) throw ringClosed()
    return this.#handle
  }

  get closed(): boolean {
    return this.state >= State.Closing
  }

  /** Throws unless the ring takes new work: ERR_IOURING_CLOSED, or ERR_INVALID_STATE for a ring still disabled. */
  checkOpen(): void {
    if (this.state === State.Disabled && this.#control[CONTROL.DISABLED] === 0) this.state = State.Open
    if (this.state === State.Open) return
    if (this.state === State.Disabled) throw invalidState('the ring was created with R_DISABLED; enable it with enableRings() from @iouring/register first')
    throw ringClosed()
  }

  require(opcode: number): void {
    if (this.#supported[opcode] === 1) return
    const entry = OPCODES.find((op) => op.value === opcode)
    throw unsupportedOperation(entry?.name ?? String(opcode), entry?.since ?? 'a newer kernel', release())
  }

  supports(opcode: number): boolean {
    return this.#supported[opcode] === 1
  }

  prepare(): number {
    if (this.state !== State.Open) this.checkOpen()
    if (this.sq.full()) {
      if (this.chain !== undefined) this.#chainRoom(1)
      else this.sq.makeRoom(this.#reapNow)
    }
    return this.sq.at()
  }

  start(at: number, syscall: string, keep?: unknown, options?: OpOptions): Promise<number> {
    if (options !== undefined || this.chain !== undefined) return this.#startWith(at, syscall, keep, options, undefined)
    const slots = this.slots
    const slot = slots.claim()
    const sqes = this.sq.sqes
    sqes.setUint32(at + SQE_USER_DATA, slot, true)
    sqes.setUint32(at + SQE_USER_DATA + 4, MANAGED | slots.gen[slot], true)
    const promise = new Promise<number>(this.#executor)
    slots.resolve[slot] = this.#nextResolve
    slots.reject[slot] = this.#nextReject
    slots.syscall[slot] = syscall
    slots.keep[slot] = keep
    this.lastSlot = slot
    this.sq.tail = (this.sq.tail + 1) >>> 0
    this.sq.publish()
    this.#addInflight()
    return promise
  }

  startPath(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, path: string, dest?: string): Promise<number> {
    return this.#startNamed(at, syscall, keep, options, path, dest, undefined, undefined, undefined)
  }

  startAllowing(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, okResult: number): Promise<number> {
    const extra = new SlotExtra()
    extra.okResult = okResult
    return this.#startWith(at, syscall, keep, options, extra)
  }

  startWithResult<T, D>(
    at: number,
    syscall: string,
    keep: unknown,
    options: OpOptions | undefined,
    result: (res: number, data: D, flags: number) => T,
    failed: ((data: D) => void) | undefined,
    data: D,
    path?: string,
  ): Promise<T> {
    const map = result as (res: number, data: unknown, flags: number) => unknown
    return this.#startNamed(at, syscall, keep, options, path, undefined, map, failed as ((data: unknown) => void) | undefined, data) as unknown as Promise<T>
  }

  startMultishot<T>(
    at: number,
    syscall: string,
    keep: unknown,
    options: StreamOptions | undefined,
    map: (res: number, flags: number) => T | undefined,
    okResult = 0,
    onEnd?: (res: number) => void,
  ): CompletionStream<T> {
    const signal = options?.signal
    if (signal !== undefined) validateSignal(signal)
    const highWaterMark = options?.highWaterMark === undefined ? undefined : validateUint32(options.highWaterMark, 'options.highWaterMark')
    if (this.chain !== undefined) throw invalidArgValue('chain', 'cannot hold a multishot operation')
    const flags = this.#optionFlags(options)
    const slot = this.#claimSlot(at, syscall, keep, undefined)
    const gen = this.slots.gen[slot]
    const stream = new CompletionStream<T>((MANAGED | gen) * 2 ** 32 + slot, () => this.#cancelSlot(slot, gen), highWaterMark)
    const extra = this.slots.extraOf(slot)
    extra.stream = stream as CompletionStream<unknown>
    this.slots.callback[slot] = (res, cqeFlags) => {
      const ok = res >= 0 || (okResult !== 0 && res === okResult)
      if (ok) {
        // A map that throws (a buffer the kernel reports that its group cannot
        // account for) fails the stream and cancels the request: the error
        // reaches the consumer, not the event loop.
        let value: T | undefined
        try {
          value = map(res, cqeFlags)
        } catch (err) {
          stream.abort(err as Error)
        }
        if (value !== undefined) stream.push(value)
      }
      if (cqeFlags & IORING_CQE_F_MORE) return
      onEnd?.(res)
      stream.end(ok || (stream.stopped && res === ECANCELED) ? undefined : native.systemError(res, syscall))
    }
    if (signal?.aborted) {
      // Nothing is submitted: the slot goes back and the stream throws at once.
      this.slots.release(slot)
      stream.abort(abortError(signal.reason))
      stream.end()
      return stream
    }
    this.#submitClaimed(at, flags)
    if (signal !== undefined) this.#watchSignal(slot, signal)
    this.sq.publish()
    this.#addInflight()
    return stream
  }

  startCallback(at: number, syscall: string, keep: unknown, callback: CqeCallback): number {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback)
    if (this.chain !== undefined) throw invalidArgValue('chain', 'cannot hold a callback request')
    const slot = this.#claimSlot(at, syscall, keep, undefined)
    this.slots.callback[slot] = callback
    this.#submitClaimed(at, 0)
    this.sq.publish()
    this.#addInflight()
    return (MANAGED | this.slots.gen[slot]) * 2 ** 32 + slot
  }

  cancel(userData: number, flags = 0): void {
    this.#roomFor(1)
    const at = this.sq.at()
    const sqes = this.sq.sqes
    prepCancel64(sqes, at, userData, flags)
    sqes.setUint32(at + SQE_USER_DATA, 0, true)
    sqes.setUint32(at + SQE_USER_DATA + 4, IGNORED, true)
    this.sq.tail = (this.sq.tail + 1) >>> 0
    if (this.chain === undefined) this.sq.publish()
  }

  refRequest(userData: number, ref: boolean): void {
    const slot = userData % 2 ** 32
    const gen = Math.floor(userData / 2 ** 32) & GEN_MASK
    const slots = this.slots
    if (slots.gen[slot] !== gen || !slots.busy(slot)) return
    const extra = slots.extraOf(slot)
    if (extra.unrefed === !ref) return
    extra.unrefed = !ref
    slots.unrefed += ref ? -1 : 1
    this.#publishInflight()
    native.updateRef(this.#handle)
  }

  userDataOf(target: unknown, name = 'target'): number {
    if (target instanceof CompletionStream) return target.userData
    if (typeof target === 'number' && Number.isSafeInteger(target) && target >= 0) return target
    throw invalidArgType(name, 'a stream returned by this ring or a user_data number', target)
  }

  messageUserData(data: number): number {
    if (typeof data !== 'number' || !Number.isSafeInteger(data) || data < 0 || data >= MESSAGE_DATA_LIMIT) {
      throw outOfRange('options.data', 'an integer >= 0 and < 2 ** 50', data)
    }
    return MESSAGE * 2 ** 32 + data
  }

  // ------------------------------------------------------------ starting

  /**
   * start() for operations with options, in a chain, or with an `extra` the
   * operation needs (a result that means success). Applies the SQE flags,
   * appends the linked timeout, and wires the abort signal.
   */
  #startWith(at: number, syscall: string, keep: unknown, options: OpOptions | undefined, extra: SlotExtra | undefined): Promise<number> {
    const signal = options?.signal
    if (signal !== undefined) {
      validateSignal(signal)
      if (signal.aborted) {
        this.lastSlot = -1
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
    const chain = this.chain
    if (chain !== undefined && timespec === undefined) flags |= chain.link
    const slot = this.#claimSlot(at, syscall, timespec === undefined ? keep : [keep, timespec], extra)
    this.lastSlot = slot
    const promise = new Promise<number>(this.#executor)
    this.slots.resolve[slot] = this.#nextResolve
    this.slots.reject[slot] = this.#nextReject
    this.#submitClaimed(at, flags)
    let lastAt = at
    if (timespec !== undefined) {
      const sqes = this.sq.sqes
      lastAt = this.sq.at()
      prepLinkTimeout(sqes, lastAt, native.addressOf(timespec), 0)
      if (chain !== undefined) sqes.setUint8(lastAt + SQE_FLAGS, chain.link)
      sqes.setUint32(lastAt + SQE_USER_DATA, 0, true)
      sqes.setUint32(lastAt + SQE_USER_DATA + 4, IGNORED, true)
      this.sq.tail = (this.sq.tail + 1) >>> 0
      this.slots.extraOf(slot).timeoutMs = timeoutMs
    }
    if (signal !== undefined) this.#watchSignal(slot, signal)
    if (chain !== undefined) {
      chain.lastAt = lastAt
      chain.lastOpAt = at
      chain.slots.push(slot)
      chain.promises.push(promise)
      if (options?.skipSuccess === true) chain.skips.push(slot)
    } else {
      this.sq.publish()
    }
    this.#addInflight()
    return promise
  }

  #startNamed(
    at: number,
    syscall: string,
    keep: unknown,
    options: OpOptions | undefined,
    path: string | undefined,
    dest: string | undefined,
    result: ((res: number, data: unknown, flags: number) => unknown) | undefined,
    failed: ((data: unknown) => void) | undefined,
    data: unknown,
  ): Promise<number> {
    let promise: Promise<number>
    try {
      promise = this.start(at, syscall, keep, options)
    } catch (err) {
      failed?.(data)
      throw err
    }
    const slot = this.lastSlot
    if (slot < 0) {
      // Aborted before submission: nothing holds `data` but us.
      failed?.(data)
      return promise
    }
    const slots = this.slots
    slots.path[slot] = path
    slots.dest[slot] = dest
    slots.result[slot] = result
    slots.failed[slot] = failed
    slots.data[slot] = data
    return promise
  }

  #claimSlot(at: number, syscall: string, keep: unknown, extra: SlotExtra | undefined): number {
    const slots = this.slots
    const slot = slots.claim()
    const sqes = this.sq.sqes
    sqes.setUint32(at + SQE_USER_DATA, slot, true)
    sqes.setUint32(at + SQE_USER_DATA + 4, MANAGED | slots.gen[slot], true)
    slots.syscall[slot] = syscall
    slots.keep[slot] = keep
    slots.extra[slot] = extra
    return slot
  }

  /** Adds `flags` to the claimed SQE at `at` (the tail) and moves the tail past it. */
  #submitClaimed(at: number, flags: number): void {
    const sqes = this.sq.sqes
    if (flags !== 0) sqes.setUint8(at + SQE_FLAGS, sqes.getUint8(at + SQE_FLAGS) | flags)
    this.sq.tail = (this.sq.tail + 1) >>> 0
  }

  #optionFlags(options: OpOptions | StreamOptions | undefined): number {
    if (options === undefined) return 0
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    let flags = 0
    if (options.drain === true) flags |= IOSQE_IO_DRAIN
    if (options.async === true) flags |= IOSQE_ASYNC
    if ((options as OpOptions).skipSuccess === true) {
      if (this.chain === undefined) throw invalidArgValue('options.skipSuccess', 'is only allowed on a step of ring.chain()')
      if (!this.#skipsCqes) throw unsupported('IOSQE_CQE_SKIP_SUCCESS', '5.17', release())
      flags |= IOSQE_CQE_SKIP_SUCCESS
    }
    return flags
  }

  /**
   * Counts one more request in flight. The addon holds the event loop open
   * while any that are not unref'ed are, and this engine (with all it keeps)
   * while any are at all; ARMED says whether it already does.
   */
  #addInflight(): void {
    const control = this.#control
    this.slots.inflight++
    this.#publishInflight()
    if (control[CONTROL.ARMED] === 0) native.updateRef(this.#handle)
  }

  /** Tells the addon what is in flight (it reads the counts when the loop runs). */
  #publishInflight(): void {
    const control = this.#control
    control[CONTROL.INFLIGHT] = this.slots.holding
    control[CONTROL.PENDING] = this.slots.inflight
  }

  /**
   * Settles the request in `slot`, which the kernel never got, with `err`
   * (a callback request sees -EPERM).
   */
  failUnsubmitted(slot: number, err: Error): void {
    const slots = this.slots
    const extra = slots.extra[slot]
    const callback = slots.callback[slot]
    const reject = slots.reject[slot]
    const failed = slots.failed[slot]
    const data = slots.data[slot]
    slots.release(slot)
    this.dropInflight()
    if (extra?.stream !== undefined) extra.stream.end(err)
    else if (callback !== undefined) callback(EPERM, 0)
    else {
      failed?.(data)
      reject?.(err)
    }
  }

  /**
   * An SQPOLL ring's kernel thread acts with the credentials the ring was
   * created with (credentials.ts). Once the process's have changed, every
   * SQE its thread has not seen yet becomes a NOP whose CQE is ignored, and
   * its operation fails with ERR_IOURING_CREDENTIALS_CHANGED (a low-level SQE
   * gets a CQE of -EPERM). Cancellations go through: they need no
   * credentials, and dispose() waits on them.
   */
  #checkCredentials(recorded: RecordedCredentials): void {
    const changed = recorded.changed()
    if (changed === undefined) return
    const sq = this.sq
    const sqes = sq.sqes
    for (let tail = sq.published; tail !== sq.tail; tail = (tail + 1) >>> 0) {
      const at = (tail & sq.mask) << sq.shift
      if (sqes.getUint8(at + SQE_OPCODE) === IORING_OP_ASYNC_CANCEL) continue
      const lo = sqes.getUint32(at + SQE_USER_DATA, true)
      const hi = sqes.getUint32(at + SQE_USER_DATA + 4, true)
      prepNop(sqes, at)
      sqes.setUint32(at + SQE_USER_DATA, 0, true)
      sqes.setUint32(at + SQE_USER_DATA + 4, IGNORED, true)
      if (!(hi & MANAGED)) this.#deliver(hi * 2 ** 32 + lo, EPERM, 0, undefined)
      else if ((hi & KIND_MASK) === 0 && this.slots.gen[lo] === (hi & GEN_MASK)) this.failUnsubmitted(lo, changed)
    }
  }

  /** Settles a request the kernel ended without a CQE (a chain's CQE_SKIP_SUCCESS steps) as if `res` had come. */
  completeWithoutCqe(slot: number, gen: number, res: number): void {
    this.slots.complete(slot, gen, res, 0, this.state === State.Open)
    this.#publishInflight()
    this.#checkDrained()
  }

  /** Counts one fewer request in flight, for requests that end without a CQE. */
  dropInflight(): void {
    this.slots.inflight--
    this.#publishInflight()
    this.#checkDrained()
  }

  /** Like #addInflight, for what keeps the ring alive without a CQE (a message listener). */
  holdOpen(): void {
    this.#addInflight()
  }

  #watchSignal(slot: number, signal: AbortSignal): void {
    this.slots.extraOf(slot).signal = signal
    const signalSlots = this.slots.signalSlots
    let watched = signalSlots.get(signal)
    if (watched === undefined) {
      const set = (watched = new Set())
      signalSlots.set(signal, set)
      signal.addEventListener('abort', () => this.#onAbort(signal, set), { once: true })
    }
    watched.add(slot)
  }

  #onAbort(signal: AbortSignal, watched: Set<number>): void {
    for (const slot of watched) {
      const extra = this.slots.extra[slot]
      if (extra?.signal !== signal) continue
      extra.aborted = true
      if (extra.stream !== undefined) extra.stream.abort(abortError(signal.reason))
      else this.#cancelSlot(slot, this.slots.gen[slot])
    }
    watched.clear()
  }

  /** Asks the kernel to cancel the request in `slot` (if it is still that request). */
  #cancelSlot(slot: number, gen: number): void {
    if (this.slots.gen[slot] !== gen || this.state === State.Closed) return
    this.cancel((MANAGED | gen) * 2 ** 32 + slot, 0)
  }

  /** Ensures `n` free SQEs after the one being prepared at the tail, without moving it. */
  #roomFor(n: number): void {
    if (this.sq.fits(n)) return
    if (this.chain !== undefined) this.#chainRoom(n)
    else this.sq.drain(this.#reapNow)
  }

  /**
   * A chain being written needs `n` SQEs more than the SQ has free: what was
   * written before it goes to the kernel now. The chain's own SQEs are
   * published only once it is whole, so it still reaches the kernel in one
   * submission; a chain longer than the SQ cannot.
   */
  #chainRoom(n: number): void {
    this.sq.drainBefore(this.chain!.startTail, this.#reapNow)
    if (!this.sq.fits(n)) throw outOfRange('chain', `at most ${this.sq.entries} SQEs (the SQ size)`, 'more')
  }

  // ------------------------------------------------------------ completion

  readonly #reapNow = (): void => {
    this.reap(undefined)
  }

  /** The addon's wake-up: CQEs were posted (status 0), or io_uring_enter failed in the loop (-errno). */
  onWake(status: number): void {
    if (this.state === State.Closed) return
    if (status < 0) this.#enterFailed(status)
    this.reap(undefined)
  }

  /**
   * io_uring_enter failed in the event loop for good (EPERM from seccomp,
   * EBADFD, ...; the addon retries EAGAIN and EBUSY, and reports a failure
   * once). The requests whose SQEs the kernel did not take fail with that
   * error, and each SQE becomes a NOP whose CQE is ignored, in case the
   * kernel takes it later. An SQPOLL ring's kernel thread may be reading
   * those SQEs (unless it is gone: EOWNERDEAD), so they stay as they are.
   * When no request could be told, a warning says what happened.
   */
  #enterFailed(status: number): void {
    const sq = this.sq
    const sqes = sq.sqes
    const refused: number[] = []
    if (!sq.sqpoll || status === EOWNERDEAD) {
      sq.forEachUnconsumed((at) => {
        refused.push(sqes.getUint32(at + SQE_USER_DATA, true), sqes.getUint32(at + SQE_USER_DATA + 4, true))
        prepNop(sqes, at)
        sqes.setUint32(at + SQE_USER_DATA, 0, true)
        sqes.setUint32(at + SQE_USER_DATA + 4, IGNORED, true)
      })
    }
    if (refused.length === 0 && !this.#warnedEnter) {
      this.#warnedEnter = true
      const err = native.systemError(status, 'io_uring_enter')
      process.emitWarning(`io_uring_enter failed in the event loop (${err.message}); operations in flight on this ring may never complete`, { code: 'IOURING_ENTER_FAILED' })
    }
    for (let i = 0; i < refused.length; i += 2) {
      const lo = refused[i]
      const hi = refused[i + 1]
      if (!(hi & MANAGED)) this.#deliver(hi * 2 ** 32 + lo, status, 0, undefined)
      else if ((hi & KIND_MASK) === 0) this.slots.complete(lo, hi & GEN_MASK, status, 0, this.state === State.Open)
    }
    this.#publishInflight()
    this.#checkDrained()
  }

  /**
   * Consumes every posted CQE, settling the promise operations and handing
   * the others to `handler` (forEachCqe), `onCqe` or the backlog. Flushes a
   * CQ overflow backlog (IORING_SQ_CQ_OVERFLOW) and pending task work.
   */
  reap(handler: CqeHandler | undefined): number {
    if (this.#reaping) return 0
    this.#reaping = true
    const cq = this.cq
    const words = cq.words
    const results = cq.results
    const mask = cq.mask
    const base = cq.base
    const shift = cq.shift
    const slots = this.slots
    let head = cq.head
    let count = 0
    try {
      for (;;) {
        const tail = cq.kernelTail()
        while (head !== tail) {
          const i = base + ((head & mask) << shift)
          const lo = words[i]
          const hi = words[i + 1]
          const res = results[i + 2]
          const flags = words[i + 3]
          head = (head + 1) >>> 0
          count++
          if (hi & MANAGED) {
            const kind = hi & KIND_MASK
            if (kind === 0) slots.complete(lo, hi & GEN_MASK, res, flags, this.state === State.Open)
            else if ((hi & ~GEN_MASK) === MESSAGE) this.#deliverMessage(hi, lo, res)
          } else {
            this.#deliver(hi * 2 ** 32 + lo, res, flags, handler)
          }
        }
        // Nested reaps are refused (#reaping), so the head is published once per batch.
        cq.release(head)
        if (!(this.sq.flags() & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN))) break
        native.enter(this.#handle, 0, 0, IORING_ENTER_GETEVENTS)
        if (cq.kernelTail() === head) break
      }
    } finally {
      // A handler that throws (onCqe, onMessage) must not make the CQEs
      // before it, and its own, be delivered again.
      if (cq.head !== head) cq.release(head)
      this.#reaping = false
      this.completions += count
      this.#publishInflight()
    }
    this.#checkDrained()
    return count
  }

  get reaping(): boolean {
    return this.#reaping
  }

  #deliver(userData: number, res: number, flags: number, handler: CqeHandler | undefined): void {
    const target = handler ?? this.onCqe
    if (target !== undefined) target(userData, res, flags)
    else this.backlog.push(userData, res, flags)
  }

  #deliverMessage(hi: number, lo: number, res: number): void {
    const data = (hi & GEN_MASK) * 2 ** 32 + lo
    this.messages.deliver(res, data)
  }

  #checkDrained(): void {
    if (this.slots.inflight === 0 && this.#drained !== undefined) {
      this.#drained()
      this.#drained = undefined
    }
  }

  // ------------------------------------------------------------ lifetime

  /** Keeps the process alive while operations are in flight (`want`), or not. */
  setRef(want: boolean): void {
    if (this.state === State.Closed) return
    this.#control[CONTROL.WANT_REF] = want ? 1 : 0
    native.updateRef(this.#handle)
  }

  /**
   * Refuses new work, cancels every operation in flight, waits for every CQE,
   * then unmaps the rings and closes the fd. `beforeClose` runs right before.
   */
  dispose(beforeClose: () => void): Promise<void> {
    if (this.#disposed !== undefined) return this.#disposed
    this.state = State.Closing
    this.#disposed = (async () => {
      this.messages.close()
      if (this.slots.inflight > 0) {
        const drained = new Promise<void>((resolve) => (this.#drained = resolve))
        this.#cancelInflight()
        await drained
      }
      beforeClose()
      this.state = State.Closed
      undisposed.unregister(this)
      native.close(this.#handle)
    })()
    return this.#disposed
  }

  /**
   * The addon closed the ring (its rings could not be mapped again after a
   * resize): the kernel cancels what was in flight, so those requests reject
   * with ECANCELED, and the ring refuses new work.
   */
  closedUnderneath(): void {
    this.state = State.Closed
    undisposed.unregister(this)
    this.messages.close()
    const slots = this.slots
    for (let slot = 0; slot < slots.gen.length; slot++) {
      if (slots.busy(slot)) slots.complete(slot, slots.gen[slot], ECANCELED, 0, false)
    }
    this.#publishInflight()
    this.#checkDrained()
  }

  /** One IORING_OP_ASYNC_CANCEL per request in flight. */
  #cancelInflight(): void {
    const slots = this.slots
    for (let slot = 0; slot < slots.gen.length; slot++) {
      if (slots.busy(slot)) this.cancel((MANAGED | slots.gen[slot]) * 2 ** 32 + slot, 0)
    }
    this.sq.publish(true)
    const submitted = native.submit(this.#handle)
    if (submitted < 0) throw native.systemError(submitted, 'io_uring_enter')
  }
}

function noop(): void {}

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
