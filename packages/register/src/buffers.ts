// Registered (fixed) buffers: IORING_REGISTER_BUFFERS / BUFFERS2 /
// BUFFERS_UPDATE / UNREGISTER_BUFFERS / CLONE_BUFFERS.
//
// The kernel pins a registered buffer's pages once, so READ_FIXED and
// WRITE_FIXED skip the per-operation page walk. Each registered view is kept
// alive here (per ring) until it is unregistered or replaced, and its
// ArrayBuffer is marked untransferable, so postMessage/structuredClone copy it
// instead of detaching it from under the kernel.
import { addressOf } from '@iouring/native'
import {
  IORING_REGISTER_BUFFERS,
  IORING_REGISTER_BUFFERS2,
  IORING_REGISTER_BUFFERS_UPDATE,
  IORING_REGISTER_CLONE_BUFFERS,
  IORING_REGISTER_DST_REPLACE,
  IORING_RSRC_REGISTER_SPARSE,
  IORING_UNREGISTER_BUFFERS,
  RSRC_REGISTER_SIZE,
  RSRC_UPDATE2_SIZE,
  encodeCloneBuffers,
  encodeIovecs,
  encodeRsrcRegister,
  encodeRsrcUpdate2,
} from '@iouring/ops'
import { markAsUntransferable } from 'node:worker_threads'
import { invalidArgType, invalidArgValue, outOfRange } from './errors.js'
import { kernelAtLeast } from './kernel.js'
import { call, handleOf, refuseBlockingUnregister, stateOf, type Ring, type RingWithFd } from './ring.js'
import { validateInteger, validateTags, validateUint32, validateView } from './validate.js'

/** IORING_MAX_REG_BUFFERS */
export const MAX_BUFFERS = 1 << 14
/** The kernel refuses a registered buffer larger than 1 GiB. */
export const MAX_BUFFER_BYTES = 1 << 30

/** Options of registerBuffers() and registerBuffersSparse(). */
export interface RegisterBuffersOptions {
  /**
   * One tag per buffer (0: none), each below 2^52. When a tagged buffer is
   * unregistered or replaced and the kernel has let go of it, a CQE with
   * user_data = tag and res 0 is posted; the low-level API receives it
   * (ring.onCqe / forEachCqe). Uses IORING_REGISTER_BUFFERS2 (Linux 5.13).
   */
  tags?: readonly number[]
}

/** Options of cloneBuffers(): which slots to copy, and whether to replace `dst`'s table. */
export interface CloneBuffersOptions {
  /** First slot of `src` to clone. Default 0. */
  srcOffset?: number
  /** Slot of `dst` that receives the first clone. Default 0. */
  dstOffset?: number
  /** How many slots; 0 (the default) clones the whole table (offsets must then be 0). */
  count?: number
  /** Replace a table `dst` already has (IORING_REGISTER_DST_REPLACE); else `dst` must have none. */
  replace?: boolean
}

function checkOptions(options: unknown, name = 'options'): Record<string, unknown> {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object') throw invalidArgType(name, 'of type object', options)
  return options as Record<string, unknown>
}

/** Validates a list of buffers; `null`/`undefined` entries mean an empty slot where `allowEmpty`. */
function checkBuffers(buffers: unknown, name: string, allowEmpty: boolean): (ArrayBufferView | undefined)[] {
  if (!Array.isArray(buffers)) throw invalidArgType(name, 'an instance of Array of ArrayBufferView', buffers)
  if (buffers.length === 0) throw invalidArgValue(name, 'must not be empty')
  if (buffers.length > MAX_BUFFERS) throw outOfRange(`${name}.length`, `<= ${MAX_BUFFERS}`, buffers.length)
  const views: (ArrayBufferView | undefined)[] = []
  for (let i = 0; i < buffers.length; i++) {
    const entry = buffers[i]
    if (allowEmpty && (entry === null || entry === undefined)) {
      views.push(undefined)
      continue
    }
    const view = validateView(entry, `${name}[${i}]`)
    if (view.byteLength === 0) throw invalidArgValue(`${name}[${i}]`, 'must not be empty (a registered buffer needs at least one byte)')
    if (view.byteLength > MAX_BUFFER_BYTES) throw outOfRange(`${name}[${i}].byteLength`, `<= ${MAX_BUFFER_BYTES} (1 GiB)`, view.byteLength)
    views.push(view)
  }
  return views
}

function addressesOf(views: readonly (ArrayBufferView | undefined)[]): number[] {
  return views.map((view) => (view === undefined ? 0 : addressOf(view)))
}

function iovecs(views: readonly (ArrayBufferView | undefined)[], addresses: readonly number[]): Uint8Array {
  return encodeIovecs(views.map((view, i) => ({ addr: addresses[i], len: view === undefined ? 0 : view.byteLength })))
}

function tagArray(tags: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(tags.length * 8)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < tags.length; i++) {
    view.setUint32(i * 8, tags[i] % 2 ** 32, true)
    view.setUint32(i * 8 + 4, Math.floor(tags[i] / 2 ** 32), true)
  }
  return bytes
}

/** Keeps the kernel's memory from being detached: transfers copy it instead. */
function pin(views: readonly (ArrayBufferView | undefined)[]): void {
  for (const view of views) {
    if (view !== undefined && view.buffer instanceof ArrayBuffer) markAsUntransferable(view.buffer)
  }
}

/**
 * Registers `buffers` as the ring's fixed-buffer table (slot i = buffers[i]):
 * IORING_REGISTER_BUFFERS, or BUFFERS2 with `options.tags`. Each view must be
 * 1 byte to 1 GiB, not detached and not resizable; the ring keeps it alive
 * until unregisterBuffers() (or a replacing update) and it can no longer be
 * detached by a transfer. A ring has one table: registering again without
 * unregistering fails with EBUSY. Returns the table size.
 */
export function registerBuffers(ring: Ring, buffers: readonly ArrayBufferView[], options?: RegisterBuffersOptions): number {
  const handle = handleOf(ring)
  const views = checkBuffers(buffers, 'buffers', false)
  const tags = validateTags(checkOptions(options).tags, views.length, 'options.tags')
  const addresses = addressesOf(views)
  const iov = iovecs(views, addresses)
  if (tags === undefined) {
    call(handle, IORING_REGISTER_BUFFERS, iov, views.length)
  } else {
    const tagBytes = tagArray(tags)
    const arg = encodeRsrcRegister({ nr: views.length, flags: 0, data: addressOf(iov), tags: addressOf(tagBytes) })
    call(handle, IORING_REGISTER_BUFFERS2, arg, RSRC_REGISTER_SIZE)
  }
  pin(views)
  stateOf(handle).setBuffers(views, addresses)
  return views.length
}

/** Registers an empty table of `count` slots (IORING_RSRC_REGISTER_SPARSE, Linux 5.13), to fill with updateBuffers(). */
export function registerBuffersSparse(ring: Ring, count: number): number {
  const handle = handleOf(ring)
  validateInteger(count, 'count', 1, MAX_BUFFERS)
  const arg = encodeRsrcRegister({ nr: count, flags: IORING_RSRC_REGISTER_SPARSE, data: 0, tags: 0 })
  call(handle, IORING_REGISTER_BUFFERS2, arg, RSRC_REGISTER_SIZE)
  stateOf(handle).setBuffers(new Array<undefined>(count).fill(undefined), new Array<number>(count).fill(0))
  return count
}

/**
 * Replaces slots `offset`, `offset + 1`, ... of the registered table with
 * `buffers` (`null`: empty the slot), IORING_REGISTER_BUFFERS_UPDATE (Linux
 * 5.13); optional tags as for registerBuffers. Operations already in flight
 * on a replaced slot finish with the old buffer. Returns how many slots were
 * updated (the kernel stops at the first failure after a success).
 */
export function updateBuffers(ring: Ring, offset: number, buffers: readonly (ArrayBufferView | null)[], tags?: readonly number[]): number {
  const handle = handleOf(ring)
  validateUint32(offset, 'offset')
  const views = checkBuffers(buffers, 'buffers', true)
  const checkedTags = validateTags(tags, views.length, 'tags')
  const addresses = addressesOf(views)
  const iov = iovecs(views, addresses)
  const tagBytes = checkedTags === undefined ? undefined : tagArray(checkedTags)
  const arg = encodeRsrcUpdate2({ offset, data: addressOf(iov), tags: tagBytes === undefined ? 0 : addressOf(tagBytes), nr: views.length })
  const done = call(handle, IORING_REGISTER_BUFFERS_UPDATE, arg, RSRC_UPDATE2_SIZE)
  const state = stateOf(handle)
  const updated = views.slice(0, done)
  pin(updated)
  for (let i = 0; i < done; i++) {
    while (state.buffers.length <= offset + i) {
      state.buffers.push(undefined)
      state.bufferAddresses.push(0)
    }
    state.buffers[offset + i] = views[i]
    state.bufferAddresses[offset + i] = addresses[i]
  }
  return done
}

/**
 * IORING_UNREGISTER_BUFFERS: drops the whole table. It does not wait and is
 * not refused while operations use a buffer: the kernel keeps each buffer
 * pinned until the last request using it completes, and @iouring/core keeps
 * the JavaScript memory alive in that operation's slot until its CQE. New
 * fixed operations on the dropped slots fail (core refuses them synchronously).
 * Before Linux 6.13 the kernel instead blocks the call until those requests
 * complete, so there it is refused (ERR_INVALID_STATE) while the ring has
 * operations in flight.
 */
export function unregisterBuffers(ring: Ring): void {
  const handle = handleOf(ring)
  refuseBlockingUnregister(ring, 'UNREGISTER_BUFFERS', !kernelAtLeast('6.13'))
  call(handle, IORING_UNREGISTER_BUFFERS, null, 0)
  stateOf(handle).setBuffers([], [])
}

/**
 * Gives `dst` the registered buffers of `src` without pinning them again
 * (IORING_REGISTER_CLONE_BUFFERS, Linux 6.12; offsets and count 6.13). Both
 * rings must belong to the same user and process. With `replace`, slots of
 * `dst` below `dstOffset` are kept and the rest of its old table is dropped.
 */
export function cloneBuffers(dst: Ring, src: RingWithFd, options?: CloneBuffersOptions): void {
  const dstHandle = handleOf(dst, 'dst')
  const srcHandle = handleOf(src, 'src')
  const srcFd = validateInteger((src as { params?: { fd?: unknown } }).params?.fd, 'src.params.fd', 0, 0x7fffffff)
  const opts = checkOptions(options)
  const srcOffset = opts.srcOffset === undefined ? 0 : validateInteger(opts.srcOffset, 'options.srcOffset', 0, MAX_BUFFERS - 1)
  const dstOffset = opts.dstOffset === undefined ? 0 : validateInteger(opts.dstOffset, 'options.dstOffset', 0, MAX_BUFFERS - 1)
  const count = opts.count === undefined ? 0 : validateInteger(opts.count, 'options.count', 0, MAX_BUFFERS)
  const replace = opts.replace === true
  const arg = encodeCloneBuffers({ srcFd, flags: replace ? IORING_REGISTER_DST_REPLACE : 0, srcOff: srcOffset, dstOff: dstOffset, nr: count })
  call(dstHandle, IORING_REGISTER_CLONE_BUFFERS, arg, 1)

  // Mirror the kernel's new table (io_clone_buffers): dst's own slots below
  // dstOffset, then the cloned range; dst's later slots are dropped.
  const from = stateOf(srcHandle)
  const into = stateOf(dstHandle)
  const nr = count === 0 ? from.buffers.length - srcOffset : count
  const size = Math.max(dstOffset + nr, replace ? into.buffers.length : 0)
  const views: (ArrayBufferView | undefined)[] = new Array(size).fill(undefined)
  const addresses: number[] = new Array(size).fill(0)
  for (let i = 0; i < Math.min(dstOffset, into.buffers.length); i++) {
    views[i] = into.buffers[i]
    addresses[i] = into.bufferAddresses[i]
  }
  for (let i = 0; i < nr; i++) {
    views[dstOffset + i] = from.buffers[srcOffset + i]
    addresses[dstOffset + i] = from.bufferAddresses[srcOffset + i] ?? 0
  }
  into.setBuffers(views, addresses)
}
