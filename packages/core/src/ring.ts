import {
  IORING_FSYNC_DATASYNC,
  IORING_OP_FSYNC,
  IORING_OP_NOP,
  IORING_OP_READ,
  IORING_OP_READV,
  IORING_OP_WRITE,
  IORING_OP_WRITEV,
  encodeIovecs,
  prepFsync,
  prepNop,
  prepRead,
  prepReadv,
  prepWrite,
  prepWritev,
} from '@iouring/ops'
import * as native from '@iouring/native'
import { RingEngine } from './engine.js'
import { validateFd, validatePosition, validateView, validateViews } from './validate.js'

/**
 * One io_uring instance. Its SQ ring, CQ ring and SQE array are mapped into
 * JavaScript: operations are written straight into the SQE array, and
 * everything prepared in one tick goes to the kernel in one io_uring_enter
 * when the event loop next polls (or at once with submit()).
 *
 * Each operation validates its arguments (nothing is reserved if that
 * throws), reserves an SQE with nextSqe(), encodes it with an @iouring/ops
 * encoder, and start()s it, naming the objects the kernel will touch.
 */
export class IoUring extends RingEngine {
  /** IORING_OP_NOP: resolves to 0 after a round trip through the kernel. */
  nop(): Promise<number> {
    this.require(IORING_OP_NOP)
    const at = this.nextSqe()
    prepNop(this.sqes, at)
    return this.start(at, 'nop', undefined)
  }

  /** Reads into the whole of `buffer` from `position` (-1: the file's current position). Resolves to bytes read. */
  read(fd: number, buffer: ArrayBufferView, position?: number | bigint | null): Promise<number> {
    validateFd(fd)
    validateView(buffer, 'buffer')
    const offset = validatePosition(position)
    this.require(IORING_OP_READ)
    const addr = native.addressOf(buffer)
    const at = this.nextSqe()
    prepRead(this.sqes, at, fd, addr, buffer.byteLength, offset)
    return this.start(at, 'read', buffer)
  }

  /** Writes the whole of `buffer` at `position` (-1: the file's current position). Resolves to bytes written. */
  write(fd: number, buffer: ArrayBufferView, position?: number | bigint | null): Promise<number> {
    validateFd(fd)
    validateView(buffer, 'buffer')
    const offset = validatePosition(position)
    this.require(IORING_OP_WRITE)
    const addr = native.addressOf(buffer)
    const at = this.nextSqe()
    prepWrite(this.sqes, at, fd, addr, buffer.byteLength, offset)
    return this.start(at, 'write', buffer)
  }

  /** Scatter read into `buffers` in order. Resolves to the total bytes read. */
  readv(fd: number, buffers: readonly ArrayBufferView[], position?: number | bigint | null): Promise<number> {
    return this.#vectored(fd, buffers, position, 'readv')
  }

  /** Gather write from `buffers` in order. Resolves to the total bytes written. */
  writev(fd: number, buffers: readonly ArrayBufferView[], position?: number | bigint | null): Promise<number> {
    return this.#vectored(fd, buffers, position, 'writev')
  }

  /** fsync, or fdatasync with `{ datasync: true }`. Resolves to 0. */
  fsync(fd: number, options?: { datasync?: boolean }): Promise<number> {
    validateFd(fd)
    const datasync = options?.datasync === true
    this.require(IORING_OP_FSYNC)
    const at = this.nextSqe()
    prepFsync(this.sqes, at, fd, datasync ? IORING_FSYNC_DATASYNC : 0)
    return this.start(at, datasync ? 'fdatasync' : 'fsync', undefined)
  }

  #vectored(fd: number, buffers: readonly ArrayBufferView[], position: number | bigint | null | undefined, syscall: 'readv' | 'writev'): Promise<number> {
    validateFd(fd)
    validateViews(buffers, 'buffers')
    const offset = validatePosition(position)
    this.require(syscall === 'readv' ? IORING_OP_READV : IORING_OP_WRITEV)
    const iov = encodeIovecs(buffers.map((buffer) => ({ addr: native.addressOf(buffer), len: buffer.byteLength })))
    const iovAddr = native.addressOf(iov)
    const at = this.nextSqe()
    if (syscall === 'readv') prepReadv(this.sqes, at, fd, iovAddr, buffers.length, offset)
    else prepWritev(this.sqes, at, fd, iovAddr, buffers.length, offset)
    // The kernel reads the iovec array and every buffer until the CQE.
    return this.start(at, syscall, [iov, buffers.slice()])
  }

}

let threadRing: IoUring | undefined

/** The ring of this JavaScript thread, created on first use (each worker thread has its own). */
export function defaultRing(): IoUring {
  if (threadRing === undefined || threadRing.closed) threadRing = new IoUring()
  return threadRing
}
