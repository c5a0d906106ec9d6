// Provided-buffer rings (IORING_REGISTER_PBUF_RING, Linux 5.19): a ring of
// io_uring_buf entries in memory shared with the kernel. Giving a buffer back
// is a store into that memory and a release store of the tail, as the SQ is
// published: no system call, and one tail store per tick however many buffers
// went back in it.
import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import {
  BUF_RING_TAIL,
  BUF_SIZE,
  IORING_OFF_PBUF_RING,
  IORING_OFF_PBUF_SHIFT,
  IORING_REGISTER_PBUF_RING,
  IORING_REGISTER_PBUF_STATUS,
  IORING_UNREGISTER_PBUF_RING,
  IOU_PBUF_RING_INC,
  IOU_PBUF_RING_MMAP,
  PBUF_RING_FLAGS,
  decodeBufStatus,
  encodeBufReg,
  encodeBufStatus,
  writeBufRingEntry,
} from '@iouring/ops'
import { callRegister, handleOf, invalidArgType, invalidArgValue, kernelAtLeast, kernelVersion, outOfRange, unsupported, validateInteger, type Ring } from '@iouring/register'
import { BufferGroup } from './group.js'
import { chooseGroupId, holdGroup, releaseGroup } from './state.js'

/** The largest ring: the kernel's head and tail are 16 bits, so full and empty must differ. */
export const MAX_RING_ENTRIES = 32768
/** The most one buffer can hold: the kernel moves at most MAX_RW_COUNT bytes per request. */
export const MAX_BUFFER_SIZE = 0x7ffff000
/** A ring in kernel memory is mapped at an offset that leaves 11 bits for its group id. */
export const MAX_MAPPED_GROUP_ID = 0x7ff

/** Options of new BufferRing(). */
export interface BufferRingOptions {
  /** Ring entries, and buffers: a power of two, at most 32768. */
  entries: number
  /** Bytes in each buffer. */
  size: number
  /** The group id requests name (their SQE's buf_group). Default: the lowest one free on this ring. */
  groupId?: number
  /** Consume buffers incrementally (IOU_PBUF_RING_INC, Linux 6.12): completions fill a buffer in turn until it is full. */
  incremental?: boolean
  /** Let the kernel allocate the ring, which this process then maps (IOU_PBUF_RING_MMAP, Linux 6.4; group ids up to 2047). */
  kernelMemory?: boolean
}

/** What IORING_REGISTER_PBUF_STATUS reports. */
export interface BufferRingStatus {
  /** The kernel's head: entries it has taken from the ring so far (16 bits, wrapping). */
  readonly head: number
  /** The tail this process published (16 bits, wrapping). */
  readonly tail: number
  /** Entries published and not taken yet: buffers the kernel can pick now. */
  readonly ready: number
}

function flagSince(flag: number): string {
  return PBUF_RING_FLAGS.find((entry) => entry.value === flag)?.since ?? '0'
}

function requireFlag(flag: number, name: string): void {
  const since = flagSince(flag)
  if (!kernelAtLeast(since)) throw unsupported(name, since, kernelVersion().release)
}

function mapped(result: ArrayBuffer | number): ArrayBuffer {
  if (typeof result === 'number') throw native.systemError(result, 'mmap')
  return result
}

/**
 * A provided-buffer ring registered on a ring: `entries` buffers of `size`
 * bytes in page-aligned memory this process owns, and the ring of entries
 * naming them, either in memory this process owns too or (`kernelMemory`) in
 * memory the kernel allocated and this process maps. Every buffer starts out
 * in the ring. Start requests with IOSQE_BUFFER_SELECT and buf_group =
 * `groupId`; read their completions with copy() or lend() (BufferGroup).
 *
 * A buffer given back is written into the ring at once; the tail that makes
 * it visible is published once per tick, in a microtask, so the kernel sees
 * every buffer given back in a tick before this thread next enters it from
 * the event loop. flush() publishes at once, for code that drives the ring
 * synchronously.
 */
export class BufferRing extends BufferGroup {
  /** Entries in the ring (equal to `count`). */
  readonly entries: number
  /** Whether the kernel allocated the ring (IOU_PBUF_RING_MMAP). */
  readonly kernelMemory: boolean

  readonly #ring: Ring
  readonly #handle: RingHandle
  readonly #ringMemory: ArrayBuffer
  readonly #entries: DataView
  readonly #tailWord: Uint16Array
  readonly #mask: number
  // Which buffer each ring entry names, and where each buffer was last
  // written: a bundle takes consecutive entries, and its completion names
  // only the first buffer.
  readonly #bufferAt: Uint16Array
  readonly #entryOf: Uint16Array
  #tail = 0
  #published = 0
  #scheduled = false
  #registered = false
  readonly #publishTask = (): void => {
    this.#scheduled = false
    this.flush()
  }

  constructor(ring: Ring, options: BufferRingOptions) {
    const handle = handleOf(ring)
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    const entries = validateInteger(options.entries, 'options.entries', 1, MAX_RING_ENTRIES)
    if ((entries & (entries - 1)) !== 0) throw invalidArgValue('options.entries', `must be a power of two. Received ${entries}`)
    const size = validateInteger(options.size, 'options.size', 1, MAX_BUFFER_SIZE)
    const incremental = options.incremental === true
    const kernelMemory = options.kernelMemory === true
    if (incremental) requireFlag(IOU_PBUF_RING_INC, 'IOU_PBUF_RING_INC')
    if (kernelMemory) requireFlag(IOU_PBUF_RING_MMAP, 'IOU_PBUF_RING_MMAP')
    const groupId = chooseGroupId(handle, options.groupId, 'options.groupId', kernelMemory ? MAX_MAPPED_GROUP_ID : undefined)

    super(groupId, size, entries, incremental, mapped(native.mapMemory(entries * size)))
    this.entries = entries
    this.kernelMemory = kernelMemory
    this.#ring = ring
    this.#handle = handle
    this.#mask = entries - 1
    this.#bufferAt = new Uint16Array(entries)
    this.#entryOf = new Uint16Array(entries)

    const ringBytes = entries * BUF_SIZE
    const userRing = kernelMemory ? undefined : mapped(native.mapMemory(ringBytes))
    const flags = (incremental ? IOU_PBUF_RING_INC : 0) | (kernelMemory ? IOU_PBUF_RING_MMAP : 0)
    const reg = encodeBufReg({ ringAddr: userRing === undefined ? 0 : native.addressOf(userRing), ringEntries: entries, bgid: groupId, flags })
    callRegister(handle, IORING_REGISTER_PBUF_RING, reg, 1)
    this.#registered = true
    if (userRing === undefined) {
      const region = native.mapRingRegion(handle, IORING_OFF_PBUF_RING + groupId * 2 ** IORING_OFF_PBUF_SHIFT, ringBytes)
      if (typeof region === 'number') {
        this.unregister()
        throw native.systemError(region, 'mmap')
      }
      this.#ringMemory = region
    } else {
      this.#ringMemory = userRing
    }
    this.#entries = new DataView(this.#ringMemory)
    this.#tailWord = new Uint16Array(this.#ringMemory, 0, BUF_SIZE / 2)
    holdGroup(handle, groupId, this)

    for (let bufferId = 0; bufferId < entries; bufferId++) this.giveBack(bufferId)
    this.flush()
  }

  /** Whether the ring is still registered (unregister() or dispose ends that). */
  get registered(): boolean {
    return this.#registered
  }

  protected giveBack(bufferId: number): void {
    if (!this.#registered) return
    const entry = this.#tail & this.#mask
    writeBufRingEntry(this.#entries, 0, entry, this.addressOf(bufferId), this.size, bufferId)
    this.#bufferAt[entry] = bufferId
    this.#entryOf[bufferId] = entry
    this.#tail = (this.#tail + 1) & 0xffff
    if (!this.#scheduled) {
      this.#scheduled = true
      queueMicrotask(this.#publishTask)
    }
  }

  /** A bundle took the entries from `first`'s on, one per `size` bytes of `res`. */
  protected override bundleFrom(first: number, res: number): number[] {
    const count = Math.ceil(res / this.size)
    if (count > this.entries) throw outOfRange('res', `<= ${this.entries * this.size} (the ring's buffers)`, res)
    const bufferIds: number[] = []
    for (let i = 0, entry = this.#entryOf[first]; i < count; i++) bufferIds.push(this.#bufferAt[(entry + i) & this.#mask])
    return bufferIds
  }

  /**
   * Publishes the tail now: one release store (Atomics.store) of the 16-bit
   * tail that overlays the first entry's resv field, after which the kernel
   * may pick every buffer written before it.
   */
  flush(): void {
    const added = (this.#tail - this.#published) & 0xffff
    if (added === 0 || !this.#registered) return
    Atomics.store(this.#tailWord, BUF_RING_TAIL / 2, this.#tail)
    this.#published = this.#tail
    this.reachedKernel(added)
  }

  /** The kernel's head and what is published (IORING_REGISTER_PBUF_STATUS, Linux 6.8). */
  status(): BufferRingStatus {
    const arg = encodeBufStatus({ bufGroup: this.groupId, head: 0 })
    callRegister(handleOf(this.#ring), IORING_REGISTER_PBUF_STATUS, arg, 1)
    const { head } = decodeBufStatus(new DataView(arg.buffer, arg.byteOffset, arg.byteLength), 0)
    return { head, tail: this.#published, ready: (this.#published - head) & 0xffff }
  }

  /**
   * Unregisters the ring (IORING_UNREGISTER_PBUF_RING); requests can pick no
   * more buffers from it. Leases stay readable until released. A ring that was
   * closed already dropped it; this then only lets go of the memory.
   * Idempotent.
   */
  unregister(): void {
    if (!this.#registered) return
    const arg = encodeBufReg({ ringAddr: 0, ringEntries: 0, bgid: this.groupId, flags: 0 })
    try {
      callRegister(handleOf(this.#ring), IORING_UNREGISTER_PBUF_RING, arg, 1)
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ERR_IOURING_CLOSED') throw err
    }
    this.#registered = false
    releaseGroup(this.#handle, this.groupId, this)
    // A mapping of kernel memory holds the ring's file open: unmap it now.
    if (this.kernelMemory && this.#ringMemory !== undefined) native.detach(this.#ringMemory)
  }

  /** unregister(), for `using`. */
  [Symbol.dispose](): void {
    this.unregister()
  }
}
