// Programming mistakes throw synchronously with Node's ERR_* codes; a failed
// io_uring_register(2) becomes a Node-style system error that names the
// register opcode, or ERR_IOURING_UNSUPPORTED_OP when the kernel is older than
// the one that added the opcode. @iouring/core uses these same helpers.
import * as native from '@iouring/native'
import type { SystemError } from '@iouring/native'
import { REGISTER_OPS } from '@iouring/ops'
import { inspect } from 'node:util'
import { kernelAtLeast, kernelVersion, type KernelVersion } from './kernel.js'

/** An Error carrying a Node-style `code` ('ERR_INVALID_ARG_TYPE', 'ERR_IOURING_UNSUPPORTED_OP'). */
export interface CodedError extends Error {
  /** The error's code. */
  code: string
}

/** A failed io_uring_register(2) call: a system error naming the register opcode. */
export interface RegisterError extends SystemError {
  /** The register opcode by name without IORING_, e.g. 'REGISTER_BUFFERS'. */
  opcode: string
}

function coded<E extends Error>(err: E, code: string): E & CodedError {
  return Object.assign(err, { code })
}

/** How Node's ERR_INVALID_ARG_TYPE describes the value it received (determineSpecificType). */
function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  switch (typeof value) {
    case 'bigint':
      return `type bigint (${value}n)`
    case 'number':
      return `type number (${Object.is(value, -0) ? '-0' : String(value)})`
    case 'boolean':
    case 'symbol':
      return `type ${typeof value} (${String(value)})`
    case 'function':
      return `function ${value.name}`
    case 'object': {
      const ctor = (value as { constructor?: { name?: string } }).constructor
      if (ctor && 'name' in ctor) return `an instance of ${ctor.name}`
      return inspect(value, { depth: -1 })
    }
    case 'string': {
      const shown = value.length > 28 ? `${value.slice(0, 25)}...` : value
      return `type string (${shown.includes("'") ? JSON.stringify(shown) : `'${shown}'`})`
    }
    default:
      return `type ${typeof value} (${inspect(value)})`
  }
}

/** Node's word for what `name` names: a dotted name is an options property. */
function kindOf(name: string): string {
  return name.includes('.') ? 'property' : 'argument'
}

/** ERR_INVALID_ARG_TYPE with Node's wording: `expected` is the phrase after "must be" ("of type string"). */
export function invalidArgType(name: string, expected: string, actual: unknown): TypeError & CodedError {
  const subject = name.endsWith(' argument') ? name : `"${name}" ${kindOf(name)}`
  return coded(new TypeError(`The ${subject} must be ${expected}. Received ${describe(actual)}`), 'ERR_INVALID_ARG_TYPE')
}

/**
 * ERR_INVALID_ARG_VALUE with Node's wording. Given the `value`, the message
 * ends as Node's does: ". Received <value, inspected>".
 */
export function invalidArgValue(name: string, reason: string, ...value: [unknown?]): TypeError & CodedError {
  let message = `The ${kindOf(name)} '${name}' ${reason}`
  if (value.length > 0) {
    const shown = inspect(value[0])
    message += `. Received ${shown.length > 128 ? `${shown.slice(0, 128)}...` : shown}`
  }
  return coded(new TypeError(message), 'ERR_INVALID_ARG_VALUE')
}

/** ERR_OUT_OF_RANGE with Node's wording (large integers with _ separators, bigints with n). */
export function outOfRange(name: string, range: string, actual: unknown): RangeError & CodedError {
  let received: string
  if (Number.isInteger(actual) && Math.abs(actual as number) > 2 ** 32) received = withSeparators(String(actual))
  else if (typeof actual === 'bigint') received = `${actual > 2n ** 32n || actual < -(2n ** 32n) ? withSeparators(String(actual)) : String(actual)}n`
  else received = inspect(actual)
  return coded(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${received}`), 'ERR_OUT_OF_RANGE')
}

/** 1234567 as 1_234_567. */
function withSeparators(digits: string): string {
  const start = digits[0] === '-' ? 1 : 0
  let end = digits.length
  let grouped = ''
  for (; end >= start + 4; end -= 3) grouped = `_${digits.slice(end - 3, end)}${grouped}`
  return `${digits.slice(0, end)}${grouped}`
}

/** ERR_INVALID_STATE with Node's wording ("Invalid state: ..."): an operation the object's state does not allow. */
export function invalidState(message: string): Error & CodedError {
  return coded(new Error(`Invalid state: ${message}`), 'ERR_INVALID_STATE')
}

/** ERR_IOURING_UNSUPPORTED_OP for something the running kernel is too old for. */
export function unsupported(kernelName: string, since: string, kernel: string): Error & CodedError & { since: string } {
  const err = coded(new Error(`${kernelName} is not supported by this kernel (${kernel}); it needs Linux ${since} or newer`), 'ERR_IOURING_UNSUPPORTED_OP')
  return Object.assign(err, { since })
}

/** The REGISTER_OPS entry of a register opcode (names without IORING_). */
export function registerOpName(opcode: number): string {
  return REGISTER_OPS.find((op) => op.value === opcode)?.name ?? `REGISTER_OP_${opcode}`
}

const EINVAL = -22
const ENOMEM = -12

/** Linux errnos io_uring_register can return that libuv (and so util.getSystemErrorName) cannot name. */
const UNNAMED: Record<number, [string, string]> = {
  62: ['ETIME', 'timer expired'],
  77: ['EBADFD', 'file descriptor in bad state'],
}

/**
 * The register opcodes whose memory the kernel counts against RLIMIT_MEMLOCK
 * (unless the process has CAP_IPC_LOCK), so that their ENOMEM names the limit.
 */
const MEMLOCK_ACCOUNTED: Record<string, string> = {
  REGISTER_BUFFERS: 'registered buffers are pinned and count',
  REGISTER_BUFFERS2: 'registered buffers are pinned and count',
  REGISTER_BUFFERS_UPDATE: 'registered buffers are pinned and count',
  REGISTER_CLONE_BUFFERS: 'registered buffers are pinned and count',
  REGISTER_PBUF_RING: 'a buffer ring is pinned and counts',
  REGISTER_RESIZE_RINGS: 'the new rings count',
  REGISTER_MEM_REGION: 'a memory region is pinned and counts',
}

/**
 * The error a failed io_uring_register(2) call becomes. EINVAL on a kernel
 * older than the one that added `opcode` is ERR_IOURING_UNSUPPORTED_OP naming
 * that version (io_uring_register answers EINVAL to opcodes it does not know);
 * anything else is a Node-style system error with `syscall:
 * 'io_uring_register'`, `opcode` ('REGISTER_BUFFERS') and the opcode in the
 * message. `kernel` defaults to the running kernel.
 */
export function registerError(errno: number, opcode: number, kernel: KernelVersion = kernelVersion()): Error {
  const entry = REGISTER_OPS.find((op) => op.value === opcode)
  const name = entry?.name ?? `REGISTER_OP_${opcode}`
  if (errno === EINVAL && entry !== undefined && !kernelAtLeast(entry.since, kernel)) {
    return Object.assign(unsupported(`IORING_${name}`, entry.since, kernel.release), { opcode: name })
  }
  const err = native.systemError(errno, 'io_uring_register') as RegisterError
  const missing = UNNAMED[-errno]
  if (missing !== undefined && err.code.startsWith('Unknown')) {
    // libuv has no name for a few Linux errnos io_uring_register returns.
    err.code = missing[0]
    err.message = `${missing[0]}: ${missing[1]}, io_uring_register`
  }
  err.opcode = name
  err.message += ` IORING_${name}`
  const accounted = MEMLOCK_ACCOUNTED[name]
  if (errno === ENOMEM && accounted !== undefined) {
    const limit = native.memlockLimit()
    const shown = limit === undefined ? 'unknown here' : limit === Infinity ? 'unlimited here' : `${limit / 1024} KiB here`
    err.message += ` (${accounted} against RLIMIT_MEMLOCK, ${shown}, unless the process has CAP_IPC_LOCK)`
  }
  Error.captureStackTrace?.(err, registerError)
  return err
}
