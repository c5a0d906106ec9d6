import { invalidArgType, invalidArgValue, invalidState, outOfRange } from './errors.js'

const MAX_FD = 0x7fffffff

export function validateFd(fd: unknown, name = 'fd'): number {
  if (typeof fd !== 'number') throw invalidArgType(name, 'of type number', fd)
  if (!Number.isInteger(fd) || fd < 0 || fd > MAX_FD) throw outOfRange(name, `an integer >= 0 and <= ${MAX_FD}`, fd)
  return fd
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

export function validateUint32(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw outOfRange(name, 'an integer >= 0 and <= 4294967295', value)
  return value
}

function isDetached(buffer: ArrayBufferLike): boolean {
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

export function validateViews(views: unknown, name: string): ArrayBufferView[] {
  if (!Array.isArray(views)) throw invalidArgType(name, 'an instance of Array of ArrayBufferView', views)
  for (let i = 0; i < views.length; i++) validateView(views[i], `${name}[${i}]`)
  return views as ArrayBufferView[]
}
