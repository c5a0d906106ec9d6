import * as native from '@iouring/native'
import {
  GETEVENTS_ARG_SIZE,
  IORING_ENTER_EXT_ARG,
  IORING_CQE_F_MORE,
  IORING_ENTER_GETEVENTS,
  IORING_REGISTER_PBUF_RING,
  IORING_REGISTER_PBUF_STATUS,
  IOU_PBUF_RING_MMAP,
  TIMESPEC_SIZE,
  encodeBufReg,
  encodeBufStatus,
  timespecFromMs,
  writeGeteventsArg,
  writeTimespec,
} from '@iouring/ops'
import { probe } from '@iouring/register'
import type { RingOperations } from '@iouring/buffers'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
// @iouring/buffers sits below @iouring/core (core depends on it), so its
// tests drive a bare ring by hand, with the helper @iouring/register's tests use.
import { MiniRing, type Cqe } from '../../register/test/helpers.js'

export type { Cqe }

const ETIME = -62

/** User data of operations started through TestRing.operations: above what tests use themselves. */
const OPERATION_BASE = 1_000_000

/**
 * A bare ring whose waits give up after a timeout, so that a test that goes
 * wrong fails instead of hanging. Its `operations` is the part of
 * @iouring/core's extension interface the legacy group uses, driven by wait().
 */
export class TestRing extends MiniRing {
  readonly #arg = new DataView(new ArrayBuffer(GETEVENTS_ARG_SIZE + TIMESPEC_SIZE))
  readonly #callbacks = new Map<number, { keep: unknown; callback: (res: number, flags: number) => void }>()
  #nextOperation = OPERATION_BASE
  #closed = false

  readonly operations: RingOperations

  constructor(entries?: number) {
    super(entries)
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the operations object calls back into this ring
    const ring = this
    this.operations = {
      get sqes() {
        return ring.sqes
      },
      get closed() {
        return ring.#closed
      },
      get handle() {
        return ring.handle
      },
      require(opcode: number) {
        if (!probe(ring).supports(opcode)) throw Object.assign(new Error(`opcode ${opcode} is not supported`), { code: 'ERR_IOURING_UNSUPPORTED_OP' })
      },
      prepare() {
        if (ring.#closed) throw Object.assign(new Error('the ring is closed'), { code: 'ERR_IOURING_CLOSED' })
        return ring.sqe(ring.#nextOperation)
      },
      start(at: number, syscall: string, keep?: unknown) {
        return new Promise<number>((resolve, reject) => {
          this.startCallback(at, syscall, keep, (res) => (res < 0 ? reject(native.systemError(res, syscall)) : resolve(res)))
        })
      },
      startCallback(_at: number, _syscall: string, keep: unknown, callback: (res: number, flags: number) => void) {
        const userData = ring.#nextOperation++
        ring.#callbacks.set(userData, { keep, callback })
        return userData
      },
    }
  }

  /** Operations started and not completed. */
  get pendingOperations(): number {
    return this.#callbacks.size
  }

  override reap(): Cqe[] {
    return super.reap().filter((cqe) => {
      const entry = this.#callbacks.get(cqe.userData)
      if (entry === undefined) return true
      if (!(cqe.flags & IORING_CQE_F_MORE)) this.#callbacks.delete(cqe.userData)
      entry.callback(cqe.res, cqe.flags)
      return false
    })
  }

  override close(): void {
    this.#closed = true
    super.close()
  }

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
  // Where io_uring is denied these files are skipped (tag 'ring') and nothing is probed.
  if (!native.availability().available) return false
  const ring = new MiniRing(2)
  try {
    if (probe(ring).supports(op)) return true
  } finally {
    ring.close()
  }
  console.log(`skipped: IORING_OP_${op} needs Linux ${since}; this kernel's probe lacks it`)
  return false
}

/**
 * Whether the kernel registers a one-entry buffer ring with IOU_PBUF_RING_*
 * `flags`, and, with `status`, reports its head (IORING_REGISTER_PBUF_STATUS):
 * probed on a scratch ring, the reason printed when not.
 */
export function pbufRingProbe(what: string, since: string, flags: number, status = false): boolean {
  if (!native.availability().available) return false
  const ring = new MiniRing(2)
  const memory = native.mapMemory(4096) as ArrayBuffer
  try {
    const ringAddr = flags & IOU_PBUF_RING_MMAP ? 0 : native.addressOf(memory)
    let ret = native.register(ring.handle, IORING_REGISTER_PBUF_RING, encodeBufReg({ ringAddr, ringEntries: 1, bgid: 0, flags }), 1)
    if (ret === 0 && status) ret = native.register(ring.handle, IORING_REGISTER_PBUF_STATUS, encodeBufStatus({ bufGroup: 0, head: 0 }), 1)
    if (ret === 0) return true
    console.log(`skipped: ${what} needs Linux ${since}; this kernel answers ${native.systemError(ret, 'io_uring_register').code}`)
    return false
  } finally {
    ring.close()
    native.detach(memory)
  }
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

/**
 * A temporary file of `size` random bytes that lives as long as the test file
 * (the hooks are registered here): `data`, and once the tests run, its
 * directory and an fd open for reading.
 */
export function testFile(size = 1 << 16): { readonly data: Buffer; readonly dir: string; readonly fd: number } {
  const data = randomData(size)
  let dir = ''
  let fd = -1
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iouring-buffers-'))
    writeFileSync(join(dir, 'data.bin'), data)
    fd = openSync(join(dir, 'data.bin'), 'r')
  })
  afterAll(() => {
    closeSync(fd)
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    data,
    get dir() {
      return dir
    },
    get fd() {
      return fd
    },
  }
}
