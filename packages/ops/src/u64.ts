// 64-bit fields through DataView as two little-endian 32-bit halves, so the
// number path never touches BigInt.

const TWO_32 = 0x1_0000_0000
const TWO_64 = 2 ** 64

/** RangeError with Node's `code: 'ERR_OUT_OF_RANGE'`, thrown for any value a
 * field cannot hold. */
export class OutOfRangeError extends RangeError {
  /** Node's code for a value out of range. */
  readonly code = 'ERR_OUT_OF_RANGE'
  constructor(name: string, range: string, received: unknown) {
    super(`The value of "${name}" is out of range. It must be ${range}. Received ${String(received)}`)
    this.name = 'RangeError'
  }
}

/** A 64-bit value: a non-negative integer number (exact below 2^53, and any
 * integer a double holds exactly up to 2^64), a bigint in [0, 2^64), or -1 /
 * -1n meaning all ones (e.g. "current file position"). */
export type U64 = number | bigint

/** Writes an unsigned 64-bit field; `name` only labels the error. Values
 * below 2^32 take a path small enough for the JIT to inline. */
export function writeU64(view: DataView, offset: number, value: U64, name: string): void {
  if (typeof value === 'number' && value >>> 0 === value) {
    view.setUint32(offset, value, true)
    view.setUint32(offset + 4, 0, true)
  } else {
    writeWideU64(view, offset, value, name)
  }
}

function writeWideU64(view: DataView, offset: number, value: U64, name: string): void {
  let lo: number
  let hi: number
  if (typeof value === 'number') {
    if (value > 0 && value < TWO_64 && Math.floor(value) === value) {
      hi = Math.floor(value / TWO_32)
      lo = value - hi * TWO_32
    } else if (value === -1) {
      lo = hi = 0xffffffff
    } else {
      throw new OutOfRangeError(name, '>= 0 && < 2 ** 64, or -1', value)
    }
  } else if (typeof value === 'bigint' && value >= -1n && value < 0x1_0000_0000_0000_0000n) {
    const v = BigInt.asUintN(64, value)
    lo = Number(v & 0xffffffffn)
    hi = Number(v >> 32n)
  } else {
    throw new OutOfRangeError(name, '>= 0 && < 2 ** 64, or -1', value)
  }
  view.setUint32(offset, lo, true)
  view.setUint32(offset + 4, hi, true)
}

/** Writes a signed 64-bit field (tv_sec, loff_t lengths): any integer a double
 * holds in [-2^63, 2^63), or a bigint in that range. */
export function writeI64(view: DataView, offset: number, value: number | bigint, name: string): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -(2 ** 63) || value >= 2 ** 63) {
      throw new OutOfRangeError(name, '>= -(2 ** 63) && < 2 ** 63', value)
    }
    const lo = ((value % TWO_32) + TWO_32) % TWO_32
    view.setUint32(offset, lo, true)
    view.setInt32(offset + 4, (value - lo) / TWO_32, true)
  } else if (typeof value === 'bigint' && value >= -(2n ** 63n) && value < 2n ** 63n) {
    view.setBigInt64(offset, value, true)
  } else {
    throw new OutOfRangeError(name, '>= -(2 ** 63) && < 2 ** 63', value)
  }
}

/** Stores a C int in a 64-bit field the way C converts it: sign-extended. */
export function writeSignExtended(view: DataView, offset: number, value: number): void {
  view.setInt32(offset, value, true)
  view.setInt32(offset + 4, view.getInt32(offset, true) < 0 ? -1 : 0, true)
}

/** Reads an unsigned 64-bit field as a number (exact below 2^53). */
export function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset + 4, true) * TWO_32 + view.getUint32(offset, true)
}

/** Reads a signed 64-bit field as a number (exact within ±2^53). */
export function readI64(view: DataView, offset: number): number {
  return view.getInt32(offset + 4, true) * TWO_32 + view.getUint32(offset, true)
}
