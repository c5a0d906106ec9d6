// Argument checks shared with @iouring/core (which re-exports these).
import { invalidArgType, invalidArgValue, invalidState, outOfRange } from './errors.js'

/**
 * Returns `value` if it is an integer in [0, 2^32); else throws ERR_INVALID_ARG_TYPE or ERR_OUT_OF_RANGE naming
 * `name`.
 */
export function validateUint32(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw outOfRange(name, 'an integer >= 0 and <= 4294967295', value)
  return value
}

/** An integer in [min, max]. */
export function validateInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(name, `an integer >= ${min} and <= ${max}`, value)
  return value
}

/** Whether `buffer` is detached (on Node 20 too, which has no ArrayBuffer.prototype.detached). */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if ('detached' in buffer) return (buffer as { detached: boolean }).detached
  if (buffer.byteLength !== 0) return false
  // Node 20 has no ArrayBuffer.prototype.detached; a zero-length buffer is
  // either empty or detached, and only a detached one refuses a new view.
  try {
    new Uint8Array(buffer)
    return false
  } catch {
    return true
  }
}

/**
 * A view the kernel may read or write: not detached, and not resizable or
 * growable (its memory could move or shrink while the kernel holds its address).
 */
export function validateView(view: unknown, name: string): ArrayBufferView {
  if (!ArrayBuffer.isView(view)) throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', view)
  const buffer = view.buffer
  if (isDetached(buffer)) throw invalidState(`the "${name}" argument's ArrayBuffer is detached`)
  if ((buffer as { resizable?: boolean }).resizable || (buffer as { growable?: boolean }).growable) {
    throw invalidArgValue(name, 'must not be backed by a resizable ArrayBuffer or growable SharedArrayBuffer')
  }
  return view
}

/**
 * Returns `views` if it is an array of ArrayBufferViews, none of them detached or resizable; else throws naming
 * `name`.
 */
export function validateViews(views: unknown, name: string): ArrayBufferView[] {
  if (!Array.isArray(views)) throw invalidArgType(name, 'an instance of Array of ArrayBufferView', views)
  for (let i = 0; i < views.length; i++) validateView(views[i], `${name}[${i}]`)
  return views as ArrayBufferView[]
}

/** user_data values below this reach the low-level API; tags become user_data. */
const TAG_LIMIT = 2 ** 52

/** Resource tags: one per entry, each 0 (no tag) or an integer below 2^52. */
export function validateTags(tags: unknown, count: number, name: string): readonly number[] | undefined {
  if (tags === undefined) return undefined
  if (!Array.isArray(tags)) throw invalidArgType(name, 'an instance of Array of number', tags)
  if (tags.length !== count) throw invalidArgValue(name, `must have one tag per entry (${count}). Received ${tags.length}`)
  for (let i = 0; i < tags.length; i++) validateInteger(tags[i], `${name}[${i}]`, 0, TAG_LIMIT - 1)
  return tags as number[]
}
