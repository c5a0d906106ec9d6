// What every buffer group shares, whichever way its buffers reach the kernel
// (a buffer ring, or legacy PROVIDE_BUFFERS): the memory, reading a
// completion's bytes (copied or lent), giving buffers back once nothing reads
// them, and telling the caller when the group ran dry.
import * as native from '@iouring/native'
import { IORING_CQE_BUFFER_SHIFT, IORING_CQE_F_BUFFER, IORING_CQE_F_BUF_MORE } from '@iouring/ops'
import { invalidArgValue, invalidState, outOfRange, validateInteger } from '@iouring/register'
import { EventEmitter } from 'node:events'
import { markAsUntransferable } from 'node:worker_threads'

/** Counters of a buffer group. */
export interface BufferGroupStats {
  /** Buffers in the group. */
  readonly buffers: number
  /** Buffers the kernel can pick now (by this process's count of completions reaped). */
  readonly available: number
  /** Leases not released yet. */
  readonly lent: number
  /** Times a request ended with ENOBUFS because the group was empty (reportExhausted()). */
  readonly exhausted: number
  /** Leases collected by the garbage collector without release(); their buffers went back then. */
  readonly leaked: number
  /** Buffers given back to the kernel after a completion used them. */
  readonly recycled: number
}

/** The events a buffer group emits. */
export interface BufferGroupEvents {
  /** A request using the group ended with ENOBUFS (reportExhausted()). */
  exhausted: []
  /** After 'exhausted': the kernel has buffers again, so a request ended by ENOBUFS can be started again. */
  available: []
}

// Where a buffer is: with the kernel (in the ring or its list, or being
// filled), or held here until the completion is read and its leases end.
const KERNEL = 0
const HELD = 1

/** On a lease's ArrayBuffer: the group's memory, kept alive for as long as the lease can be read. */
const kMemory = Symbol('@iouring/buffers memory')

let endLease: (group: BufferGroup, lease: BufferLease, alias: ArrayBuffer) => void

/**
 * A zero-copy view of a completion's bytes, lent by a buffer group: `buffer`
 * reads the group's memory until release(). Then the buffer goes back to the
 * kernel, and `buffer` (and every view of its ArrayBuffer) becomes
 * zero-length, so a read of memory the kernel may be writing again cannot go
 * unnoticed.
 */
export class BufferLease {
  /** The buffer id the kernel picked. */
  readonly bufferId: number
  readonly #buffer: Buffer
  #group: BufferGroup | undefined

  /** @internal */
  constructor(group: BufferGroup, bufferId: number, buffer: Buffer) {
    this.#group = group
    this.bufferId = bufferId
    this.#buffer = buffer
  }

  /** The completion's bytes, in the group's memory. Zero-length after release(). */
  get buffer(): Buffer {
    return this.#buffer
  }

  /** Whether release() was called. */
  get released(): boolean {
    return this.#group === undefined
  }

  /** Gives the buffer back to the kernel (when it is done with it) and detaches `buffer`. Idempotent. */
  release(): void {
    const group = this.#group
    if (group === undefined) return
    this.#group = undefined
    endLease(group, this, this.#buffer.buffer as ArrayBuffer)
  }

  /** release(), for `using`. */
  [Symbol.dispose](): void {
    this.release()
  }
}

/**
 * A group of equally sized buffers the kernel picks from for requests with
 * IOSQE_BUFFER_SELECT (their SQE's buf_group is `groupId`). A completion names
 * the buffer it used (IORING_CQE_F_BUFFER, the id in the upper 16 bits of the
 * CQE flags) and its result is the byte count; take the bytes with copy() or
 * lend(). Subclasses say how buffers reach the kernel.
 */
export abstract class BufferGroup extends EventEmitter<BufferGroupEvents> {
  static {
    endLease = (group, lease, alias) => group.#endLease(lease, alias)
  }

  /** The group id requests name in their SQE's buf_group. */
  readonly groupId: number
  /** Bytes in each buffer. */
  readonly size: number
  /** Buffers in the group; ids run from 0 to count - 1. */
  readonly count: number
  /** Whether a buffer is consumed incrementally, by several completions (IOU_PBUF_RING_INC). */
  readonly incremental: boolean

  readonly #memory: ArrayBuffer
  readonly #bytes: Buffer
  readonly #address: number
  // Per buffer: leases not released, whether the kernel is done with it (and
  // it waits to go back: HELD) or has it (KERNEL), and for incremental groups
  // how far it is consumed.
  readonly #holds: Uint32Array
  readonly #state: Uint8Array
  readonly #consumed: Uint32Array | undefined
  // Leases whose ArrayBuffer was collected without release(): their buffer goes back.
  readonly #lost = new FinalizationRegistry<number>((bufferId) => this.#leaseCollected(bufferId))

  #available = 0
  #lent = 0
  #exhausted = 0
  #leaked = 0
  #recycled = 0
  #waiting = false
  #warned = false

  /** `memory` holds `count` buffers of `size` bytes, buffer i at byte i * size. */
  protected constructor(groupId: number, size: number, count: number, incremental: boolean, memory: ArrayBuffer) {
    super()
    this.groupId = groupId
    this.size = size
    this.count = count
    this.incremental = incremental
    markAsUntransferable(memory)
    this.#memory = memory
    this.#bytes = Buffer.from(memory)
    this.#address = native.addressOf(memory)
    this.#holds = new Uint32Array(count)
    this.#state = new Uint8Array(count) // every buffer starts out with the kernel
    this.#consumed = incremental ? new Uint32Array(count) : undefined
  }

  /** Address of buffer `bufferId`'s first byte. */
  protected addressOf(bufferId: number): number {
    return this.#address + bufferId * this.size
  }

  /** Hands buffer `bufferId` (its whole `size`) back to the kernel; subclasses may do it later, in a batch. */
  protected abstract giveBack(bufferId: number): void

  /** Makes every buffer given back so far visible to the kernel now rather than at the end of this tick. */
  abstract flush(): void

  /** Subclasses report here how many buffers reached the kernel. */
  protected reachedKernel(count: number): void {
    this.#available += count
    if (this.#waiting && count > 0) {
      this.#waiting = false
      this.emit('available')
    }
  }

  /**
   * The bytes of a completion that used a buffer of this group, copied into a
   * new Buffer that is the caller's to keep; the group's buffer goes back to
   * the kernel at once. `res` and `flags` are the CQE's.
   */
  copy(res: number, flags: number): Buffer {
    const bufferId = this.#bufferOf(flags)
    const start = this.#take(bufferId, res, flags)
    const out = Buffer.allocUnsafe(res > 0 ? res : 0)
    if (res > 0) this.#bytes.copy(out, 0, start, start + res)
    this.#maybeGiveBack(bufferId)
    return out
  }

  /**
   * The bytes of a completion, lent without copying: the lease's `buffer`
   * reads the group's memory until `release()`, and the kernel gets the buffer
   * back only then (a lease that is never released takes its buffer out of
   * the group until the lease is garbage-collected).
   */
  lend(res: number, flags: number): BufferLease {
    return this.#lend(this.#bufferOf(flags), res, flags)
  }

  #lend(bufferId: number, res: number, flags: number): BufferLease {
    const start = this.#take(bufferId, res, flags)
    const alias = native.alias(this.#memory, start, res > 0 ? res : 0)
    // The lease's memory lives in the group's: keep that alive with it, and
    // keep the alias in this thread (a transfer would outlive the memory).
    ;(alias as unknown as Record<symbol, ArrayBuffer>)[kMemory] = this.#memory
    markAsUntransferable(alias)
    const lease = new BufferLease(this, bufferId, Buffer.from(alias))
    this.#holds[bufferId]++
    this.#lent++
    this.#lost.register(alias, bufferId, lease)
    return lease
  }

  /** Gives back the buffer of a completion whose bytes nobody will read. */
  discard(res: number, flags: number): void {
    const bufferId = this.#bufferOf(flags)
    this.#take(bufferId, res, flags)
    this.#maybeGiveBack(bufferId)
  }

  /**
   * copy() for a bundle completion (a request with IORING_RECVSEND_BUNDLE):
   * its `res` bytes fill as many whole buffers as they need, from the
   * completion's buffer on in the order the kernel took them, and come back
   * as one new Buffer. Every buffer goes back at once. A bundle of no bytes
   * (the peer ended) took no buffer, even with IORING_CQE_F_BUFFER set.
   */
  copyBundle(res: number, flags: number): Buffer {
    const bufferIds = this.#bundleOf(res, flags)
    const out = Buffer.allocUnsafe(res > 0 ? res : 0)
    for (let i = 0; i < bufferIds.length; i++) {
      const length = Math.min(this.size, res - i * this.size)
      const start = this.#take(bufferIds[i], length, flags)
      this.#bytes.copy(out, i * this.size, start, start + length)
    }
    for (const bufferId of bufferIds) this.#maybeGiveBack(bufferId)
    return out
  }

  /** lend() for a bundle completion: one lease per buffer it filled, in order (copyBundle() says which). */
  lendBundle(res: number, flags: number): BufferLease[] {
    return this.#bundleOf(res, flags).map((bufferId, i) => this.#lend(bufferId, Math.min(this.size, res - i * this.size), flags))
  }

  /** discard() for a bundle completion: gives back every buffer it filled. */
  discardBundle(res: number, flags: number): void {
    const bufferIds = this.#bundleOf(res, flags)
    for (let i = 0; i < bufferIds.length; i++) this.#take(bufferIds[i], Math.min(this.size, res - i * this.size), flags)
    for (const bufferId of bufferIds) this.#maybeGiveBack(bufferId)
  }

  /**
   * The buffers a bundle of `res` bytes (> 0) took, starting with `first`, in
   * the order the kernel took them: a BufferRing knows it; legacy provided
   * buffers do not say.
   */
  protected bundleFrom(first: number, res: number): number[] {
    throw invalidState(`group ${this.groupId} is not a BufferRing: bundles (IORING_RECVSEND_BUNDLE) are read from buffer rings only (buffer ${first}, ${res} bytes)`)
  }

  /**
   * Tells the group that a request using it ended with ENOBUFS: the kernel
   * found it empty. Counts it and emits 'exhausted'; 'available' follows once
   * the kernel has buffers again (in a microtask, when it has some already).
   * The first time the group runs dry while leases hold buffers, a warning
   * says so.
   */
  reportExhausted(): void {
    this.#exhausted++
    if (this.#lent > 0 && !this.#warned) {
      this.#warned = true
      process.emitWarning(
        `buffer group ${this.groupId} ran dry with ${this.#lent} of its ${this.count} buffers lent; ` +
          'a lent buffer goes back to the kernel only when its lease is released (lease.release())',
        { code: 'IOURING_BUFFERS_LENT', type: 'IoUringBuffersWarning' },
      )
    }
    this.emit('exhausted')
    if (this.#available > 0) {
      queueMicrotask(() => this.emit('available'))
    } else {
      this.#waiting = true
    }
  }

  /**
   * Counters of the group's buffers right now: how many there are, available to the kernel, lent, and the times it
   * ran dry or a lease was collected unreleased.
   */
  get stats(): BufferGroupStats {
    return {
      buffers: this.count,
      available: this.#available,
      lent: this.#lent,
      exhausted: this.#exhausted,
      leaked: this.#leaked,
      recycled: this.#recycled,
    }
  }

  #bufferOf(flags: number): number {
    if (typeof flags !== 'number' || (flags & IORING_CQE_F_BUFFER) === 0) {
      throw invalidArgValue('flags', `has no IORING_CQE_F_BUFFER: the completion carries no buffer. Received ${String(flags)}`)
    }
    const bufferId = flags >>> IORING_CQE_BUFFER_SHIFT
    if (bufferId >= this.count) throw outOfRange('buffer id', `< ${this.count} (the group's buffers)`, bufferId)
    return bufferId
  }

  /** The buffers a bundle completion of `res` bytes filled; none when it carried no bytes. */
  #bundleOf(res: number, flags: number): number[] {
    const first = this.#bufferOf(flags)
    validateInteger(res, 'res', -0x80000000, 0x7fffffff)
    if (this.incremental) throw invalidState(`group ${this.groupId} consumes its buffers incrementally, which bundles here do not support`)
    return res > 0 ? this.bundleFrom(first, res) : []
  }

  /**
   * Accounts for a completion that used `bufferId` for `res` bytes and returns
   * where they start in the memory. The buffer is the kernel's no more unless
   * an incremental group's kernel keeps it for more (IORING_CQE_F_BUF_MORE).
   */
  #take(bufferId: number, res: number, flags: number): number {
    validateInteger(res, 'res', -0x80000000, 0x7fffffff)
    // A completion read again while its buffer is still held here (lent)
    // would give the buffer back twice, and the kernel would then hand it to
    // two requests at once. (Once a buffer is back with the kernel, a second
    // read of its old completion cannot be told from a new one.)
    if (this.#state[bufferId] !== KERNEL) throw invalidState(`buffer ${bufferId} of group ${this.groupId} is not the kernel's: was this completion read already?`)
    const length = res > 0 ? res : 0
    let start = bufferId * this.size
    const consumed = this.#consumed
    if (consumed !== undefined) {
      start += consumed[bufferId]
      if (length > this.size - consumed[bufferId]) throw outOfRange('res', `<= ${this.size - consumed[bufferId]} (what is left of buffer ${bufferId})`, res)
      if (flags & IORING_CQE_F_BUF_MORE) {
        consumed[bufferId] += length
        return start
      }
      consumed[bufferId] = 0
    } else if (length > this.size) {
      throw outOfRange('res', `<= ${this.size} (the buffer size)`, res)
    }
    this.#state[bufferId] = HELD
    this.#available--
    return start
  }

  #maybeGiveBack(bufferId: number): void {
    if (this.#state[bufferId] !== HELD || this.#holds[bufferId] !== 0) return
    this.#state[bufferId] = KERNEL
    this.#recycled++
    this.giveBack(bufferId)
  }

  #endLease(lease: BufferLease, alias: ArrayBuffer): void {
    this.#lost.unregister(lease)
    native.detach(alias)
    this.#settleLease(lease.bufferId)
  }

  #leaseCollected(bufferId: number): void {
    this.#leaked++
    this.#settleLease(bufferId)
  }

  #settleLease(bufferId: number): void {
    this.#holds[bufferId]--
    this.#lent--
    this.#maybeGiveBack(bufferId)
  }
}
