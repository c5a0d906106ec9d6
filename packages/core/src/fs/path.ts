// Paths as node:fs takes them (string, Buffer/Uint8Array, file: URL), encoded
// NUL-terminated for the kernel. The encoded bytes go into the operation's
// slot, which keeps them alive until the CQE.

import { fileURLToPath } from 'node:url'
import * as native from '@iouring/native'
import { invalidArgType, invalidArgValue } from '../errors.js'

/** A path as node:fs accepts one: a string, a Buffer (any Uint8Array works), or a file: URL. */
export type PathLike = string | Buffer | URL

/**
 * A validated path: a string, or the bytes of a Buffer/Uint8Array path. A
 * file: URL becomes its path; anything else throws ERR_INVALID_ARG_TYPE, and
 * a path with a NUL byte ERR_INVALID_ARG_VALUE, with node:fs's messages.
 */
export function validatePath(path: unknown, name = 'path'): string | Buffer {
  if (typeof path === 'string') {
    if (path.includes('\u0000')) throw nullBytes(name, path)
    return path
  }
  if (path instanceof Uint8Array) {
    if (path.includes(0)) throw nullBytes(name, path)
    return Buffer.isBuffer(path) ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength)
  }
  if (path instanceof URL) return validatePath(fileURLToPath(path), name)
  throw invalidArgType(name, 'of type string or an instance of Buffer or URL', path)
}

function nullBytes(name: string, path: string | Uint8Array): Error {
  return invalidArgValue(name, 'must be a string, Uint8Array, or URL without null bytes', path)
}

// Encoded paths are bump-allocated from 64 KiB slabs that are never reused:
// an operation keeps its slab in its slot, so a slab lives until the last
// operation that wrote a path into it has completed, and then the garbage
// collector takes it. Encoding a path allocates nothing.
const SLAB = 64 * 1024
let slab = Buffer.alloc(0)
let slabAddress = 0
let used = 0

/**
 * Encodes a validated path NUL-terminated and returns its address; the
 * memory belongs to encodedSlab() (until the next encodePath), which the
 * operation must keep in its slot until the CQE.
 */
export function encodePath(path: string | Uint8Array): number {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const most = (typeof path === 'string' ? path.length * 3 : path.byteLength) + 1
  if (most > SLAB / 4) {
    // A long path gets a buffer of its own.
    slab = Buffer.allocUnsafeSlow(most)
    slabAddress = native.addressOf(slab)
    used = SLAB
    const length = typeof path === 'string' ? slab.write(path, 0, 'utf8') : (slab.set(path), path.byteLength)
    slab[length] = 0
    return slabAddress
  }
  if (used + most > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB)
    slabAddress = native.addressOf(slab)
    used = 0
  }
  const at = used
  const length = typeof path === 'string' ? slab.write(path, at, 'utf8') : (slab.set(path, at), path.byteLength)
  slab[at + length] = 0
  // Keep the next path 8-byte aligned.
  used = (at + length + 8) & ~7
  return slabAddress + at
}

/** The memory the last encodePath() wrote into: what the operation keeps alive. */
export function encodedSlab(): Buffer {
  return slab
}

/** The `path` a system error carries for a validated path (node:fs reports a string). */
export function pathText(path: string | Uint8Array): string {
  return typeof path === 'string' ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString()
}

/** A NUL-terminated string (an xattr name) for the kernel. */
export function encodeName(name: unknown, argName = 'name'): Buffer {
  if (typeof name !== 'string') throw invalidArgType(argName, 'of type string', name)
  if (name.includes('\u0000')) throw invalidArgValue(argName, 'must not contain null bytes')
  return Buffer.from(name + '\u0000', 'utf8')
}

/** The empty path of an AT_EMPTY_PATH operation (fstat through statx), shared and never freed. */
export const EMPTY_PATH = Buffer.alloc(1)
