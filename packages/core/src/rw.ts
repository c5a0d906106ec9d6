import {
  IORING_FSYNC_DATASYNC,
  IORING_OP_FSYNC,
  IORING_OP_NOP,
  IORING_OP_READ,
  IORING_OP_READV,
  IORING_OP_READV_FIXED,
  IORING_OP_READ_FIXED,
  IORING_OP_WRITE,
  IORING_OP_WRITEV,
  IORING_OP_WRITEV_FIXED,
  IORING_OP_WRITE_FIXED,
  encodeIovecs,
  prepFsync,
  prepNop,
  prepRead,
  prepReadFixed,
  prepReadv,
  prepReadvFixed,
  prepWrite,
  prepWriteFixed,
  prepWritev,
  prepWritevFixed,
} from '@iouring/ops'
import * as native from '@iouring/native'
import { fixedFile, registrations, type FixedFile, type RingRegistrations } from '@iouring/register'
import type { BufferLease } from '@iouring/buffers'
import type { OpOptions, Operations } from './engine.js'
import { isSelectedRead, readSelected, type SelectedRead } from './selected.js'
import { invalidArgType, invalidArgValue, invalidState, outOfRange } from './errors.js'
import { fdOf, isDetached, markFixed, validatePosition, validateTarget, validateUint32, validateView, validateViews, type Target } from './validate.js'

/** A piece of a registered buffer, for readvFixed / writevFixed. */
export interface FixedSegment {
  /** Byte offset in the registered buffer. */
  offset: number
  /** Bytes, at least 1. */
  length: number
}

type Position = number | bigint | null | undefined

/**
 * Reading and writing: nop, read/write and their vectored and
 * registered-buffer forms, fsync. Mixed into IoUring.
 */
export class ReadWriteOperations {
  declare readonly operations: Operations

  /** IORING_OP_NOP: resolves to 0 after a round trip through the kernel. */
  nop(options?: OpOptions): Promise<number> {
    const ops = this.operations
    ops.require(IORING_OP_NOP)
    const at = ops.prepare()
    prepNop(ops.sqes, at)
    return ops.start(at, 'nop', undefined, options)
  }

  /**
   * Reads into the whole of `buffer` from `position` (-1: the file's current
   * position). Resolves to bytes read. With `{ bufferGroup }` instead of a
   * buffer, the kernel picks one from the group (IOSQE_BUFFER_SELECT), and
   * the read resolves to its bytes: see SelectedRead.
   */
  read(fd: Target, buffer: ArrayBufferView, position?: number | bigint | null, options?: OpOptions): Promise<number>
  read(fd: Target, select: SelectedRead & { take?: 'copy' }, position?: number | bigint | null, options?: OpOptions): Promise<Buffer>
  read(fd: Target, select: SelectedRead & { take: 'lend' }, position?: number | bigint | null, options?: OpOptions): Promise<BufferLease | null>
  read(fd: Target, buffer: ArrayBufferView | SelectedRead, position?: number | bigint | null, options?: OpOptions): Promise<number | Buffer | BufferLease | null> {
    if (isSelectedRead(buffer)) return readSelected(this.operations, fd, buffer, position, options)
    const target = validateTarget(fd)
    validateView(buffer, 'buffer')
    const offset = validatePosition(position)
    const ops = this.operations
    ops.require(IORING_OP_READ)
    const addr = native.addressOf(buffer)
    const at = ops.prepare()
    prepRead(ops.sqes, at, fdOf(target), addr, buffer.byteLength, offset)
    markFixed(ops.sqes, at, target)
    return ops.start(at, 'read', buffer, options)
  }

  /** Writes the whole of `buffer` at `position` (-1: the file's current position). Resolves to bytes written. */
  write(fd: Target, buffer: ArrayBufferView, position?: number | bigint | null, options?: OpOptions): Promise<number> {
    const target = validateTarget(fd)
    validateView(buffer, 'buffer')
    const offset = validatePosition(position)
    const ops = this.operations
    ops.require(IORING_OP_WRITE)
    const addr = native.addressOf(buffer)
    const at = ops.prepare()
    prepWrite(ops.sqes, at, fdOf(target), addr, buffer.byteLength, offset)
    markFixed(ops.sqes, at, target)
    return ops.start(at, 'write', buffer, options)
  }

  /** Scatter read into `buffers` in order. Resolves to the total bytes read. */
  readv(fd: Target, buffers: readonly ArrayBufferView[], position?: number | bigint | null, options?: OpOptions): Promise<number> {
    return vectored(this.operations, fd, buffers, position, 'readv', options)
  }

  /** Gather write from `buffers` in order. Resolves to the total bytes written. */
  writev(fd: Target, buffers: readonly ArrayBufferView[], position?: number | bigint | null, options?: OpOptions): Promise<number> {
    return vectored(this.operations, fd, buffers, position, 'writev', options)
  }

  /** fsync, or fdatasync with `{ datasync: true }`. Resolves to 0. */
  fsync(fd: Target, options?: OpOptions & { datasync?: boolean }): Promise<number> {
    const target = validateTarget(fd)
    const datasync = options?.datasync === true
    const ops = this.operations
    ops.require(IORING_OP_FSYNC)
    const at = ops.prepare()
    prepFsync(ops.sqes, at, fdOf(target), datasync ? IORING_FSYNC_DATASYNC : 0)
    markFixed(ops.sqes, at, target)
    return ops.start(at, datasync ? 'fdatasync' : 'fsync', undefined, options)
  }

  // ------------------------------------------------------------ registered files and buffers

  /**
   * The registered file at `index` of this ring's file table (registerFiles()
   * from @iouring/register), usable wherever an fd is: `ring.read(ring.fixedFile(0), buf)`.
   * The operation sets IOSQE_FIXED_FILE; an empty slot fails with EBADF.
   */
  fixedFile(index: number): FixedFile {
    return fixedFile(index)
  }

  /**
   * IORING_OP_READ_FIXED: reads `length` bytes (default: the rest of the
   * buffer) into registered buffer `bufferIndex` at byte `offset` (default 0),
   * from `position` (-1: the current position). The buffer must have been
   * registered with registerBuffers() from @iouring/register. Resolves to bytes read.
   */
  readFixed(fd: Target, bufferIndex: number, offset?: number, length?: number, position?: number | bigint | null, options?: OpOptions): Promise<number> {
    return rwFixed(this.operations, fd, bufferIndex, offset, length, position, true, options)
  }

  /** IORING_OP_WRITE_FIXED: writes from registered buffer `bufferIndex`, as readFixed reads. Resolves to bytes written. */
  writeFixed(fd: Target, bufferIndex: number, offset?: number, length?: number, position?: number | bigint | null, options?: OpOptions): Promise<number> {
    return rwFixed(this.operations, fd, bufferIndex, offset, length, position, false, options)
  }

  /** IORING_OP_READV_FIXED (Linux 6.15): scatter read into pieces of registered buffer `bufferIndex`. Resolves to the total bytes read. */
  readvFixed(fd: Target, bufferIndex: number, segments: readonly FixedSegment[], position?: number | bigint | null, options?: OpOptions): Promise<number> {
    return vectoredFixed(this.operations, fd, bufferIndex, segments, position, true, options)
  }

  /** IORING_OP_WRITEV_FIXED (Linux 6.15): gather write from pieces of registered buffer `bufferIndex`. */
  writevFixed(fd: Target, bufferIndex: number, segments: readonly FixedSegment[], position?: number | bigint | null, options?: OpOptions): Promise<number> {
    return vectoredFixed(this.operations, fd, bufferIndex, segments, position, false, options)
  }
}

function vectored(ops: Operations, fd: Target, buffers: readonly ArrayBufferView[], position: Position, syscall: 'readv' | 'writev', options: OpOptions | undefined): Promise<number> {
  const target = validateTarget(fd)
  validateViews(buffers, 'buffers')
  const offset = validatePosition(position)
  ops.require(syscall === 'readv' ? IORING_OP_READV : IORING_OP_WRITEV)
  const iov = encodeIovecs(buffers.map((buffer) => ({ addr: native.addressOf(buffer), len: buffer.byteLength })))
  const iovAddr = native.addressOf(iov)
  const at = ops.prepare()
  if (syscall === 'readv') prepReadv(ops.sqes, at, fdOf(target), iovAddr, buffers.length, offset)
  else prepWritev(ops.sqes, at, fdOf(target), iovAddr, buffers.length, offset)
  markFixed(ops.sqes, at, target)
  // The kernel reads the iovec array and every buffer until the CQE.
  return ops.start(at, syscall, [iov, buffers.slice()], options)
}

function rwFixed(ops: Operations, fd: Target, bufferIndex: number, offset: number | undefined, length: number | undefined, position: Position, read: boolean, options: OpOptions | undefined): Promise<number> {
  const target = validateTarget(fd)
  const registry = registeredBuffers(ops, bufferIndex)
  const view = registry.buffers[bufferIndex] as ArrayBufferView
  const address = registry.bufferAddresses[bufferIndex]
  const size = view.byteLength
  const from = offset === undefined ? 0 : offset
  if (typeof from !== 'number') throw invalidArgType('offset', 'of type number', from)
  if (!Number.isInteger(from) || from < 0 || from > size) throw outOfRange('offset', `an integer >= 0 and <= ${size} (the registered buffer's size)`, from)
  const bytes = length === undefined ? size - from : length
  if (typeof bytes !== 'number') throw invalidArgType('length', 'of type number', bytes)
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > size - from) throw outOfRange('length', `an integer >= 0 and <= ${size - from} (what the registered buffer holds past offset)`, bytes)
  const pos = validatePosition(position)
  ops.require(read ? IORING_OP_READ_FIXED : IORING_OP_WRITE_FIXED)
  const at = ops.prepare()
  if (read) prepReadFixed(ops.sqes, at, fdOf(target), address + from, bytes, pos, bufferIndex)
  else prepWriteFixed(ops.sqes, at, fdOf(target), address + from, bytes, pos, bufferIndex)
  markFixed(ops.sqes, at, target)
  // The registry may drop the view (unregisterBuffers) while this is in
  // flight; the slot keeps it alive until the CQE, as the kernel keeps it pinned.
  return ops.start(at, read ? 'readFixed' : 'writeFixed', view, options)
}

function vectoredFixed(ops: Operations, fd: Target, bufferIndex: number, segments: readonly FixedSegment[], position: Position, read: boolean, options: OpOptions | undefined): Promise<number> {
  const target = validateTarget(fd)
  const registry = registeredBuffers(ops, bufferIndex)
  const view = registry.buffers[bufferIndex] as ArrayBufferView
  const base = registry.bufferAddresses[bufferIndex]
  if (!Array.isArray(segments)) throw invalidArgType('segments', 'an instance of Array of { offset, length }', segments)
  if (segments.length === 0 || segments.length > 1024) throw outOfRange('segments.length', '>= 1 and <= 1024', segments.length)
  const size = view.byteLength
  const iovecs = segments.map((segment, i) => {
    if (segment === null || typeof segment !== 'object') throw invalidArgType(`segments[${i}]`, 'of type object', segment)
    const { offset, length } = segment
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset >= size) {
      throw outOfRange(`segments[${i}].offset`, `an integer >= 0 and < ${size} (the registered buffer's size)`, offset)
    }
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > size - offset) {
      throw outOfRange(`segments[${i}].length`, `an integer >= 1 and <= ${size - offset}`, length)
    }
    return { addr: base + offset, len: length }
  })
  const pos = validatePosition(position)
  ops.require(read ? IORING_OP_READV_FIXED : IORING_OP_WRITEV_FIXED)
  const iov = encodeIovecs(iovecs)
  const iovAddr = native.addressOf(iov)
  const at = ops.prepare()
  if (read) prepReadvFixed(ops.sqes, at, fdOf(target), iovAddr, iovecs.length, pos, 0, bufferIndex)
  else prepWritevFixed(ops.sqes, at, fdOf(target), iovAddr, iovecs.length, pos, 0, bufferIndex)
  markFixed(ops.sqes, at, target)
  return ops.start(at, read ? 'readvFixed' : 'writevFixed', [iov, view], options)
}

/** The ring's registered buffers (through @iouring/register), refused clearly when `index` names no live one. */
function registeredBuffers(ops: Operations, index: number): RingRegistrations {
  validateUint32(index, 'bufferIndex')
  const registry = registrations(ops)
  const view = registry.buffers[index]
  if (view === undefined) {
    const size = registry.buffers.length
    throw invalidArgValue(
      'bufferIndex',
      size === 0
        ? `names no registered buffer (${index}): this ring has none; register them with registerBuffers() from @iouring/register`
        : `names no registered buffer (${index}): the table has ${size} slot${size === 1 ? '' : 's'} and this one is ${index < size ? 'empty' : 'past its end'}`,
    )
  }
  if (isDetached(view.buffer)) throw invalidState(`registered buffer ${index}'s ArrayBuffer is detached`)
  return registry
}
