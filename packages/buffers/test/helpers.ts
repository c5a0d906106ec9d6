import * as native from '@iouring/native'
import {
  GETEVENTS_ARG_SIZE,
  IORING_ENTER_EXT_ARG,
  IORING_ENTER_GETEVENTS,
  TIMESPEC_SIZE,
  timespecFromMs,
  writeGeteventsArg,
  writeTimespec,
} from '@iouring/ops'
import { kernelAtLeast, probe } from '@iouring/register'
import { closeSync, writeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
// @iouring/buffers sits below @iouring/core (core depends on it), so its
// tests drive a bare ring by hand, with the helper @iouring/register's tests use.
import { MiniRing, type Cqe } from '../../register/test/helpers.js'

export type { Cqe }

const ETIME = -62

/** A bare ring whose waits give up after a timeout, so that a test that goes wrong fails instead of hanging. */
export class TestRing extends MiniRing {
  readonly #arg = new DataView(new ArrayBuffer(GETEVENTS_ARG_SIZE + TIMESPEC_SIZE))

  /** Submits what is prepared, waits until `count` CQEs are posted or `timeoutMs` passes, and returns every posted CQE. */
  wait(count = 1, timeoutMs = 5000): Cqe[] {
    this.submit(0)
    const arg = this.#arg
    writeTimespec(arg, GETEVENTS_ARG_SIZE, timespecFromMs(timeoutMs))
    writeGeteventsArg(arg, 0, { sigmask: 0, sigmaskSz: 0, minWaitUsec: 0, ts: native.addressOf(arg) + GETEVENTS_ARG_SIZE })
    const ret = native.enter(this.handle, 0, count, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, new DataView(arg.buffer, 0, GETEVENTS_ARG_SIZE))
    if (ret < 0 && ret !== ETIME) throw native.systemError(ret, 'io_uring_enter')
    return this.reap()
  }
}

const rings: TestRing[] = []

/** A ring closed by closeRings() (call it in afterEach). */
export function testRing(entries = 64): TestRing {
  const ring = new TestRing(entries)
  rings.push(ring)
  return ring
}

export function closeRings(): void {
  for (const ring of rings.splice(0)) ring.close()
}

/** Whether the running kernel has `op` (probed), with the reason printed when it does not. */
export function has(op: string, since: string): boolean {
  const ring = new MiniRing(2)
  try {
    if (probe(ring).supports(op)) return true
  } finally {
    ring.close()
  }
  console.log(`skipped: IORING_OP_${op} needs Linux ${since}; this kernel's probe lacks it`)
  return false
}

/** Whether the running kernel is at least `version`, with the reason printed when it is not. */
export function kernelHas(what: string, version: string): boolean {
  if (kernelAtLeast(version)) return true
  console.log(`skipped: ${what} needs Linux ${version}`)
  return false
}

/** A non-blocking pipe: [readFd, writeFd]. */
export function pipe(): [number, number] {
  const fds = native.pipe(0o2000000 | 0o4000) // O_CLOEXEC | O_NONBLOCK
  if (typeof fds === 'number') throw native.systemError(fds, 'pipe2')
  return fds
}

export function closeAll(...fds: number[]): void {
  for (const fd of fds) closeSync(fd)
}

/** Writes as much of `data` from `offset` as the pipe takes now, in pieces of random sizes up to `maxPiece`; returns the new offset. */
export function writeSome(fd: number, data: Buffer, offset: number, maxPiece = 5000): number {
  while (offset < data.length) {
    const piece = Math.min(data.length - offset, 1 + Math.floor(Math.random() * maxPiece))
    try {
      offset += writeSync(fd, data, offset, piece)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return offset
      throw err
    }
  }
  return offset
}

export function randomData(size: number): Buffer {
  return randomBytes(size)
}
