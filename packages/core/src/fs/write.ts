// Writing all of writeFile's data: one write for a buffer or string (more
// only if the kernel writes less), chunk by chunk for an iterable.

import type { OpOptions } from '../engine.js'
import type { IoUring } from '../ring.js'
import { invalidArgType } from '../errors.js'
import { checkAborted } from './options.js'

/** What writeFile accepts, as node:fs/promises's. */
export type WriteFileData =
  | string
  | NodeJS.ArrayBufferView
  | Iterable<string | NodeJS.ArrayBufferView>
  | AsyncIterable<string | NodeJS.ArrayBufferView>

/** The most one write asks for (the kernel's MAX_RW_COUNT is 2 GiB less a page). */
const MAX_WRITE = 1024 * 1024 * 1024

export function isCustomIterable(data: unknown): data is Iterable<unknown> | AsyncIterable<unknown> {
  if (data === null || typeof data !== 'object' || ArrayBuffer.isView(data)) return false
  return typeof (data as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
}

/** writeFile's check of `data`: a string, an ArrayBufferView or an iterable; anything else throws as node:fs does. */
export function validateData(data: unknown): void {
  if (typeof data === 'string' || ArrayBuffer.isView(data) || isCustomIterable(data)) return
  throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
}

/** Writes every byte of `data` at the current position of `fd`. */
export async function writeAll(ring: IoUring, fd: number, data: WriteFileData, encoding: BufferEncoding, signal: AbortSignal | undefined): Promise<void> {
  validateData(data)
  if (isCustomIterable(data)) {
    for await (const chunk of data as AsyncIterable<string | NodeJS.ArrayBufferView>) {
      checkAborted(signal)
      await writeBytes(ring, fd, ArrayBuffer.isView(chunk) ? chunk : Buffer.from(chunk as string, encoding), signal)
    }
    return
  }
  await writeBytes(ring, fd, typeof data === 'string' ? Buffer.from(data, encoding) : (data as NodeJS.ArrayBufferView), signal)
}

async function writeBytes(ring: IoUring, fd: number, data: NodeJS.ArrayBufferView, signal: AbortSignal | undefined): Promise<void> {
  const op: OpOptions | undefined = signal === undefined ? undefined : { signal }
  let view = data.byteLength <= MAX_WRITE ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  let left = data.byteLength
  while (left > 0) {
    checkAborted(signal)
    const part = view.byteLength <= MAX_WRITE ? view : new Uint8Array(view.buffer, view.byteOffset, MAX_WRITE)
    const n = await ring.write(fd, part, -1, op)
    left -= n
    if (left > 0) view = new Uint8Array(data.buffer, data.byteOffset + data.byteLength - left, left)
  }
}
