// The SQ and CQ rings as JavaScript sees them: views of the mapped memory,
// the indices, and the rules for publishing and making room.
import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import {
  CQE_SIZE,
  CQE32_SIZE,
  IORING_ENTER_SQ_WAIT,
  IORING_SETUP_CQE32,
  IORING_SETUP_NO_SQARRAY,
  IORING_SETUP_SQE128,
  IORING_SETUP_SQPOLL,
  SQE128_SIZE,
  SQE_SIZE,
} from '@iouring/ops'
import { invalidArgValue } from './errors.js'

const EAGAIN = -11
const EBUSY = -16

/** What setup() and resize() describe of the mapped rings. */
type MappedRings = native.ResizedRings

/**
 * The submission side. `tail` is the next SQE JavaScript writes; `published`
 * is what the kernel may see; `head` is the kernel's head as last read (re-read
 * only when the SQ looks full).
 */
export class SubmissionQueue {
  /** The mapped SQE array. Replaced by adopt() (resize). */
  sqes!: DataView
  tail = 0
  published = 0
  head = 0
  mask = 0
  entries = 0
  shift = 0
  sqpoll = false
  /**
   * An SQPOLL ring's check, run before its kernel thread may see new SQEs
   * (the engine's credentials check, which may refuse them).
   */
  beforePublish: (() => void) | undefined
  #publishQueued = false
  #sq!: Uint32Array
  #headIdx = 0
  #tailIdx = 0
  #flagsIdx = 0
  readonly #handle: RingHandle

  constructor(handle: RingHandle) {
    this.#handle = handle
  }

  adopt(ring: MappedRings): void {
    this.#sq = new Uint32Array(ring.sqRing)
    this.#headIdx = ring.sqOff.head >>> 2
    this.#tailIdx = ring.sqOff.tail >>> 2
    this.#flagsIdx = ring.sqOff.flags >>> 2
    this.mask = this.#sq[ring.sqOff.ringMask >>> 2]
    this.entries = ring.sqEntries
    this.shift = ring.flags & IORING_SETUP_SQE128 ? Math.log2(SQE128_SIZE) : Math.log2(SQE_SIZE)
    this.sqpoll = (ring.flags & IORING_SETUP_SQPOLL) !== 0
    this.tail = this.published = this.#sq[this.#tailIdx]
    this.head = this.#sq[this.#headIdx]
    // The SQ array maps ring slots to SQE indices; the identity mapping, set
    // once, lets the SQE array itself act as the ring.
    if (!(ring.flags & IORING_SETUP_NO_SQARRAY)) {
      const array = new Uint32Array(ring.sqRing, ring.sqOff.array, ring.sqEntries)
      for (let i = 0; i < ring.sqEntries; i++) array[i] = i
    }
    this.sqes = new DataView(ring.sqes)
  }

  /** Byte offset of the SQE at the tail. */
  at(): number {
    return (this.tail & this.mask) << this.shift
  }

  /** The kernel's SQ head, read now. */
  kernelHead(): number {
    return Atomics.load(this.#sq, this.#headIdx)
  }

  /** The SQ ring's flags word (IORING_SQ_*), read now. */
  flags(): number {
    return Atomics.load(this.#sq, this.#flagsIdx)
  }

  full(): boolean {
    if (((this.tail - this.head) >>> 0) < this.entries) return false
    this.head = this.kernelHead()
    return ((this.tail - this.head) >>> 0) >= this.entries
  }

  /** Whether `n` SQEs fit after the tail without a submission. */
  fits(n: number): boolean {
    if (((this.tail + n - this.head) >>> 0) <= this.entries) return true
    this.head = this.kernelHead()
    return ((this.tail + n - this.head) >>> 0) <= this.entries
  }

  /**
   * Makes the SQEs written so far visible to the kernel. Without SQPOLL the
   * kernel reads the tail only inside io_uring_enter, called later by this
   * same thread, so a plain store suffices. An SQPOLL ring publishes at the
   * next microtask checkpoint (`now`: at once), after beforePublish.
   */
  publish(now = false): void {
    if (this.published === this.tail) return
    if (!this.sqpoll) {
      this.published = this.tail
      this.#sq[this.#tailIdx] = this.tail
    } else if (now) {
      this.#publishChecked()
    } else if (!this.#publishQueued) {
      this.#publishQueued = true
      queueMicrotask(this.#publishChecked)
    }
  }

  /** An SQPOLL thread polls the tail from another CPU: the release ordering of Atomics.store. */
  readonly #publishChecked = (): void => {
    this.#publishQueued = false
    if (this.published === this.tail) return
    this.beforePublish?.()
    this.published = this.tail
    Atomics.store(this.#sq, this.#tailIdx, this.tail)
  }

  /** Whether something is written or published that the kernel has not consumed. */
  busy(): boolean {
    return this.published !== this.tail || this.tail !== this.kernelHead()
  }

  /** Calls `each` with the offset of every SQE published and not consumed by the kernel, oldest first. */
  forEachUnconsumed(each: (at: number) => void): void {
    for (let i = this.kernelHead(); i !== this.published; i = (i + 1) >>> 0) each((i & this.mask) << this.shift)
  }

  /** SQEs published and not yet consumed, as io_uring_enter's to_submit (0 with SQPOLL). */
  unsubmitted(): number {
    return this.sqpoll ? 0 : (this.published - this.kernelHead()) >>> 0
  }

  /**
   * The SQ is full: submit it. Without SQPOLL the kernel consumes every SQE
   * inside io_uring_enter; with SQPOLL wait for its thread to make room. A
   * transient EBUSY/EAGAIN (CQ overflow backlog) clears once CQEs are reaped,
   * which `reap` does.
   */
  makeRoom(reap: () => void): void {
    for (let attempt = 0; ; attempt++) {
      this.publish(true)
      const ret = native.submit(this.#handle)
      if (ret < 0 && ((ret !== EBUSY && ret !== EAGAIN) || attempt > 1000)) throw native.systemError(ret, 'io_uring_enter')
      if (ret < 0) reap()
      if (!this.full()) return
      if (this.sqpoll) native.enter(this.#handle, 0, 0, IORING_ENTER_SQ_WAIT)
    }
  }

  /**
   * Submits what is written before `start`, where a chain being written
   * begins: the chain's own SQEs stay unpublished, so that the kernel still
   * sees the whole chain at once.
   */
  drainBefore(start: number, reap: () => void): void {
    const tail = this.tail
    this.tail = start
    try {
      this.drain(reap)
    } finally {
      this.tail = tail
    }
  }

  /** Submits until the SQ is empty. */
  drain(reap: () => void): void {
    for (let attempt = 0; ; attempt++) {
      this.makeRoom(reap)
      this.head = this.kernelHead()
      if (this.head === this.published) return
      if (!this.sqpoll && attempt > 1000) throw invalidArgValue('ring', 'could not empty its SQ')
    }
  }
}

/** The completion side: the mapped CQ ring and the head JavaScript has consumed up to. */
export class CompletionQueue {
  /** The CQ ring's words: a CQE at word `i` is user_data lo, hi, res, flags. */
  words!: Uint32Array
  /** The same memory as int32, for `res`. */
  results!: Int32Array
  head = 0
  mask = 0
  /** Word index of the first CQE. */
  base = 0
  /** log2 of a CQE's size in words. */
  shift = 0
  #headIdx = 0
  #tailIdx = 0

  adopt(ring: MappedRings): void {
    this.words = new Uint32Array(ring.cqRing)
    this.results = new Int32Array(ring.cqRing)
    this.#headIdx = ring.cqOff.head >>> 2
    this.#tailIdx = ring.cqOff.tail >>> 2
    this.mask = this.words[ring.cqOff.ringMask >>> 2]
    this.base = ring.cqOff.cqes >>> 2
    this.shift = Math.log2((ring.flags & IORING_SETUP_CQE32 ? CQE32_SIZE : CQE_SIZE) >>> 2)
    this.head = this.words[this.#headIdx]
  }

  /** The kernel's CQ tail, with acquire ordering: the CQEs before it are written. */
  kernelTail(): number {
    return Atomics.load(this.words, this.#tailIdx)
  }

  /** Gives the CQEs before `head` back to the kernel (release: it may overwrite them now). */
  release(head: number): void {
    this.head = head
    Atomics.store(this.words, this.#headIdx, head)
  }
}
