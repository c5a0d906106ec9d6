// Registered (fixed) files: IORING_REGISTER_FILES / FILES2 / FILES_UPDATE /
// FILES_UPDATE2 / UNREGISTER_FILES / FILE_ALLOC_RANGE. A registered file is
// used through fixedFile(index); the kernel then skips the per-operation fd
// table lookup and reference counting.
import { addressOf } from '@iouring/native'
import {
  IORING_REGISTER_FILES,
  IORING_REGISTER_FILES2,
  IORING_REGISTER_FILES_SKIP,
  IORING_REGISTER_FILES_UPDATE,
  IORING_REGISTER_FILES_UPDATE2,
  IORING_REGISTER_FILE_ALLOC_RANGE,
  IORING_RSRC_REGISTER_SPARSE,
  IORING_UNREGISTER_FILES,
  RSRC_REGISTER_SIZE,
  RSRC_UPDATE2_SIZE,
  encodeFileIndexRange,
  encodeFilesUpdate,
  encodeRsrcRegister,
  encodeRsrcUpdate2,
} from '@iouring/ops'
import { invalidArgType, invalidArgValue, outOfRange } from './errors.js'
import { MAX_FIXED_FILES } from './fixed-file.js'
import { kernelAtLeast } from './kernel.js'
import { call, handleOf, refuseBlockingUnregister, stateOf, type Ring } from './ring.js'
import { validateInteger, validateTags, validateUint32 } from './validate.js'

/** Options of registerFiles() and registerFilesSparse(). */
export interface RegisterFilesOptions {
  /** One tag per file (0: none; not allowed for -1 slots), below 2^52; a CQE with user_data = tag follows the file's removal. Uses FILES2 (Linux 5.13). */
  tags?: readonly number[]
}

function fdArray(fds: unknown, name: string, min: number): Int32Array {
  if (!Array.isArray(fds)) throw invalidArgType(name, 'an instance of Array of number', fds)
  if (fds.length === 0) throw invalidArgValue(name, 'must not be empty')
  if (fds.length > MAX_FIXED_FILES) throw outOfRange(`${name}.length`, `<= ${MAX_FIXED_FILES}`, fds.length)
  const out = new Int32Array(fds.length)
  for (let i = 0; i < fds.length; i++) out[i] = validateInteger(fds[i], `${name}[${i}]`, min, 0x7fffffff)
  return out
}

function tagArray(tags: readonly number[]): BigUint64Array {
  return BigUint64Array.from(tags, (tag) => BigInt(tag))
}

/**
 * Registers `fds` as the ring's file table (slot i = fds[i]; -1 leaves a slot
 * empty): IORING_REGISTER_FILES, or FILES2 with `options.tags`. The kernel
 * takes its own reference: closing an fd afterwards does not empty its slot.
 * Returns the table size.
 */
export function registerFiles(ring: Ring, fds: readonly number[], options?: RegisterFilesOptions): number {
  const handle = handleOf(ring)
  const table = fdArray(fds, 'fds', -1)
  if (options !== undefined && (options === null || typeof options !== 'object')) throw invalidArgType('options', 'of type object', options)
  const tags = validateTags(options?.tags, table.length, 'options.tags')
  if (tags === undefined) {
    call(handle, IORING_REGISTER_FILES, table, table.length)
  } else {
    const tagBytes = tagArray(tags)
    call(handle, IORING_REGISTER_FILES2, encodeRsrcRegister({ nr: table.length, flags: 0, data: addressOf(table), tags: addressOf(tagBytes) }), RSRC_REGISTER_SIZE)
  }
  stateOf(handle).files = table.length
  return table.length
}

/** Registers an empty file table of `count` slots (Linux 5.13): fill it with updateFiles() or direct opens. */
export function registerFilesSparse(ring: Ring, count: number): number {
  const handle = handleOf(ring)
  validateInteger(count, 'count', 1, MAX_FIXED_FILES)
  call(handle, IORING_REGISTER_FILES2, encodeRsrcRegister({ nr: count, flags: IORING_RSRC_REGISTER_SPARSE, data: 0, tags: 0 }), RSRC_REGISTER_SIZE)
  stateOf(handle).files = count
  return count
}

/**
 * Replaces slots `offset`, `offset + 1`, ... of the file table with `fds`
 * (-1 empties a slot, IORING_REGISTER_FILES_SKIP (-2) leaves it alone):
 * IORING_REGISTER_FILES_UPDATE, or FILES_UPDATE2 with tags. Later operations
 * on a slot use the new file; those in flight keep the old one. Returns how
 * many slots were updated.
 */
export function updateFiles(ring: Ring, offset: number, fds: readonly number[], tags?: readonly number[]): number {
  const handle = handleOf(ring)
  validateUint32(offset, 'offset')
  const table = fdArray(fds, 'fds', IORING_REGISTER_FILES_SKIP)
  const checkedTags = validateTags(tags, table.length, 'tags')
  if (checkedTags === undefined) {
    return call(handle, IORING_REGISTER_FILES_UPDATE, encodeFilesUpdate({ offset, fds: addressOf(table) }), table.length)
  }
  const tagBytes = tagArray(checkedTags)
  const arg = encodeRsrcUpdate2({ offset, data: addressOf(table), tags: addressOf(tagBytes), nr: table.length })
  return call(handle, IORING_REGISTER_FILES_UPDATE2, arg, RSRC_UPDATE2_SIZE)
}

/**
 * IORING_UNREGISTER_FILES: drops the file table; operations in flight keep
 * their files. Before Linux 6.13 the kernel blocks the call until they
 * complete, so there it is refused (ERR_INVALID_STATE) while the ring has
 * operations in flight.
 */
export function unregisterFiles(ring: Ring): void {
  const handle = handleOf(ring)
  refuseBlockingUnregister(ring, 'UNREGISTER_FILES', !kernelAtLeast('6.13'))
  call(handle, IORING_UNREGISTER_FILES, null, 0)
  stateOf(handle).files = 0
}

/**
 * IORING_REGISTER_FILE_ALLOC_RANGE (Linux 6.0): direct descriptors the kernel
 * allocates (IORING_FILE_INDEX_ALLOC in an open, accept, socket, ...) come
 * from slots [offset, offset + length) of the file table.
 */
export function setFileAllocRange(ring: Ring, offset: number, length: number): void {
  const handle = handleOf(ring)
  validateUint32(offset, 'offset')
  validateUint32(length, 'length')
  call(handle, IORING_REGISTER_FILE_ALLOC_RANGE, encodeFileIndexRange({ off: offset, len: length }), 0)
}

/** Size of the file table registered through this package (0: none). */
export function registeredFiles(ring: Ring): number {
  return stateOf(handleOf(ring)).files
}
