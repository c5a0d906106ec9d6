// A registered file, by its index in the ring's file table, usable wherever
// an fd is accepted: operations given one set IOSQE_FIXED_FILE and put the
// index in the SQE's fd field.
import { validateInteger } from './validate.js'

// Symbol.for, so that the ESM and CommonJS builds of this package (both may be
// loaded in one process) recognise each other's markers.
const BRAND = Symbol.for('@iouring/register:FixedFile')

/** IORING_MAX_FIXED_FILES: the largest file table the kernel accepts. */
export const MAX_FIXED_FILES = 1 << 20

/** A registered file index (see fixedFile()); frozen. */
export class FixedFile {
  /** Slot in the ring's registered file table. */
  readonly index: number
  /** The marker isFixedFile() checks, shared by every copy of this package. */
  declare readonly [BRAND]: true

  private constructor(index: number) {
    this.index = index
    Object.freeze(this)
  }

  /** @internal */
  static of(index: number): FixedFile {
    return new FixedFile(index)
  }

  /** 'FixedFile(index)'. */
  toString(): string {
    return `FixedFile(${this.index})`
  }
}
Object.defineProperty(FixedFile.prototype, BRAND, { value: true })

/** The marker for registered file `index`: `ring.read(fixedFile(3), buf)`. */
export function fixedFile(index: number): FixedFile {
  return FixedFile.of(validateInteger(index, 'index', 0, MAX_FIXED_FILES - 1))
}

/** Whether `value` is a fixedFile() marker (from any copy of this package). */
export function isFixedFile(value: unknown): value is FixedFile {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: boolean })[BRAND] === true
}
