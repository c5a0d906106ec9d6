import { IORING_CQE_F_BUFFER, IORING_CQE_F_MORE, prepRead, prepReadMultishot, setBufferSelect } from '@iouring/ops'
import type { BufferGroup } from '@iouring/buffers'
import { closeAll, pipe, randomData, writeSome, type Cqe, type TestRing } from './helpers.js'

export const ENOBUFS = -105
const ARMED = 7

/** Arms IORING_OP_READ_MULTISHOT on `fd`, picking buffers from `group`; its CQEs carry user_data `userData`. */
export function armMultishot(ring: TestRing, fd: number, group: BufferGroup, userData = ARMED): void {
  prepReadMultishot(ring.sqes, ring.sqe(userData), fd, 0, 0, group.groupId)
}

/** A one-shot IORING_OP_READ of up to `length` bytes at `position` with buffer selection from `group`. */
export function prepSelectRead(ring: TestRing, fd: number, group: BufferGroup, length: number, position: number, userData: number): void {
  const at = ring.sqe(userData)
  prepRead(ring.sqes, at, fd, 0, length, position)
  setBufferSelect(ring.sqes, at, group.groupId)
}

/** One-shot reads of `length` bytes at each of `positions` of `fd`, buffers picked from `group`; their CQEs in that order. */
export function readSelected(ring: TestRing, fd: number, group: BufferGroup, length: number, positions: number[]): Cqe[] {
  for (const [i, position] of positions.entries()) prepSelectRead(ring, fd, group, length, position, 100 + i)
  return ring.wait(positions.length).sort((a, b) => a.userData - b.userData)
}

export interface PumpResult {
  /** Every chunk, in order. */
  out: Buffer
  /** How many times the multishot read ended with ENOBUFS and was started again. */
  rearmed: number
  /** The CQEs that carried data. */
  chunks: number
  /** CQE flags of every data CQE. */
  flags: number[]
}

/**
 * Writes `data` into the non-blocking pipe [readFd, writeFd] as fast as it
 * takes it (at most `perRound` bytes between waits) and reads it back through one multishot read at a time into
 * `group`, each data CQE handed to `take` (which copies, or lends and
 * releases). A read ended by ENOBUFS is reported to the group and started
 * again after the group's buffers are published. Driven synchronously:
 * flush() publishes what went back, as the end of a tick would.
 */
export function pump(
  ring: TestRing,
  group: BufferGroup,
  readFd: number,
  writeFd: number,
  data: Buffer,
  take: (res: number, flags: number) => Buffer,
  perRound = data.length,
): PumpResult {
  const parts: Buffer[] = []
  const flags: number[] = []
  let received = 0
  let written = 0
  let rearmed = 0
  armMultishot(ring, readFd, group)
  while (received < data.length) {
    written = writeSome(writeFd, data.subarray(0, Math.min(data.length, written + perRound)), written)
    const cqes: Cqe[] = ring.wait(1, 5000)
    if (cqes.length === 0) throw new Error(`no completion in 5 s with ${received} of ${data.length} bytes received`)
    let armed = true
    for (const cqe of cqes) {
      if (cqe.res > 0) {
        if ((cqe.flags & IORING_CQE_F_BUFFER) === 0) throw new Error(`a data CQE without a buffer: flags ${cqe.flags}`)
        parts.push(take(cqe.res, cqe.flags))
        flags.push(cqe.flags)
        received += cqe.res
      } else if (cqe.res === ENOBUFS) {
        group.reportExhausted()
      } else {
        throw new Error(`unexpected CQE: res ${cqe.res}, flags ${cqe.flags}`)
      }
      if ((cqe.flags & IORING_CQE_F_MORE) === 0) armed = false
    }
    group.flush()
    if (!armed) {
      rearmed++
      armMultishot(ring, readFd, group)
    }
  }
  return { out: Buffer.concat(parts), rearmed: rearmed, chunks: parts.length, flags }
}

/** pump() of `size` random bytes through a new pipe, each chunk copied out; the bytes sent and what came out. */
export function pumpCopies(ring: TestRing, group: BufferGroup, size: number, perRound?: number): PumpResult & { data: Buffer } {
  const [readFd, writeFd] = pipe()
  const data = randomData(size)
  try {
    return { ...pump(ring, group, readFd, writeFd, data, (res, flags) => group.copy(res, flags), perRound), data }
  } finally {
    closeAll(readFd, writeFd)
  }
}
