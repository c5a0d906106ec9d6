// Builds the expected bytes of an SQE straight from struct io_uring_sqe as the
// kernel lays it out, independently of src/layout.ts, and runs an encoder over
// garbage to check that it writes exactly those bytes.
import { expect } from 'vitest'

export interface SqeFields {
  opcode: number
  flags?: number // u8 @1
  ioprio?: number // u16 @2
  fd?: number // s32 @4
  off?: bigint // u64 @8 (off / addr2 / cmd_op+__pad1)
  addr?: bigint // u64 @16 (addr / splice_off_in / level+optname)
  len?: number // u32 @24
  opFlags?: number // u32 @28 (rw_flags union)
  bufIndex?: number // u16 @40 (buf_index / buf_group)
  personality?: number // u16 @42
  fileIndex?: number // u32 @44 (splice_fd_in / file_index / optlen / addr_len)
  addr3?: bigint // u64 @48
  pad2?: bigint // u64 @56
}

const GARBAGE = 0xa5

export function expectedSqe(f: SqeFields, userData: bigint, size = 64): Uint8Array {
  const bytes = new Uint8Array(size)
  const v = new DataView(bytes.buffer)
  v.setUint8(0, f.opcode)
  v.setUint8(1, f.flags ?? 0)
  v.setUint16(2, f.ioprio ?? 0, true)
  v.setInt32(4, f.fd ?? 0, true)
  v.setBigUint64(8, f.off ?? 0n, true)
  v.setBigUint64(16, f.addr ?? 0n, true)
  v.setUint32(24, f.len ?? 0, true)
  v.setUint32(28, f.opFlags ?? 0, true)
  v.setBigUint64(32, userData, true)
  v.setUint16(40, f.bufIndex ?? 0, true)
  v.setUint16(42, f.personality ?? 0, true)
  v.setUint32(44, f.fileIndex ?? 0, true)
  v.setBigUint64(48, f.addr3 ?? 0n, true)
  v.setBigUint64(56, f.pad2 ?? 0n, true)
  return bytes
}

/** Runs `encode` on the middle of three garbage-filled SQE slots and checks
 * that slot against `fields` (user_data must keep its garbage) and that the
 * neighbours are untouched. Returns the encoded slot for further checks. */
export function checkEncoder(encode: (sqes: DataView, at: number) => void, fields: SqeFields, size = 64): Uint8Array {
  const buf = new Uint8Array(size * 3).fill(GARBAGE)
  encode(new DataView(buf.buffer), size)
  const garbageUserData = 0xa5a5a5a5a5a5a5a5n
  const expected = expectedSqe(fields, garbageUserData, 64)
  const slot = buf.subarray(size, size * 2)
  expect(hex(slot.subarray(0, 64))).toBe(hex(expected))
  if (size === 128) expect(hex(slot.subarray(64))).toBe(hex(new Uint8Array(64)))
  expect(buf.subarray(0, size).every((b) => b === GARBAGE)).toBe(true)
  expect(buf.subarray(size * 2).every((b) => b === GARBAGE)).toBe(true)
  return slot
}

export function hex(bytes: Uint8Array): string {
  const out: string[] = []
  for (let i = 0; i < bytes.length; i += 8) {
    out.push(Array.from(bytes.subarray(i, i + 8), (b) => b.toString(16).padStart(2, '0')).join(''))
  }
  return out.join(' ')
}
