// Programming mistakes throw synchronously with Node's ERR_* codes; a failed
// io_uring_register(2) becomes a Node-style system error that names the
// register opcode, or ERR_IOURING_UNSUPPORTED_OP when the kernel is older than
// the one that added the opcode. @iouring/core uses these same helpers.
import * as native from '@iouring/native'
import type { SystemError } from '@iouring/native'
import { REGISTER_OPS } from '@iouring/ops'
import { kernelAtLeast, kernelVersion, type KernelVersion } from './kernel.js'

export interface CodedError extends Error {
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

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`
  const shown = String(value).slice(0, 28)
  return `type ${typeof value} (${typeof value === 'string' ? `'${shown}'` : shown})`
}

export function invalidArgType(name: string, expected: string, actual: unknown): TypeError & CodedError {
  return coded(new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`), 'ERR_INVALID_ARG_TYPE')
}

export function invalidArgValue(name: string, reason: string): TypeError & CodedError {
  return coded(new TypeError(`The argument '${name}' ${reason}`), 'ERR_INVALID_ARG_VALUE')
}

export function outOfRange(name: string, range: string, actual: unknown): RangeError & CodedError {
  return coded(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(actual)}`), 'ERR_OUT_OF_RANGE')
}

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
