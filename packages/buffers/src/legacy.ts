// Legacy provided buffers (IORING_OP_PROVIDE_BUFFERS / REMOVE_BUFFERS, Linux
// 5.7), for kernels without buffer rings (before 5.19). The kernel keeps a
// list of buffers per group; each one a request picks leaves the list, and
// going back is another PROVIDE_BUFFERS request. These are SQE operations, so
// they start through the ring's operations interface (@iouring/core's
// `ring.operations`), which this package describes structurally: core depends
// on this package, not the other way round.
import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import { IORING_OP_PROVIDE_BUFFERS, IORING_OP_REMOVE_BUFFERS, prepProvideBuffers, prepRemoveBuffers } from '@iouring/ops'
import { invalidArgType, validateInteger } from '@iouring/register'
import { BufferGroup } from './group.js'
import { chooseGroupId, holdGroup, releaseGroup } from './state.js'

/**
 * What starting an operation on a ring takes: the part of @iouring/core's
 * `ring.operations` (its extension interface) that this package uses.
 */
export interface RingOperations {
  /** The mapped SQE array. */
  readonly sqes: DataView
  /** Whether the ring refuses new work. */
  readonly closed: boolean
  /** The addon's handle for the ring. */
  readonly handle: RingHandle
  /** Throws (ERR_IOURING_UNSUPPORTED_OP) unless the kernel has `opcode`. */
  require(opcode: number): void
  /** Reserves an SQE and returns its byte offset in `sqes`. */
  prepare(): number
  /** Starts the SQE at `at`, keeping `keep` alive until its CQE; resolves to the result, rejects with a system error naming `syscall`. */
  start(at: number, syscall: string, keep?: unknown): Promise<number>
  /** Starts the SQE at `at` with no promise: `callback(res, flags)` gets its CQE. */
  startCallback(at: number, syscall: string, keep: unknown, callback: (res: number, flags: number) => void): number
}

/** A ring that can start operations: @iouring/core's IoUring. */
export interface OperationsRing {
  /** The ring's extension interface (IoUring.operations). */
  readonly operations: RingOperations
}

let provideAll: (group: LegacyBufferGroup) => Promise<void>

/** Most buffers one PROVIDE_BUFFERS request (and one group) takes: its count is 16 bits. */
export const MAX_PROVIDED_BUFFERS = 0xffff

/** Options of provideBuffers(). */
export interface ProvideBuffersOptions {
  /** How many buffers, at most 65535. */
  count: number
  /** Bytes in each buffer. */
  size: number
  /** The group id requests name. Default: the lowest one free on this ring. */
  groupId?: number
}

/**
 * Legacy provided buffers as a BufferGroup: the same copy(), lend() and
 * recycling as a BufferRing. A buffer given back is handed to the kernel
 * again with IORING_OP_PROVIDE_BUFFERS, one request per run of consecutive
 * buffer ids, prepared once per tick (in a microtask) and submitted with the
 * ring's next submission; the buffers count as available when that request
 * completes. Make one with provideBuffers().
 */
export class LegacyBufferGroup extends BufferGroup {
  static {
    provideAll = (group) => group.#provideAll()
  }

  readonly #operations: RingOperations
  readonly #handle: RingHandle
  readonly #memory: ArrayBuffer
  #pending: number[] = []
  #scheduled = false
  #removed = false
  readonly #flushTask = (): void => {
    this.#scheduled = false
    this.flush()
  }

  /** @internal Use provideBuffers(). */
  constructor(operations: RingOperations, handle: RingHandle, groupId: number, size: number, count: number, memory: ArrayBuffer) {
    super(groupId, size, count, false, memory)
    this.#operations = operations
    this.#handle = handle
    this.#memory = memory
    holdGroup(handle, groupId, this)
  }

  /** Whether removeBuffers() was called. */
  get removed(): boolean {
    return this.#removed
  }

  protected giveBack(bufferId: number): void {
    if (this.#removed) return
    this.#pending.push(bufferId)
    if (!this.#scheduled) {
      this.#scheduled = true
      queueMicrotask(this.#flushTask)
    }
  }

  /** Prepares the PROVIDE_BUFFERS requests for every buffer given back so far (they go with the ring's next submission). */
  flush(): void {
    const pending = this.#pending
    if (pending.length === 0 || this.#removed || this.#operations.closed) return
    this.#pending = []
    pending.sort((a, b) => a - b)
    for (let i = 0; i < pending.length; ) {
      let end = i + 1
      while (end < pending.length && pending[end] === pending[end - 1] + 1) end++
      this.#provide(pending[i], end - i)
      i = end
    }
  }

  /** The first PROVIDE_BUFFERS, of every buffer: its failure is the caller's (provideBuffers() rejects). */
  async #provideAll(): Promise<void> {
    const ops = this.#operations
    const at = ops.prepare()
    prepProvideBuffers(ops.sqes, at, this.addressOf(0), this.size, this.count, this.groupId, 0)
    try {
      await ops.start(at, 'provide_buffers', this.#memory)
    } catch (err) {
      this.#removed = true
      releaseGroup(this.#handle, this.groupId, this)
      throw err
    }
    this.reachedKernel(this.count)
  }

  /** IORING_OP_PROVIDE_BUFFERS for `count` buffers from `first`. */
  #provide(first: number, count: number): void {
    const ops = this.#operations
    const at = ops.prepare()
    prepProvideBuffers(ops.sqes, at, this.addressOf(first), this.size, count, this.groupId, first)
    ops.startCallback(at, 'provide_buffers', this.#memory, (res) => {
      if (res >= 0) {
        this.reachedKernel(count)
      } else {
        // Nobody awaits a buffer going back: a failure is reported, never thrown from the event loop.
        const err = native.systemError(res, 'provide_buffers')
        process.emitWarning(`buffers ${first} to ${first + count - 1} of group ${this.groupId} did not go back to the kernel: ${err.message}`, {
          type: 'IoUringBuffersWarning',
          code: 'IOURING_BUFFERS_PROVIDE_FAILED',
        })
      }
    })
  }

  /**
   * IORING_OP_REMOVE_BUFFERS: takes the group's buffers back from the kernel.
   * Resolves to how many the kernel still had. Lent buffers stay readable
   * until released. Idempotent (later calls resolve to 0).
   */
  async removeBuffers(): Promise<number> {
    if (this.#removed) return 0
    this.#removed = true
    this.#pending = []
    const ops = this.#operations
    try {
      const at = ops.prepare()
      prepRemoveBuffers(ops.sqes, at, MAX_PROVIDED_BUFFERS, this.groupId)
      return await ops.start(at, 'remove_buffers', this.#memory)
    } catch (err) {
      // A closed ring dropped the buffers itself.
      if ((err as { code?: unknown }).code === 'ERR_IOURING_CLOSED') return 0
      throw err
    } finally {
      releaseGroup(this.#handle, this.groupId, this)
    }
  }

  /** removeBuffers(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.removeBuffers().then(() => undefined)
  }
}

/**
 * Provides `count` buffers of `size` bytes to the kernel as group `groupId`
 * (IORING_OP_PROVIDE_BUFFERS, Linux 5.7) in page-aligned memory this package
 * maps, and resolves to the group once the kernel has them. For kernels
 * without buffer rings; bufferGroup() picks for you.
 */
export async function provideBuffers(ring: OperationsRing, options: ProvideBuffersOptions): Promise<LegacyBufferGroup> {
  const ops = operationsOf(ring)
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const count = validateInteger(options.count, 'options.count', 1, MAX_PROVIDED_BUFFERS)
  const size = validateInteger(options.size, 'options.size', 1, 0x7ffff000)
  ops.require(IORING_OP_PROVIDE_BUFFERS)
  ops.require(IORING_OP_REMOVE_BUFFERS)
  const handle = ops.handle
  const groupId = chooseGroupId(handle, options.groupId, 'options.groupId')
  const memory = native.mapMemory(count * size)
  if (typeof memory === 'number') throw native.systemError(memory, 'mmap')
  const group = new LegacyBufferGroup(ops, handle, groupId, size, count, memory)
  await provideAll(group)
  return group
}

function operationsOf(ring: unknown): RingOperations {
  const ops = ring !== null && typeof ring === 'object' ? (ring as { operations?: unknown }).operations : undefined
  if (ops === null || typeof ops !== 'object' || typeof (ops as RingOperations).prepare !== 'function') {
    throw invalidArgType('ring', 'a ring with operations (an @iouring/core IoUring)', ring)
  }
  return ops as RingOperations
}
