// Reading a whole file: readFile's strategy.
//
// 1. Two speculative reads in one tick: bytes [0, 16 KiB) and [16 KiB, 64 KiB).
//    A file shorter than 16 KiB is done in this one round trip: the first read
//    comes back short and the second returns 0, which proves the end (no
//    statx, and nothing leaves the submitting thread for a cached file). One
//    shorter than 64 KiB takes one more read, which returns 0.
// 2. A longer file: statx for its size, then every remaining 1 MiB chunk and
//    a probe read just past the size, all in one tick.
// 3. A chunk that comes back short means the file shrank: the result ends
//    there. A probe that finds bytes means it grew, and so does a size of 0
//    (files in /proc): then reads go on one after another until one returns 0.
// Files that cannot be read at a position (pipes, FIFOs: ESPIPE) are read
// at the current position until the end, as node:fs does.

import type { IoUring } from '../ring.js'
import type { OpOptions } from '../engine.js'
import { S_IFMT, S_IFREG } from '@iouring/ops'
import { checkAborted } from './options.js'

/** The speculative reads: [0, FIRST) and [FIRST, SPEC). */
const FIRST = 16 * 1024
const SPEC = 64 * 1024
/** Speculative buffers kept for reuse (64 KiB each): enough for this many readFiles at once. */
const POOL = 32
const CHUNK = 1024 * 1024
/** node:fs's kIoMaxLength: the largest file readFile returns. */
export const IO_MAX_LENGTH = 2 ** 31 - 1
const ESPIPE = -29
const IN_WORKER: OpOptions = Object.freeze({ async: true })

interface Speculative {
  readonly buffer: Buffer
  readonly low: Buffer
  readonly high: Buffer
}

// Speculative buffers, reused: each is back in the pool only once no read uses it.
const pool: Speculative[] = []

function takeSpeculative(): Speculative {
  const entry = pool.pop()
  if (entry !== undefined) return entry
  const buffer = Buffer.allocUnsafeSlow(SPEC)
  return { buffer, low: buffer.subarray(0, FIRST), high: buffer.subarray(FIRST) }
}

function giveBack(entry: Speculative): void {
  if (pool.length < POOL) pool.push(entry)
}

/** node:fs's ERR_FS_FILE_TOO_LARGE. */
export function fileTooLarge(size: number): RangeError {
  return Object.assign(new RangeError(`File size (${size}) is greater than 2 GiB`), { code: 'ERR_FS_FILE_TOO_LARGE' })
}

/** Settles every promise, then throws the first rejection (so no buffer is released while the kernel uses it). */
async function all(reads: Promise<number>[]): Promise<number[]> {
  const results = await Promise.allSettled(reads)
  const values: number[] = []
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason
    values.push(result.value)
  }
  return values
}

function copyOf(source: Buffer, length: number): Buffer {
  const out = Buffer.allocUnsafeSlow(length)
  source.copy(out, 0, 0, length)
  return out
}

/** The whole of the file open at `fd`, read at positions from 0 (path-based readFile). */
export async function readWhole(ring: IoUring, fd: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const op: OpOptions | undefined = signal === undefined ? undefined : { signal }
  checkAborted(signal)
  const spec = takeSpeculative()
  let first: number
  let second: number
  try {
    ;[first, second] = await all([ring.read(fd, spec.low, 0, op), ring.read(fd, spec.high, FIRST, op)])
  } catch (err) {
    giveBack(spec)
    if ((err as { errno?: number }).errno === ESPIPE) return readRest(ring, fd, -1, [], 0, signal)
    throw err
  }
  if (first < FIRST) {
    if (second === 0) {
      const out = copyOf(spec.buffer, first)
      giveBack(spec)
      return out
    }
    // Bytes past a short read: the file grew meanwhile, or is not a plain file.
    const head = copyOf(spec.buffer, first)
    giveBack(spec)
    return readRest(ring, fd, first, [head], first, signal)
  }
  if (second < SPEC - FIRST) {
    const head = copyOf(spec.buffer, FIRST + second)
    giveBack(spec)
    return readRest(ring, fd, FIRST + second, [head], FIRST + second, signal)
  }
  // At least 64 KiB: ask the size, read the rest in parallel.
  let size: number
  let mode: number
  try {
    checkAborted(signal)
    const stats = await ring.fstat(fd, op)
    size = stats.size
    mode = stats.mode
  } catch (err) {
    giveBack(spec)
    throw err
  }
  if ((mode & S_IFMT) !== S_IFREG || size <= SPEC) {
    const head = copyOf(spec.buffer, SPEC)
    giveBack(spec)
    return readRest(ring, fd, SPEC, [head], SPEC, signal)
  }
  if (size > IO_MAX_LENGTH) {
    giveBack(spec)
    throw fileTooLarge(size)
  }
  const out = Buffer.allocUnsafeSlow(size)
  spec.buffer.copy(out, 0, 0, SPEC)
  const starts: number[] = []
  for (let at = SPEC; at < size; at += CHUNK) starts.push(at)
  // The chunks go to io-wq workers (IOSQE_ASYNC): inline, every readFile's
  // megabytes would be copied (and their fresh pages faulted in) on this one
  // thread; workers do it in parallel. (Faulting the pages in first with
  // MADV_POPULATE_WRITE helped inline reads, and costs workers' reads.)
  const chunkOp: OpOptions = signal === undefined ? IN_WORKER : { signal, async: true }
  let results: number[]
  try {
    checkAborted(signal)
    const reads = starts.map((at) => ring.read(fd, out.subarray(at, Math.min(at + CHUNK, size)), at, chunkOp))
    reads.push(ring.read(fd, spec.high, size, op))
    results = await all(reads)
  } catch (err) {
    giveBack(spec)
    throw err
  }
  for (let i = 0; i < starts.length; i++) {
    const wanted = Math.min(CHUNK, size - starts[i])
    if (results[i] < wanted) {
      // It shrank: the file ends where the first short chunk does.
      giveBack(spec)
      return out.subarray(0, starts[i] + results[i])
    }
  }
  const probe = results[results.length - 1]
  if (probe === 0) {
    giveBack(spec)
    return out
  }
  const grown = copyOf(spec.buffer, probe)
  giveBack(spec)
  return readRest(ring, fd, size + probe, [out, grown], size + probe, signal)
}

/**
 * Reads from `position` (-1: the current position) until a read returns 0,
 * after the `chunks` already read (`total` bytes).
 */
export async function readRest(ring: IoUring, fd: number, position: number, chunks: Buffer[], total: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const op: OpOptions | undefined = signal === undefined ? undefined : { signal }
  // Each read goes into a pooled buffer; only bytes read are copied out, so the last read (0) costs nothing.
  const scratch = takeSpeculative()
  try {
    for (;;) {
      checkAborted(signal)
      const n = await ring.read(fd, scratch.buffer, position, op)
      if (n === 0) break
      chunks.push(copyOf(scratch.buffer, n))
      total += n
      if (total > IO_MAX_LENGTH) throw fileTooLarge(total)
      if (position !== -1) position += n
    }
  } finally {
    giveBack(scratch)
  }
  return chunks.length === 1 ? chunks[0] : chunks.length === 0 ? Buffer.alloc(0) : Buffer.concat(chunks, total)
}

/**
 * FileHandle.readFile: from the handle's current position to the end, as
 * node:fs reads it (the first read asks for the bytes left by the size statx
 * reports; then reads go on until one returns 0).
 */
export async function readFromHandle(ring: IoUring, fd: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const op: OpOptions | undefined = signal === undefined ? undefined : { signal }
  checkAborted(signal)
  const stats = await ring.fstat(fd, op)
  const regular = (stats.mode & S_IFMT) === S_IFREG
  if (regular && stats.size > IO_MAX_LENGTH) throw fileTooLarge(stats.size)
  if (!regular || stats.size === 0) return readRest(ring, fd, -1, [], 0, signal)
  checkAborted(signal)
  const first = Buffer.allocUnsafeSlow(stats.size)
  const n = await ring.read(fd, first, -1, op)
  if (n === 0) return first.subarray(0, 0)
  return readRest(ring, fd, -1, [n === stats.size ? first : first.subarray(0, n)], n, signal)
}
