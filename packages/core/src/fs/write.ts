// Writing all of writeFile's data: one write for a buffer or string (more
// only if the kernel writes less), chunk by chunk for an iterable.

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
const MAX_WRITE = 1024 * 1024 * 1024

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
 * Writes every byte of `data` (prepareData's result) at the current position
 * of `fd`, as node:fs's writeFileHandle: the signal is read before each write
 * (and after each chunk of an iterable), and a genuine AbortSignal also
 * cancels the write in flight.
 */
export async function writeAll(ring: IoUring, fd: number, data: ArrayBufferView | Iterable<unknown> | AsyncIterable<unknown>, encoding: BufferEncoding | null | undefined, signal: AbortSignal | undefined): Promise<void> {
  checkAborted(signal)
  if (!ArrayBuffer.isView(data)) {
    for await (const chunk of data as AsyncIterable<unknown>) {
      checkAborted(signal)
      await writeBytes(ring, fd, ArrayBuffer.isView(chunk) ? chunk : Buffer.from(chunk as string, encoding || 'utf8'), signal)
      checkAborted(signal)
    }
    return
  }
  await writeBytes(ring, fd, data, signal)
}

async function writeBytes(ring: IoUring, fd: number, data: ArrayBufferView, signal: AbortSignal | undefined): Promise<void> {
  const op = cancelOn(signal)
  let left = data.byteLength
  while (left > 0) {
    checkAborted(signal)
    const at = data.byteOffset + data.byteLength - left
    const n = await ring.write(fd, new Uint8Array(data.buffer, at, Math.min(left, MAX_WRITE)), -1, op)
    left -= n
  }
}
