import { IOSQE_FIXED_FILE, addFlags } from '@iouring/ops'
import { isFixedFile, type FixedFile } from '@iouring/register'
import { invalidArgType, outOfRange } from './errors.js'

// The checks @iouring/register shares with this package live there.
export { isDetached, validateUint32, validateView, validateViews } from '@iouring/register'

const MAX_FD = 0x7fffffff

export function validateFd(fd: unknown, name = 'fd'): number {
  if (typeof fd !== 'number') throw invalidArgType(name, 'of type number', fd)
  if (!Number.isInteger(fd) || fd < 0 || fd > MAX_FD) throw outOfRange(name, `an integer >= 0 and <= ${MAX_FD}`, fd)
  return fd
}

/** What an operation works on: an fd, or a registered file (ring.fixedFile(index)). */
export type Target = number | FixedFile

/** The SQE fd field for a validateTarget() result (~index for a registered file). */
export function fdOf(target: number): number {
  return target < 0 ? ~target : target
}

/** IOSQE_FIXED_FILE when the target is a registered file. */
export function markFixed(sqes: DataView, at: number, target: number): void {
  if (target < 0) addFlags(sqes, at, IOSQE_FIXED_FILE)
}

/**
 * What an operation works on: an fd, or a registered file (ring.fixedFile(i)).
 * Returns the fd, or ~index (a negative number) for a registered file, which
 * the operation encodes as IOSQE_FIXED_FILE with the index in the fd field.
 */
export function validateTarget(target: unknown, name = 'fd'): number {
  if (typeof target === 'number') return validateFd(target, name)
  if (isFixedFile(target)) return ~target.index
  throw invalidArgType(name, 'of type number or a registered file (ring.fixedFile(index))', target)
}

/** A file position: an integer >= -1 (number or bigint); -1 means "the current position". */
export function validatePosition(position: unknown, name = 'position'): number | bigint {
  if (position === undefined || position === null) return -1
  if (typeof position === 'number') {
    if (!Number.isSafeInteger(position) || position < -1) throw outOfRange(name, 'an integer >= -1 and <= 2^53 - 1', position)
    return position
  }
  if (typeof position === 'bigint') {
    if (position < -1n || position >= 1n << 63n) throw outOfRange(name, '>= -1n and < 2n ** 63n', position)
    return position
  }
  throw invalidArgType(name, 'of type number or bigint', position)
}

