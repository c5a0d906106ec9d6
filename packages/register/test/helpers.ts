import { execFileSync } from 'node:child_process'
import { mkdtempSync, openSync, rmSync, constants } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import { IORING_ENTER_GETEVENTS, SQE_USER_DATA } from '@iouring/ops'
import { kernelAtLeast, requires } from '@iouring/register'
import { skipUnless } from '@iouring/tooling/skip'
import type { TestContext } from 'vitest'

// @iouring/register sits below @iouring/core, so its tests drive a bare ring
// from @iouring/native by hand: enough to show each registration's effect.

export interface Cqe {
  userData: number
  res: number
  flags: number
}

/** How long MiniRing.submit() waits for the CQEs it was asked to wait for. */
const WAIT_MS = 10_000
const NAP = new Int32Array(new SharedArrayBuffer(4))

export class MiniRing {
  readonly handle: RingHandle
  readonly params: { readonly fd: number }
  readonly features: number
  readonly sqes: DataView
  readonly #sq: Uint32Array
  readonly #cq: Uint32Array
  readonly #cqRes: Int32Array
  readonly #sqHeadIdx: number
  readonly #sqTailIdx: number
  readonly #sqMask: number
  readonly #cqHeadIdx: number
  readonly #cqTailIdx: number
  readonly #cqMask: number
  readonly #cqesIdx: number
  #tail: number
  #closed = false

  constructor(entries = 8, flags = 0) {
    const ring = native.setup({ entries, flags }, () => {})
    if (typeof ring === 'number') throw native.systemError(ring, 'io_uring_setup')
    this.handle = ring.handle
    this.params = { fd: ring.fd }
    this.features = ring.features
    this.sqes = new DataView(ring.sqes)
    this.#sq = new Uint32Array(ring.sqRing)
    const array = new Uint32Array(ring.sqRing, ring.sqOff.array, ring.sqEntries)
    for (let i = 0; i < ring.sqEntries; i++) array[i] = i
    this.#sqHeadIdx = ring.sqOff.head >>> 2
    this.#sqTailIdx = ring.sqOff.tail >>> 2
    this.#sqMask = this.#sq[ring.sqOff.ringMask >>> 2]
    this.#tail = this.#sq[this.#sqTailIdx]
    this.#cq = new Uint32Array(ring.cqRing)
    this.#cqRes = new Int32Array(ring.cqRing)
    this.#cqHeadIdx = ring.cqOff.head >>> 2
    this.#cqTailIdx = ring.cqOff.tail >>> 2
    this.#cqMask = this.#cq[ring.cqOff.ringMask >>> 2]
    this.#cqesIdx = ring.cqOff.cqes >>> 2
  }

  /** Byte offset of the next SQE, with its user_data set; fill the rest with an ops encoder (they leave user_data alone). */
  sqe(userData: number): number {
    const at = (this.#tail & this.#sqMask) * 64
    this.#tail = (this.#tail + 1) >>> 0
    this.sqes.setUint32(at + SQE_USER_DATA, userData % 2 ** 32, true)
    this.sqes.setUint32(at + SQE_USER_DATA + 4, Math.floor(userData / 2 ** 32), true)
    return at
  }

  /**
   * Publishes the SQEs prepared so far, submits every one the kernel has not
   * consumed, and waits for `wait` CQEs. The wait is bounded (WAIT_MS, then it
   * throws): a completion a kernel never posts must fail the test, not block it.
   */
  submit(wait = 0): number {
    const pending = (this.#tail - Atomics.load(this.#sq, this.#sqHeadIdx)) >>> 0
    Atomics.store(this.#sq, this.#sqTailIdx, this.#tail)
    const flags = wait > 0 ? IORING_ENTER_GETEVENTS : 0
    const ret = native.enter(this.handle, pending, 0, flags)
    if (ret < 0) throw native.systemError(ret, 'io_uring_enter')
    const deadline = Date.now() + WAIT_MS
    while (this.#ready() < wait) {
      if (Date.now() > deadline) throw new Error(`no ${wait} CQE(s) within ${WAIT_MS} ms (${this.#ready()} ready)`)
      Atomics.wait(NAP, 0, 0, 1)
      // An enter with GETEVENTS runs the ring's pending task work, which posts CQEs.
      const entered = native.enter(this.handle, 0, 0, flags)
      if (entered < 0) throw native.systemError(entered, 'io_uring_enter')
    }
    return ret
  }

  #ready(): number {
    return (Atomics.load(this.#cq, this.#cqTailIdx) - this.#cq[this.#cqHeadIdx]) >>> 0
  }

  /** Every posted CQE, consumed. */
  reap(): Cqe[] {
    const out: Cqe[] = []
    let head = this.#cq[this.#cqHeadIdx]
    const tail = Atomics.load(this.#cq, this.#cqTailIdx)
    while (head !== tail) {
      const i = this.#cqesIdx + (head & this.#cqMask) * 4
      out.push({ userData: this.#cq[i] + this.#cq[i + 1] * 2 ** 32, res: this.#cqRes[i + 2], flags: this.#cq[i + 3] })
      head = (head + 1) >>> 0
    }
    Atomics.store(this.#cq, this.#cqHeadIdx, head)
    return out
  }

  /** Submits what is prepared, waits for `count` CQEs and returns them. */
  run(count = 1): Cqe[] {
    this.submit(count)
    return this.reap()
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    native.close(this.handle)
  }
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'iouring-register-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** An empty FIFO opened read-write: a read on it stays pending until someone writes. */
export function emptyPipe(dir: string, name = 'fifo'): number {
  const path = join(dir, name)
  execFileSync('mkfifo', [path])
  return openSync(path, constants.O_RDWR)
}

/**
 * Skips the test unless this kernel has the register opcode `name`
 * ('REGISTER_SYNC_CANCEL'). io_uring_register has no probe of its own, so
 * this goes by the version that added it.
 */
export function needsRegisterOp(ctx: TestContext, name: string): void {
  const since = requires(name)
  skipUnless(ctx, kernelAtLeast(since), `IORING_${name}`, since)
}

/** Whether io_uring_setup takes these IORING_SETUP_* flags here: it answers EINVAL to flags it does not know. */
export function setupTakes(flags: number): boolean {
  const ring = native.setup({ entries: 2, flags }, () => {})
  if (typeof ring === 'number') return false
  native.close(ring.handle)
  return true
}
