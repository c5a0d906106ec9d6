// Reads into a buffer the kernel picks from a buffer group (@iouring/buffers):
// one-shot with IOSQE_BUFFER_SELECT, and multishot (IORING_OP_READ_MULTISHOT).
import type { BufferGroup, BufferLease } from '@iouring/buffers'
import { IORING_CQE_F_BUFFER, IORING_OP_READ, IORING_OP_READ_MULTISHOT, prepRead, prepReadMultishot, setBufferSelect } from '@iouring/ops'
import type { OpOptions, Operations, StreamOptions } from './engine.js'
import { invalidArgType, invalidArgValue } from './errors.js'
import type { CompletionStream } from './stream.js'
import { fdOf, markFixed, validatePosition, validateTarget, validateUint32, type Target } from './validate.js'

const ENOBUFS = -105

/** How a completion's bytes are handed out: a copy to keep (the buffer goes back at once), or a lease to release(). */
export type Take = 'copy' | 'lend'

/** `ring.read(fd, { bufferGroup })`: the kernel picks the buffer from the group. */
export interface SelectedRead {
  /** The group the kernel picks from (a BufferRing, or legacy provided buffers). */
  bufferGroup: BufferGroup
  /** 'copy' (default): a Buffer that is the caller's, the group's buffer back at once. 'lend': a BufferLease, back at release(). */
  take?: Take
  /** Most bytes to read. Default: the group's buffer size. */
  length?: number
}

/** Options of readMultishot(). */
export interface ReadMultishotOptions extends StreamOptions {
  /**
   * 'copy' (default): each chunk a Buffer that is the caller's, the group's buffer back at once. 'lend': a
   * BufferLease, back at release().
   */
  take?: Take
  /** Most bytes per completion. Default: the group's buffer size. */
  length?: number
}

/** Whether the second argument of read() asks for a buffer from a group. */
export function isSelectedRead(value: unknown): value is SelectedRead {
  return value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && 'bufferGroup' in value
}

/**
 * read(fd, { bufferGroup }): resolves to the bytes in a buffer the kernel
 * picked, copied (a Buffer, empty at the end of the file) or lent (a
 * BufferLease, or null at the end of the file, when no buffer was used).
 */
export function readSelected(ops: Operations, fd: Target, select: SelectedRead, position: number | bigint | null | undefined, options: OpOptions | undefined): Promise<Buffer | BufferLease | null> {
  const target = validateTarget(fd)
  const group = validateGroup(select.bufferGroup, 'options.bufferGroup')
  const lend = lends(select.take, 'options.take')
  const length = lengthOf(group, select.length, 'options.length')
  const offset = validatePosition(position)
  ops.require(IORING_OP_READ)
  const at = ops.prepare()
  prepRead(ops.sqes, at, fdOf(target), 0, length, offset)
  setBufferSelect(ops.sqes, at, group.groupId)
  markFixed(ops.sqes, at, target)
  // The group's memory is kept alive by its ring (and here, by the slot) until the CQE.
  const result: (res: number, group: BufferGroup, flags: number) => Buffer | BufferLease | null = lend ? lentResult : copiedResult
  return ops.startWithResult(at, 'read', group, options, result, undefined, group)
}

/** Reading into buffers a group lends: mixed into IoUring. */
export class SelectedReadOperations {
  declare readonly operations: Operations

  /**
   * IORING_OP_READ_MULTISHOT (Linux 6.7): reads a pipe, FIFO, tty, eventfd or
   * socket as data arrives, each completion into a buffer the kernel picks
   * from `group`, as a stream of chunks, copied (default) or lent
   * (`{ take: 'lend' }`). The stream ends at the end of the file; it ends
   * with ENOBUFS when the group ran dry (the group emits 'exhausted'): give
   * buffers back (release leases) and start another.
   */
  readMultishot(fd: Target, group: BufferGroup, options?: ReadMultishotOptions & { take?: 'copy' }): CompletionStream<Buffer>
  readMultishot(fd: Target, group: BufferGroup, options: ReadMultishotOptions & { take: 'lend' }): CompletionStream<BufferLease>
  readMultishot(fd: Target, group: BufferGroup, options?: ReadMultishotOptions): CompletionStream<Buffer> | CompletionStream<BufferLease> {
    const target = validateTarget(fd)
    validateGroup(group, 'group')
    const lend = lends(options?.take, 'options.take')
    const length = lengthOf(group, options?.length, 'options.length')
    const ops = this.operations
    ops.require(IORING_OP_READ_MULTISHOT)
    const at = ops.prepare()
    prepReadMultishot(ops.sqes, at, fdOf(target), length, 0, group.groupId)
    markFixed(ops.sqes, at, target)
    const onEnd = (res: number) => {
      if (res === ENOBUFS) group.reportExhausted()
    }
    // res 0 is the end of the file: it ends the stream and yields nothing.
    if (lend) return ops.startMultishot(at, 'read', group, options, (res, flags) => chunkOf(res, group, flags, (n, f) => group.lend(n, f)), 0, onEnd)
    return ops.startMultishot(at, 'read', group, options, (res, flags) => chunkOf(res, group, flags, (n, f) => group.copy(n, f)), 0, onEnd)
  }
}

/** A buffer group, by its shape: the ES module and CommonJS builds of @iouring/buffers each have their own class. */
function validateGroup(group: unknown, name: string): BufferGroup {
  const shaped = group as Partial<BufferGroup> | null
  if (shaped === null || typeof shaped !== 'object' || typeof shaped.groupId !== 'number' || typeof shaped.copy !== 'function' || typeof shaped.lend !== 'function') throw invalidArgType(name, 'a BufferGroup from @iouring/buffers (a BufferRing, or provideBuffers())', group)
  return shaped as BufferGroup
}

/** Whether `take` asks for a lease ('lend') rather than a copy ('copy', the default). */
function lends(take: unknown, name: string): boolean {
  if (take === undefined || take === 'copy') return false
  if (take === 'lend') return true
  throw invalidArgValue(name, "must be 'copy' or 'lend'")
}

// A one-shot read's result. At the end of the file nothing is read: a
// buffer the kernel picked anyway goes straight back.
function copiedResult(res: number, group: BufferGroup, flags: number): Buffer {
  if (res > 0) return group.copy(res, flags)
  if (flags & IORING_CQE_F_BUFFER) group.discard(res, flags)
  return Buffer.alloc(0)
}

function lentResult(res: number, group: BufferGroup, flags: number): BufferLease | null {
  if (res > 0) return group.lend(res, flags)
  if (flags & IORING_CQE_F_BUFFER) group.discard(res, flags)
  return null
}

/** A multishot read's chunk: undefined at the end of the file (its buffer, if any, goes back). */
function chunkOf<T>(res: number, group: BufferGroup, flags: number, take: (res: number, flags: number) => T): T | undefined {
  if (res > 0) return take(res, flags)
  if (flags & IORING_CQE_F_BUFFER) group.discard(res, flags)
  return undefined
}

function lengthOf(group: BufferGroup, length: unknown, name: string): number {
  if (length === undefined) return 0
  return Math.min(validateUint32(length, name), group.size)
}
