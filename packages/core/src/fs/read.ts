// Reading a whole file: readFile's strategy.
//
// Nothing is assumed about what the path names until statx has said so.
// Until then reads go one after another at the current position (-1): a
// pipe, a FIFO, /dev/stdin or a terminal has no positions, and two reads in
// flight on one would both consume it. A short read is not the end either: a
// seq_file (/proc/self/maps) returns about a page per read. Only a read that
// returns 0 ends a file, or, for a regular file whose size statx reports,
// having read that size (as node:fs stops there).
//
// 1. One read of up to 64 KiB, with RWF_NOWAIT: it completes inline, with
//    bytes or with EAGAIN/EOPNOTSUPP. A file shorter than that takes one more
//    read, which returns 0: for a page-cached file both complete inline.
//    A file that cannot be read without blocking (tmpfs, procfs, FIFOs: no
//    FMODE_NOWAIT) or whose pages are not cached: the read again, without the
//    flag, with a statx hard-linked after it, both in one io-wq hand-off (two
//    wake-ups of a sleeping CPU, 45-55 µs one at a time on a 2-vCPU VM,
//    against 1 µs for the read itself on tmpfs). A regular file whose size
//    that read reached is whole: no hand-off for a read that returns 0.
//    Where the last file of the same directory needed the hand-off, the
//    RWF_NOWAIT read is skipped (waitingDirs). With IOURING_FS_SQPOLL,
//    that read and the file's later ones go through the thread's polling
//    ring (handoff.ts), where no CPU has to wake.
// 2. A read that fills 64 KiB: statx (if not made already). A regular file with a size: every
//    remaining chunk at its position, all in one submission, each in an
//    io-wq worker; a chunk that comes back short (the file shrank, or is not
//    what its size says) and reads go on from there until one returns 0.
//    Anything else (size 0, as in /proc; not a regular file): reads at the
//    current position until one returns 0.
//
// Most of a big readFile's time is the kernel giving the fresh destination
// its pages: a fault, a zeroed page and a memory-cgroup charge per 4 KiB
// (node:fs pays it too). From 32 MiB up (where glibc's malloc always maps a
// Buffer's memory on its own) the destination is advised to use transparent
// huge pages where the system gives them only on request (MADV_HUGEPAGE):
// one fault per 2 MiB, measured at a third to a quarter of the CPU time for
// a 64 MiB file. The chunks then end on huge-page boundaries of the
// destination, so that no two workers fault in the same page.
//
// Two reads are never linked: with IOSQE_IO_HARDLINK (a short read severs a
// plain link) the second would run in the same io-wq hand-off, but a linked
// request that has not started cannot be cancelled: an abort, or dispose(),
// while the first read waits on a FIFO would leave the second waiting for
// data that may never come. The statx linked after a read never waits.

import { readFileSync, type Stats } from 'node:fs'
import { constants } from 'node:os'
import * as native from '@iouring/native'
import type { IoUring } from '../ring.js'
import type { OpOptions } from '../engine.js'
import { IORING_OP_READ, MADV_HUGEPAGE, RWF_NOWAIT, S_IFMT, S_IFREG, SQE_RW_FLAGS, prepRead } from '@iouring/ops'
import { handedOff } from './handoff.js'
import { cancelOn, checkAborted } from './options.js'

/** The first read, and every read of a file of unknown length. */
const FIRST = 64 * 1024
/** First-read buffers kept for reuse: enough for this many readFiles at once. */
const POOL = 32
const CHUNK = 1024 * 1024
/** Destinations this large are advised to use transparent huge pages (glibc's malloc maps anything from 32 MiB on its own). */
const HUGE_FROM = 32 * 1024 * 1024
/** node:fs's kIoMaxLength: the largest file readFile returns. */
export const IO_MAX_LENGTH = 2 ** 31 - 1

// First-read buffers, reused: each is back in the pool only once no read uses it.
const pool: Buffer[] = []

function takeScratch(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(FIRST)
}

function giveBack(scratch: Buffer): void {
  if (pool.length < POOL) pool.push(scratch)
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

const EAGAIN = -constants.errno.EAGAIN
const EOPNOTSUPP = -constants.errno.EOPNOTSUPP

/**
 * A read at the current position with RWF_NOWAIT, which completes inline:
 * resolves to the CQE's result, the bytes read or -errno (-EAGAIN or
 * -EOPNOTSUPP where reading would mean waiting). A callback request, so that
 * those two, which are expected, make no Error.
 */
function readNowait(ring: IoUring, fd: number, buffer: Buffer): Promise<number> {
  const ops = ring.operations
  ops.require(IORING_OP_READ)
  const at = ops.prepare()
  prepRead(ops.sqes, at, fd, native.addressOf(buffer), buffer.byteLength, -1)
  ops.sqes.setUint32(at + SQE_RW_FLAGS, RWF_NOWAIT, true)
  return new Promise((resolve) => ops.startCallback(at, 'read', buffer, resolve))
}

function isRegular(stats: Stats): boolean {
  return (stats.mode & S_IFMT) === S_IFREG
}

function copyOf(source: Buffer, length: number): Buffer {
  const out = Buffer.allocUnsafeSlow(length)
  source.copy(out, 0, 0, length)
  return out
}

/**
 * The whole of the file just opened at `fd` (path-based readFile); `file` is
 * the path it was opened by (see waitingDirs).
 */
export async function readWhole(ring: IoUring, fd: number, file: string | Buffer, signal: AbortSignal | undefined): Promise<Buffer> {
  checkAborted(signal)
  // The first read's bytes stay in the pooled buffer until the file's size
  // says where they go: a copy of their own, or the start of the whole file.
  const scratch = takeScratch()
  // Nothing is remembered on a machine whose files all read inline: no directory text is made then.
  let dir = waitingDirs.size > 0 ? dirOf(file) : undefined
  try {
    if (!skipsNowait(dir)) {
      const first = await readNowait(ring, fd, scratch)
      if (first !== EAGAIN && first !== EOPNOTSUPP) {
        if (dir !== undefined) waitingDirs.delete(dir)
        return await readOn(ring, fd, scratch, first, signal)
      }
      dir ??= dirOf(file)
      if (dir !== undefined) rememberWaiting(dir)
    }
    // Not without waiting: each of this file's reads is a hand-off, through
    // the polling ring where IOURING_FS_SQPOLL asks for one (handoff.ts).
    return await handedOff(ring, (on) => readOn(on, fd, scratch, undefined, signal))
  } finally {
    giveBack(scratch)
  }
}

// Directories whose last file could not be read without waiting (tmpfs,
// /proc, /dev): readFile of the next file there goes straight to the
// hand-off, without the RWF_NOWAIT read that would fail (a round trip, 10-15%
// of a small tmpfs file's readFile). Only the speed depends on it: the
// hand-off reads any file. So one readFile in PROBE_EVERY tries RWF_NOWAIT
// again, and a success forgets the directory (a mount that changed, pages
// cached since). Keyed by the path's text up to its last '/' (paths given as
// bytes are not remembered); the WAITING_DIRS last such directories are kept.
const WAITING_DIRS = 64
const PROBE_EVERY = 32
/** Directory -> readFiles there that skipped the RWF_NOWAIT read since the last one that made it. */
const waitingDirs = new Map<string, number>()

/** The path's text up to its last '/'; undefined for a path given as bytes. */
function dirOf(file: string | Buffer): string | undefined {
  return typeof file === 'string' ? file.slice(0, file.lastIndexOf('/') + 1) : undefined
}

function skipsNowait(dir: string | undefined): boolean {
  if (dir === undefined) return false
  const skipped = waitingDirs.get(dir)
  if (skipped === undefined || skipped >= PROBE_EVERY - 1) return false
  waitingDirs.set(dir, skipped + 1)
  return true
}

function rememberWaiting(dir: string): void {
  if (!waitingDirs.has(dir) && waitingDirs.size >= WAITING_DIRS) waitingDirs.delete(waitingDirs.keys().next().value!)
  waitingDirs.set(dir, 0)
}

/**
 * readWhole on `ring` after its first read: of `first` bytes into `scratch`,
 * or (undefined) none, since it could not be made without waiting.
 */
async function readOn(ring: IoUring, fd: number, scratch: Buffer, first: number | undefined, signal: AbortSignal | undefined): Promise<Buffer> {
  const op = cancelOn(signal)
  let stats: Stats | undefined
  if (first === undefined) {
    checkAborted(signal)
    const [read, stat] = await ring.chain((linked) => [linked.read(fd, scratch, -1, op), linked.fstat(fd, op)], { hard: true })
    if (read.status === 'rejected') throw read.reason
    if (stat.status === 'rejected') throw stat.reason
    first = read.value
    stats = stat.value
  } else if (first < 0) {
    throw native.systemError(first, 'read')
  }
  if (first === 0) return Buffer.alloc(0)
  if (first < FIRST) {
    if (stats !== undefined && isRegular(stats) && stats.size === first) return copyOf(scratch, first)
    return readRest(ring, fd, -1, [copyOf(scratch, first)], first, signal, scratch)
  }
  checkAborted(signal)
  stats ??= await ring.fstat(fd, op)
  const size = stats.size
  if (!isRegular(stats) || size < FIRST) return readRest(ring, fd, -1, [copyOf(scratch, FIRST)], FIRST, signal, scratch)
  if (size === FIRST) return copyOf(scratch, FIRST)
  if (size > IO_MAX_LENGTH) throw fileTooLarge(size)
  const out = await destination(ring, size)
  scratch.copy(out, 0, 0, FIRST)
  const starts = chunkStarts(out, FIRST)
  // The chunks go to io-wq workers (IOSQE_ASYNC): inline, every readFile's
  // megabytes would be copied (and their fresh pages faulted in) on this one
  // thread; workers do it in parallel.
  const chunkOp: OpOptions = op === undefined ? IN_WORKER : { ...op, async: true }
  checkAborted(signal)
  const results = await all(starts.map((at, i) => ring.read(fd, out.subarray(at, starts[i + 1] ?? size), at, chunkOp)))
  for (let i = 0; i < starts.length; i++) {
    const end = starts[i] + results[i]
    if (end < (starts[i + 1] ?? size)) return readRest(ring, fd, end, [out.subarray(0, end)], end, signal)
  }
  return out
}

/**
 * Where each chunk of `out` from `from` on starts: every CHUNK bytes, or on
 * huge pages at every huge-page boundary of its memory (up to 4 MiB apart),
 * so that no two chunks' workers fault in the same page.
 */
function chunkStarts(out: Buffer, from: number): number[] {
  const huge = out.length >= HUGE_FROM ? hugePageSize() : 0
  const starts = [from]
  if (huge === 0) {
    for (let at = from + CHUNK; at < out.length; at += CHUNK) starts.push(at)
    return starts
  }
  const step = Math.min(huge, 4 * CHUNK)
  const address = native.addressOf(out)
  for (let at = Math.ceil((address + from + 1) / step) * step - address; at < out.length; at += step) starts.push(at)
  return starts
}

/**
 * A Buffer of `size` bytes that reads are about to fill. From HUGE_FROM up,
 * where transparent huge pages are given on request, its huge-page-aligned
 * part is advised to use them (a hint: a failure changes nothing but the
 * speed; EINVAL, a kernel without them, stops the advice for this thread).
 */
async function destination(ring: IoUring, size: number): Promise<Buffer> {
  const out = Buffer.allocUnsafeSlow(size)
  const huge = size >= HUGE_FROM ? hugePageSize() : 0
  if (huge === 0) return out
  const address = native.addressOf(out)
  const start = Math.ceil(address / huge) * huge - address
  const end = Math.floor((address + size) / huge) * huge - address
  if (end > start) {
    await ring.madvise(out.subarray(start, end), MADV_HUGEPAGE).catch((err: { code?: string }) => {
      if (err.code === 'EINVAL') hugePage = 0
    })
  }
  return out
}

/** The transparent huge page size where the system gives them on request (`[madvise]`); 0 where it gives them always, never, or cannot say. */
let hugePage: number | undefined

function hugePageSize(): number {
  if (hugePage !== undefined) return hugePage
  hugePage = 0
  try {
    if (readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'latin1').includes('[madvise]')) {
      hugePage = Number(readFileSync('/sys/kernel/mm/transparent_hugepage/hpage_pmd_size', 'latin1')) || 0
    }
  } catch {
    // no transparent huge pages
  }
  return hugePage
}

const IN_WORKER: OpOptions = Object.freeze({ async: true })

/**
 * Reads from `position` (-1: the current position) until a read returns 0,
 * after the `chunks` already read (`total` bytes). Each read goes into
 * `scratch` (a pooled buffer when none is given: readWhole's own, whose bytes
 * are copied out already); only bytes read are copied out of it, so the last
 * read (0) costs nothing.
 */
async function readRest(ring: IoUring, fd: number, position: number, chunks: Buffer[], total: number, signal: AbortSignal | undefined, scratch?: Buffer): Promise<Buffer> {
  if (scratch === undefined) {
    const own = takeScratch()
    try {
      return await readRest(ring, fd, position, chunks, total, signal, own)
    } finally {
      giveBack(own)
    }
  }
  const op = cancelOn(signal)
  for (;;) {
    checkAborted(signal)
    const n = await ring.read(fd, scratch, position, op)
    if (n === 0) break
    chunks.push(copyOf(scratch, n))
    total += n
    if (total > IO_MAX_LENGTH) throw fileTooLarge(total)
    if (position !== -1) position += n
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
}

/**
 * FileHandle.readFile: from the handle's current position to the end, as
 * node:fs reads it (statx first; a regular file's size in one read, then
 * reads until one returns 0).
 */
export async function readFromHandle(ring: IoUring, fd: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const op = cancelOn(signal)
  checkAborted(signal)
  const stats = await ring.fstat(fd, op)
  checkAborted(signal)
  const regular = isRegular(stats)
  if (regular && stats.size > IO_MAX_LENGTH) throw fileTooLarge(stats.size)
  if (!regular || stats.size === 0) return readRest(ring, fd, -1, [], 0, signal)
  const first = await destination(ring, stats.size)
  const n = await ring.read(fd, first, -1, op)
  if (n === 0) return first.subarray(0, 0)
  return readRest(ring, fd, -1, [n === stats.size ? first : first.subarray(0, n)], n, signal)
}
