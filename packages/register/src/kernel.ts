// The running kernel's version, and the version that added each opcode.
import { OPCODES, REGISTER_OPS } from '@iouring/ops'
import { release } from 'node:os'

/** A kernel version, parsed from a release string. */
export interface KernelVersion {
  /** The major version (6 in 6.18.2). */
  readonly major: number
  /** The minor version (18 in 6.18.2). */
  readonly minor: number
  /** The patch level (2 in 6.18.2; 0 if absent). */
  readonly patch: number
  /** The whole release string, e.g. '6.18.44-fc-v782'. */
  readonly release: string
}

const PATTERN = /^(\d+)\.(\d+)(?:\.(\d+))?/

function codedError(message: string): Error {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_VALUE' })
}

/** Parses a release string like os.release() gives ('6.18.44-fc-v782', '5.15.0-91-generic'). */
export function parseKernelVersion(text: string): KernelVersion {
  const match = typeof text === 'string' ? PATTERN.exec(text) : null
  if (match === null) throw codedError(`The argument 'release' is not a kernel release like '6.1.0'. Received ${String(text)}`)
  return Object.freeze({ major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), release: text })
}

let running: KernelVersion | undefined

/** The running kernel's version, parsed from os.release() once. */
export function kernelVersion(): KernelVersion {
  running ??= parseKernelVersion(release())
  return running
}

/** Whether `kernel` (default: the running one) is at least `version` ('5.13', '6.1.2'). */
export function kernelAtLeast(version: string, kernel: KernelVersion = kernelVersion()): boolean {
  const want = parseKernelVersion(version)
  if (kernel.major !== want.major) return kernel.major > want.major
  if (kernel.minor !== want.minor) return kernel.minor > want.minor
  return kernel.patch >= want.patch
}

/**
 * The kernel version ('major.minor') that added an operation: an opcode by its
 * name without IORING_OP_ ('READ_FIXED' -> '5.1') or a register opcode without
 * IORING_ ('REGISTER_BUFFERS2' -> '5.13'); the full kernel names are accepted too.
 */
export function requires(name: string): string {
  if (typeof name !== 'string') {
    throw Object.assign(new TypeError(`The "name" argument must be of type string. Received type ${typeof name}`), { code: 'ERR_INVALID_ARG_TYPE' })
  }
  const opName = name.startsWith('IORING_OP_') ? name.slice('IORING_OP_'.length) : name
  const op = OPCODES.find((entry) => entry.name === opName)
  if (op !== undefined) return op.since
  const regName = name.startsWith('IORING_') ? name.slice('IORING_'.length) : name
  const reg = REGISTER_OPS.find((entry) => entry.name === regName)
  if (reg !== undefined) return reg.since
  throw codedError(`The argument 'name' names no io_uring opcode or register opcode. Received '${name}'`)
}
