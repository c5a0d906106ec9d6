import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import {
  FEATURES,
  GETEVENTS_ARG_SIZE,
  IORING_ENTER_EXT_ARG,
  IORING_ENTER_GETEVENTS,
  IORING_REGISTER_RESIZE_RINGS,
  IORING_SETUP_CLAMP,
  IORING_SETUP_CQSIZE,
  TIMESPEC_SIZE,
  timespecFromMs,
  writeGeteventsArg,
  writeTimespec,
} from '@iouring/ops'
import { registerError, requireKernel, requires, unsupported, type Probe } from '@iouring/register'
import { release } from 'node:os'
import { runChain, type ChainOutcomes } from './chain.js'
import { Engine, State, type CqeHandler, type Operations } from './engine.js'
import { invalidArgType, invalidState, outOfRange, ringClosed } from './errors.js'
import { EventOperations } from './events.js'
import { FileOperations } from './files.js'
import type { RingMessage } from './messages.js'
import { ReadWriteOperations } from './rw.js'
import { SelectedReadOperations } from './selected.js'
import { namesOf, paramsOf, type IoUringOptions, type RingParams } from './setup.js'
import type { CompletionStream } from './stream.js'
import { validateUint32 } from './validate.js'

const { CONTROL } = native
const EOPNOTSUPP = -95
const ETIME = -62

/** Counters of a ring's work since it was created (stats). */
export interface RingStats {
  /** SQEs the kernel accepted (on an SQPOLL ring: those its kernel thread consumed). */
  readonly submitted: number
  /** io_uring_enter system calls made. */
  readonly enterCalls: number
  /** CQEs consumed. */
  readonly completions: number
  /** Times the event loop woke this ring because CQEs were posted. */
  readonly wakeups: number
}

/** Options of submitAndWait(). */
export interface SubmitAndWaitOptions {
  /** Give up waiting after this long (IORING_ENTER_EXT_ARG); returns what was submitted. */
  timeoutMs?: number
}

// The operation groups are mixed into IoUring (see the end of this file): an
// IoUring has every method of each, and each is written against the public
// `operations` interface, as an operation of another package would be.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface IoUring extends ReadWriteOperations, SelectedReadOperations, EventOperations, FileOperations {}

/**
 * One io_uring instance. Its SQ ring, CQ ring and SQE array are mapped into
 * JavaScript: operations are written straight into the SQE array, and
 * everything prepared in one tick goes to the kernel in one io_uring_enter
 * when the event loop next polls (or at once with submit()).
 *
 * The operations (read, open, pollAdd, ...) come from groups written against
 * `ring.operations`, the interface through which any package can add its own.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class IoUring implements AsyncDisposable {
  /** IORING_FEAT_* names this kernel reported, e.g. `ring.features.has('NODROP')`. */
  readonly features: ReadonlySet<string>
  readonly #engine: Engine
  readonly #control: Int32Array
  readonly #stats: Float64Array
  #params: RingParams
  #finalStats: RingStats | undefined
  #waitArg: DataView | undefined

  constructor(options: IoUringOptions = {}) {
    const engine = (this.#engine = new Engine(options))
    const ring = engine.description
    this.#params = paramsOf(ring, engine.ringFdRegistered)
    this.#control = new Int32Array(ring.control)
    this.#stats = new Float64Array(ring.control)
    this.features = new Set(namesOf(FEATURES, ring.features))
  }

  /** How operations are added to this ring: see Operations. Core's own operations use it too. */
  get operations(): Operations {
    return this.#engine
  }

  /** The addon's handle for this ring, for packages that call @iouring/native on it (@iouring/register). */
  get handle(): RingHandle {
    return this.#engine.handle
  }

  /** The mapped SQE array, for the low-level API. Detached by dispose() and resize(). */
  get sqes(): DataView {
    return this.#engine.sq.sqes
  }

  /**
   * What the ring was created with: fd, sizes, setup flags in effect, the kernel's features, whether its fd is
   * registered.
   */
  get params(): RingParams {
    return this.#params
  }

  /** Counters of the ring's work so far; after dispose(), those at close. */
  get stats(): RingStats {
    if (this.#finalStats !== undefined) return this.#finalStats
    const stats = this.#stats
    const sq = this.#engine.sq
    // An SQPOLL ring's kernel thread consumes SQEs by itself: what it took
    // since the addon last counted is the SQ head's movement since then.
    const consumed = sq.sqpoll ? (sq.kernelHead() - this.#control[CONTROL.SQ_SEEN]) >>> 0 : 0
    return {
      submitted: stats[CONTROL.SUBMITTED] + consumed,
      enterCalls: stats[CONTROL.ENTER_CALLS],
      completions: this.#engine.completions,
      wakeups: stats[CONTROL.WAKEUPS],
    }
  }

  /** Operations started through the promise API that have not completed yet. */
  get pending(): number {
    return this.#engine.slots.inflight
  }

  /** True once dispose() has begun: the ring refuses new work. */
  get closed(): boolean {
    return this.#engine.closed
  }

  /** Which opcodes this kernel supports, as probed when the ring was created. */
  probe(): Probe {
    return this.#engine.probe
  }

  /**
   * IORING_REGISTER_RESIZE_RINGS (Linux 6.13): gives the rings new sizes.
   * What was prepared is submitted first and what was posted is reaped; the
   * kernel copies anything still pending to the new rings. Views of the old
   * `ring.sqes` are detached. The kernel resizes only rings created with
   * `setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN']`.
   */
  resize(size: { sqEntries: number; cqEntries?: number; clamp?: boolean }): void {
    const engine = this.#engine
    if (engine.state !== State.Open) engine.checkOpen()
    if (size === null || typeof size !== 'object') throw invalidArgType('size', 'of type object', size)
    if (engine.chain !== undefined || engine.reaping) throw invalidState('a ring cannot be resized while it builds a chain or reaps')
    const sqEntries = validateUint32(size.sqEntries, 'size.sqEntries')
    let flags = size.clamp === true ? IORING_SETUP_CLAMP : 0
    let cqEntries = 0
    if (size.cqEntries !== undefined) {
      cqEntries = validateUint32(size.cqEntries, 'size.cqEntries')
      flags |= IORING_SETUP_CQSIZE
    }
    if (engine.sq.busy()) engine.sq.drain(() => engine.reap(undefined))
    engine.reap(undefined)
    const ring = native.resize(engine.handle, sqEntries, cqEntries, flags)
    if (ring === EOPNOTSUPP) {
      // An SQ array means a kernel before 6.6, which cannot resize at all (6.13): say so first.
      requireKernel('IORING_REGISTER_RESIZE_RINGS', requires('REGISTER_RESIZE_RINGS'))
      throw invalidState('this ring has an SQ array (a kernel older than 6.6 made it), which cannot be located after a resize')
    }
    if (typeof ring === 'number') {
      // The kernel moved the rings but they could not be mapped: the addon closed the ring (and detached its views).
      if (engine.sq.sqes.buffer.byteLength === 0) engine.closedUnderneath()
      throw registerError(ring, IORING_REGISTER_RESIZE_RINGS)
    }
    engine.adopt(ring)
    this.#params = paramsOf(ring, engine.ringFdRegistered)
  }

  // ------------------------------------------------------------ chains and messages

  /**
   * Runs `build(ring)`: every operation it starts is linked to the next
   * (IOSQE_IO_LINK, or IOSQE_IO_HARDLINK with `hard`), and all of them go to
   * the kernel together. Resolves to each step's outcome in order, as
   * Promise.allSettled does; when a step fails, the kernel cancels the steps
   * after it, which reject with ECANCELED. Each outcome is typed as its
   * step's promise: `ring.chain((r) => [r.read(fd, buf), r.fstat(fd)])`
   * gives a number and a Stats.
   */
  chain<const T extends readonly Promise<unknown>[]>(build: (ring: this) => T, options?: { hard?: boolean }): Promise<ChainOutcomes<T>> {
    return runChain(this.#engine, this, build, options?.hard === true) as Promise<ChainOutcomes<T>>
  }

  /** Messages other rings post here with msgRing(), as an async iterator of `{ value, data }`. */
  messages(): CompletionStream<RingMessage> {
    return this.#engine.messages.stream()
  }

  /** Called with each message another ring posted here with msgRing(); without it, messages() queues them. */
  get onMessage(): ((value: number, data: number) => void) | undefined {
    return this.#engine.messages.onMessage
  }

  /** Sets the listener of messages other rings post here; undefined queues them for messages() again. */
  set onMessage(listener: ((value: number, data: number) => void) | undefined) {
    this.#engine.messages.onMessage = listener
  }

  // ------------------------------------------------------------ low-level API

  /** Called with each low-level CQE that the event loop reaps. Without it they wait for forEachCqe(). */
  get onCqe(): CqeHandler | undefined {
    return this.#engine.onCqe
  }

  /** Sets the handler of low-level CQEs; undefined leaves them for forEachCqe(). */
  set onCqe(handler: CqeHandler | undefined) {
    this.#engine.onCqe = handler
  }

  /**
   * Reserves the next free SQE and returns its byte offset in `ring.sqes`, or -1
   * when the SQ is full. Fill it with an ops encoder and setUserData(); it goes
   * to the kernel with the next submit(), submitAndWait() or promise operation.
   */
  getSqe(): number {
    const engine = this.#engine
    if (engine.closed) throw ringClosed()
    const sq = engine.sq
    const at = sq.at()
    if (sq.full()) return -1
    sq.tail = (sq.tail + 1) >>> 0
    return at
  }

  /** Submits every prepared SQE now. Returns how many the kernel accepted. */
  submit(): number {
    const engine = this.#engine
    if (engine.state === State.Closed) throw ringClosed()
    engine.sq.publish(true)
    const submitted = native.submit(engine.handle)
    if (submitted < 0) throw native.systemError(submitted, 'io_uring_enter')
    return submitted
  }

  /**
   * Submits every prepared SQE and waits until at least `waitNr` CQEs are
   * ready (or `timeoutMs` passes). Consume them with forEachCqe().
   */
  submitAndWait(waitNr = 1, options?: SubmitAndWaitOptions): number {
    const engine = this.#engine
    if (engine.state === State.Closed) throw ringClosed()
    validateUint32(waitNr, 'waitNr')
    engine.sq.publish(true)
    let flags = IORING_ENTER_GETEVENTS
    let arg: DataView | undefined
    if (options?.timeoutMs !== undefined) {
      if (!this.features.has('EXT_ARG')) throw unsupported('IORING_ENTER_EXT_ARG (a wait with a timeout)', '5.11', release())
      arg = this.#timeoutArg(options.timeoutMs)
      flags |= IORING_ENTER_EXT_ARG
    }
    const ret = native.enter(engine.handle, engine.sq.unsubmitted(), waitNr, flags, arg)
    if (ret < 0 && !(ret === ETIME && arg !== undefined)) throw native.systemError(ret, 'io_uring_enter')
    return ret < 0 ? 0 : ret
  }

  /**
   * Consumes every ready CQE. Operations of the promise API settle as usual;
   * every other CQE is passed to `handler`. Returns how many CQEs were consumed.
   */
  forEachCqe(handler: CqeHandler): number {
    if (typeof handler !== 'function') throw invalidArgType('handler', 'of type function', handler)
    const engine = this.#engine
    const backlog = engine.backlog
    let count = backlog.length / 3
    if (count > 0) {
      const entries = backlog.splice(0)
      for (let i = 0; i < entries.length; i += 3) handler(entries[i], entries[i + 1], entries[i + 2])
    }
    if (engine.state !== State.Closed) count += engine.reap(handler)
    return count
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

  // ------------------------------------------------------------ lifetime

  /** Keeps the process alive while operations are in flight (the default). */
  ref(): this {
    this.#engine.setRef(true)
    return this
  }

  /** Lets the process exit even while operations are in flight. */
  unref(): this {
    this.#engine.setRef(false)
    return this
  }

  /**
   * Refuses new work, cancels every operation in flight (their promises reject
   * with ECANCELED unless they completed first), waits for every CQE, then
   * unmaps the rings and closes the fd.
   */
  dispose(): Promise<void> {
    return this.#engine.dispose(() => (this.#finalStats = this.stats))
  }

  /** dispose(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }
}

/** Copies each group's methods onto IoUring's prototype. */
function mixIn(target: { prototype: object }, groups: readonly { prototype: object }[]): void {
  for (const group of groups) {
    for (const name of Object.getOwnPropertyNames(group.prototype)) {
      if (name !== 'constructor') Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(group.prototype, name)!)
    }
  }
}

mixIn(IoUring, [ReadWriteOperations, SelectedReadOperations, EventOperations, FileOperations])

let threadRing: IoUring | undefined

/**
 * The sizes the thread ring tries, in turn. Its CQ leaves room for this many
 * completions before the kernel queues the rest in its overflow list: the
 * facade starts as many operations as its callers ask for, e.g. 10,000 stats
 * at once. Past the CQ, an io-wq worker hands each completion to this thread
 * as task work, which allocates and queues it when the thread next enters
 * the kernel: with a 4096-entry CQ, 60% of 10,000 stats went that way, and
 * the thread spent 15% more CPU on them and its promises waited longer (V8
 * promoted more). A 16384-entry CQ is 256 KiB. A process without
 * CAP_IPC_LOCK pays for ring memory out of RLIMIT_MEMLOCK (often 64 KiB in
 * containers), where only the smaller rings fit.
 */
const DEFAULT_RING_SIZES = [
  { entries: 256, cqEntries: 16384 },
  { entries: 256, cqEntries: 4096 },
  { entries: 256, cqEntries: 1024 },
  { entries: 64, cqEntries: 256 },
  { entries: 16, cqEntries: 64 },
]

/**
 * The ring of this JavaScript thread, created on first use (each worker
 * thread has its own). Where io_uring is denied it throws
 * ERR_IOURING_UNAVAILABLE (availability() says the same without throwing);
 * under a small RLIMIT_MEMLOCK it makes the largest ring that fits.
 */
export function defaultRing(): IoUring {
  if (threadRing !== undefined && !threadRing.closed) return threadRing
  for (let i = 0; ; i++) {
    try {
      threadRing = new IoUring(DEFAULT_RING_SIZES[i])
      return threadRing
    } catch (err) {
      if (i === DEFAULT_RING_SIZES.length - 1 || (err as { reason?: string }).reason !== 'memlock') throw err
    }
  }
}
