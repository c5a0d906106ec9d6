// What the running kernel supports: IORING_REGISTER_PROBE for opcodes, the
// IORING_FEAT_* bits io_uring_setup reports for features.
import { FEATURES, IORING_REGISTER_PROBE, OPCODES, decodeProbe, probeSize } from '@iouring/ops'
import { invalidArgValue } from './errors.js'
import { validateUint32 } from './validate.js'
import { call, handleOf, type Ring } from './ring.js'

/** Which opcodes this kernel supports (IORING_REGISTER_PROBE). */
export interface Probe {
  /** The highest opcode value the kernel knows. */
  readonly lastOp: number
  /** Whether an opcode, by name without IORING_OP_ ('READ_FIXED') or by value, is supported. */
  supports(op: string | number): boolean
  /** The supported opcodes that @iouring/ops knows by name, in opcode order. */
  readonly opcodes: readonly string[]
}

const VALUES = new Map(OPCODES.map((op) => [op.name, op.value]))

/** Asks the kernel which opcodes it supports (IORING_REGISTER_PROBE, Linux 5.6). */
export function probe(ring: Ring): Probe {
  const handle = handleOf(ring)
  const buffer = new DataView(new ArrayBuffer(probeSize(256)))
  call(handle, IORING_REGISTER_PROBE, buffer, 256)
  const decoded = decodeProbe(buffer, 0)
  const supported = new Uint8Array(256)
  for (const op of decoded.ops) if (op.supported) supported[op.op] = 1
  const opcodes = Object.freeze(OPCODES.filter((op) => supported[op.value] === 1).map((op) => op.name))
  return Object.freeze({
    lastOp: decoded.lastOp,
    opcodes,
    supports: (op: string | number) => {
      const value = typeof op === 'number' ? op : (VALUES.get(op.startsWith('IORING_OP_') ? op.slice(10) : op) ?? 256)
      return Number.isInteger(value) && value >= 0 && value < 256 && supported[value] === 1
    },
  })
}

/** The IORING_FEAT_* names (without the prefix) set in `bits`, e.g. new Set(['SINGLE_MMAP', 'NODROP', ...]). */
export function decodeFeatures(bits: number): Set<string> {
  validateUint32(bits, 'bits')
  return new Set(FEATURES.filter((entry) => entry.value !== 0 && (bits & entry.value) >>> 0 === entry.value).map((entry) => entry.name))
}

/** The IORING_FEAT_* bits for feature names; unknown names throw ERR_INVALID_ARG_VALUE. */
export function encodeFeatures(names: Iterable<string>): number {
  let bits = 0
  for (const name of names) {
    const entry = FEATURES.find((feature) => feature.name === name)
    if (entry === undefined) throw invalidArgValue('names', `names no IORING_FEAT_* feature: ${String(name)}`)
    bits |= entry.value
  }
  return bits >>> 0
}
