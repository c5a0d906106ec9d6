// Writing all of writeFile's data: one write for a buffer or string (more
// only if the kernel writes less), chunk by chunk for an iterable.

import { registerFilesSparse, setFileAllocRange, unregisterFiles, type FixedFile } from '@iouring/register'
import type { IoUring } from '../ring.js'
import { invalidArgType } from '../errors.js'
import { cancelOn, checkAborted } from './options.js'

/** What writeFile accepts, as node:fs/promises's. */
export type WriteFileData =
  | string
  | NodeJS.ArrayBufferView
  | Iterable<string | NodeJS.ArrayBufferView>
  | AsyncIterable<string | NodeJS.ArrayBufferView>

/** The most one write asks for (the kernel's MAX_RW_COUNT is 2 GiB less a page). */
export const MAX_WRITE = 1024 * 1024 * 1024

/** node:fs's isCustomIterable: anything iterable (sync or async) but a string or an ArrayBufferView. */
export function isCustomIterable(data: unknown): data is Iterable<unknown> | AsyncIterable<unknown> {
  if (data === null || data === undefined || typeof data === 'string' || ArrayBuffer.isView(data)) return false
  return typeof (data as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
}

/**
 * writeFile's `data` as node:fs prepares it before opening anything: a string
 * becomes its bytes in `encoding`; a view or an iterable is kept; anything
 * else throws as node:fs does.
 */
export function prepareData(data: unknown, encoding: BufferEncoding | null | undefined): ArrayBufferView | Iterable<unknown> | AsyncIterable<unknown> {
  if (ArrayBuffer.isView(data) || isCustomIterable(data)) return data
  if (typeof data !== 'string') throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
  return Buffer.from(data, encoding || 'utf8')
}

/**
 * Where writeAll's writes go: the file's current position (-1) until a write
 * comes up short; from then on, when the offset the data began at is known
 * (`start`: a file writeFile just opened without O_APPEND), that offset plus
 * what was written. A write at the current position that the kernel cut
 * short and then failed (ENOSPC, EFBIG) reports the bytes it wrote, yet Linux
 * 6.18 leaves the position where it was: a next write at -1 would overwrite
 * them and succeed, where node:fs's next write fails.
 */
export class WriteCursor {
  written = 0
  #short = false

  constructor(readonly start: number | undefined) {}

  get position(): number {
    return this.#short && this.start !== undefined ? this.start + this.written : -1
  }

  /** Counts a write of `n` bytes out of `asked`. */
  advance(n: number, asked: number): void {
    this.written += n
    if (n < asked) this.#short = true
  }
}

/**
 * Writes every byte of `data` (prepareData's result) from `cursor`, as
 * node:fs's writeFileHandle: the signal is read before each write (and after
 * each chunk of an iterable), and a genuine AbortSignal also cancels the
 * write in flight.
 */
export async function writeAll(
  ring: IoUring,
  fd: number | FixedFile,
  data: ArrayBufferView | Iterable<unknown> | AsyncIterable<unknown>,
  encoding: BufferEncoding | null | undefined,
  signal: AbortSignal | undefined,
  cursor: WriteCursor,
): Promise<void> {
  checkAborted(signal)
  if (!ArrayBuffer.isView(data)) {
    for await (const chunk of data as AsyncIterable<unknown>) {
      checkAborted(signal)
      await writeBytes(ring, fd, ArrayBuffer.isView(chunk) ? chunk : Buffer.from(chunk as string, encoding || 'utf8'), signal, cursor)
      checkAborted(signal)
    }
    return
  }
  await writeBytes(ring, fd, data, signal, cursor)
}

export async function writeBytes(ring: IoUring, fd: number | FixedFile, data: ArrayBufferView, signal: AbortSignal | undefined, cursor: WriteCursor): Promise<void> {
  const op = cancelOn(signal)
  let left = data.byteLength
  while (left > 0) {
    checkAborted(signal)
    const at = data.byteOffset + data.byteLength - left
    const asked = Math.min(left, MAX_WRITE)
    const n = await ring.write(fd, new Uint8Array(data.buffer, at, asked), cursor.position, op)
    cursor.advance(n, asked)
    left -= n
  }
}

// writeFile's linked submission (promises.ts) opens the file into a direct
// descriptor, a slot of the ring's registered file table, so that the write
// and the close can name it before the open has completed.

/** Direct-descriptor slots [0, SLOTS) of the thread ring's table: as many writeFiles at once go as one linked submission each. */
const SLOTS = 256
/**
 * Slots after the facade's that the kernel hands out (IORING_FILE_INDEX_ALLOC:
 * `openatDirect(..., 'alloc')`, @iouring/net's connections arriving on a
 * worker thread's ring, ...), so that nothing else lands in the facade's.
 */
const ALLOC_SLOTS = 1024

/** Each ring's free slots; null where no file table could be registered (one is already, or the kernel is older than 6.0). */
const freeSlots = new WeakMap<IoUring, number[] | null>()

/**
 * A free slot of `ring`'s file table, registered (sparse) on first use; or
 * undefined when every slot is taken or there is no table.
 */
export function takeSlot(ring: IoUring): number | undefined {
  let free = freeSlots.get(ring)
  if (free === undefined) {
    free = registerSlots(ring)
    freeSlots.set(ring, free)
  }
  return free?.pop()
}

/** Registers the table, with the kernel's allocations kept out of the facade's slots (IORING_REGISTER_FILE_ALLOC_RANGE, 6.0). */
function registerSlots(ring: IoUring): number[] | null {
  try {
    registerFilesSparse(ring, SLOTS + ALLOC_SLOTS)
  } catch {
    return null
  }
  try {
    setFileAllocRange(ring, SLOTS, ALLOC_SLOTS)
  } catch {
    unregisterFiles(ring)
    return null
  }
  return Array.from({ length: SLOTS }, (_, i) => SLOTS - 1 - i)
}

/** Gives back a slot takeSlot() returned, once nothing in the kernel uses it. */
export function giveSlot(ring: IoUring, slot: number): void {
  freeSlots.get(ring)?.push(slot)
}
