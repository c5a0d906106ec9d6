// The table of operations in flight: one slot per request, holding how to
// settle it and everything the kernel may touch until its final CQE.
import * as native from '@iouring/native'
import { IORING_CQE_F_MORE } from '@iouring/ops'
import { abortError, timedOut } from './errors.js'
import type { CompletionStream } from './stream.js'

/** Called with each CQE of a request started with startCallback() or startMultishot(). */
export type CqeCallback = (res: number, flags: number) => void

type ResultOf = (res: number, data: unknown, flags: number) => unknown
type FreeData = (data: unknown) => void

export const ECANCELED = -125

/** Generations wrap at 18 bits: what user_data's high word has room for next to the kind bits. */
export const GEN_MASK = 0x3ffff

/**
 * What a slot needs beyond resolve/reject, for operations with a signal or a
 * timeout, multishot and callback requests, and results that mean success
 * though negative: a class with every field set, so that every instance has
 * one shape for the completion path.
 */
export class SlotExtra {
  /** The stream of a multishot request, which an aborted signal stops. */
  stream: CompletionStream<unknown> | undefined = undefined
  /** A negative result that means success (a timeout's -ETIME). */
  okResult = 0
  signal: AbortSignal | undefined = undefined
  aborted = false
  timeoutMs: number | undefined = undefined
  /** The request does not keep the event loop alive (refRequest(userData, false)). */
  unrefed = false
}

/**
 * Slots as parallel arrays indexed by slot, so that starting and settling an
 * operation allocates nothing but its promise. A slot's generation goes up
 * each time it is freed, so a CQE of an older request cannot settle a newer one.
 */
export class SlotTable {
  readonly gen: number[] = []
  readonly resolve: (((value: number) => void) | undefined)[] = []
  readonly reject: (((reason: Error) => void) | undefined)[] = []
  readonly syscall: string[] = []
  /** What the kernel may read or write until the final CQE: kept reachable here. */
  readonly keep: unknown[] = []
  readonly extra: (SlotExtra | undefined)[] = []
  /** Callback and multishot requests: every CQE goes here; the slot is freed at the one without IORING_CQE_F_MORE. */
  readonly callback: (CqeCallback | undefined)[] = []
  // What named operations need, per slot too, so that they allocate nothing
  // more than start(): the file a failure's error names (startPath), and
  // what the promise resolves to (startWithResult).
  readonly path: (string | undefined)[] = []
  readonly dest: (string | undefined)[] = []
  readonly result: (ResultOf | undefined)[] = []
  readonly failed: (FreeData | undefined)[] = []
  readonly data: unknown[] = []
  readonly #free: number[] = []
  /** The slots waiting on each signal (one abort listener per signal, however many operations share it). */
  readonly signalSlots = new WeakMap<AbortSignal, Set<number>>()
  /** Requests whose final CQE has not arrived (and listeners that keep the ring alive). */
  inflight = 0
  /** Of those, requests that do not keep the event loop alive. */
  unrefed = 0

  /** What keeps the event loop alive: the requests in flight that are not unref'ed. */
  get holding(): number {
    return this.inflight - this.unrefed
  }

  /** A free slot; its arrays' entries are empty. */
  claim(): number {
    return this.#free.length > 0 ? (this.#free.pop() as number) : this.#grow()
  }

  /** The slot's extra, created on first use. */
  extraOf(slot: number): SlotExtra {
    let extra = this.extra[slot]
    if (extra === undefined) this.extra[slot] = extra = new SlotExtra()
    return extra
  }

  /** Whether `slot` holds a request that has not completed. */
  busy(slot: number): boolean {
    return this.resolve[slot] !== undefined || this.callback[slot] !== undefined
  }

  /** Returns a slot to the free list, dropping what it held. */
  release(slot: number): void {
    const extra = this.extra[slot]
    if (extra !== undefined) {
      if (extra.signal !== undefined) this.signalSlots.get(extra.signal)?.delete(slot)
      if (extra.unrefed) this.unrefed--
    }
    this.resolve[slot] = undefined
    this.reject[slot] = undefined
    this.keep[slot] = undefined
    this.extra[slot] = undefined
    this.callback[slot] = undefined
    this.path[slot] = undefined
    this.dest[slot] = undefined
    this.result[slot] = undefined
    this.failed[slot] = undefined
    this.data[slot] = undefined
    this.gen[slot] = (this.gen[slot] + 1) & GEN_MASK
    this.#free.push(slot)
  }

  /**
   * Settles the request in `slot` with a CQE, if it is still generation `gen`.
   * `open` is false while the ring is being disposed: a linked timeout's
   * ECANCELED is then the disposal's, not the timeout's.
   */
  complete(slot: number, gen: number, res: number, flags: number, open: boolean): void {
    if (slot >= this.gen.length || this.gen[slot] !== gen) return
    const callback = this.callback[slot]
    if (callback !== undefined) {
      if (!(flags & IORING_CQE_F_MORE)) {
        // A callback request holds nothing else unless it has an extra (a stream, a signal, unref'ed).
        if (this.extra[slot] !== undefined) this.release(slot)
        else {
          this.callback[slot] = undefined
          this.keep[slot] = undefined
          this.gen[slot] = (gen + 1) & GEN_MASK
          this.#free.push(slot)
        }
        this.inflight--
      }
      callback(res, flags)
      return
    }
    const extra = this.extra[slot]
    if (extra !== undefined || this.path[slot] !== undefined || this.result[slot] !== undefined) return this.#completeExtra(slot, res, flags, extra, open)
    const resolve = this.resolve[slot] as (value: number) => void
    const reject = this.reject[slot] as (reason: Error) => void
    this.resolve[slot] = undefined
    this.reject[slot] = undefined
    this.keep[slot] = undefined
    this.gen[slot] = (gen + 1) & GEN_MASK
    this.#free.push(slot)
    this.inflight--
    if (res >= 0) resolve(res)
    else reject(native.systemError(res, this.syscall[slot]))
  }

  /** complete() for a request with an extra or the fields of a named operation. */
  #completeExtra(slot: number, res: number, flags: number, extra: SlotExtra | undefined, open: boolean): void {
    const ok = res >= 0 || (extra !== undefined && extra.okResult !== 0 && res === extra.okResult)
    const resolve = this.resolve[slot]
    const reject = this.reject[slot]
    const syscall = this.syscall[slot]
    const path = this.path[slot]
    const dest = this.dest[slot]
    const result = this.result[slot]
    const failed = this.failed[slot]
    const data = this.data[slot]
    this.release(slot)
    this.inflight--
    if (!ok) {
      let error: Error
      if (extra?.aborted) error = abortError(extra.signal!.reason)
      else if (extra?.timeoutMs !== undefined && res === ECANCELED && open) error = timedOut(syscall, extra.timeoutMs)
      else error = native.systemError(res, syscall, pathsOf(path, dest))
      failed?.(data)
      reject!(error)
    } else if (result !== undefined) (resolve as (value: unknown) => void)(result(res, data, flags))
    else resolve!(res >= 0 ? res : 0)
  }

  #grow(): number {
    const slot = this.gen.length
    this.gen.push(0)
    this.resolve.push(undefined)
    this.reject.push(undefined)
    this.syscall.push('')
    this.keep.push(undefined)
    this.extra.push(undefined)
    this.callback.push(undefined)
    this.path.push(undefined)
    this.dest.push(undefined)
    this.result.push(undefined)
    this.failed.push(undefined)
    this.data.push(undefined)
    return slot
  }
}

/** The path fields of a failed operation's system error (node:fs's `path`, `dest`). */
function pathsOf(path: string | undefined, dest: string | undefined): { path: string; dest?: string } | undefined {
  if (path === undefined) return undefined
  return dest === undefined ? { path } : { path, dest }
}
