// FileHandle: node:fs/promises's FileHandle over a ring.

import * as fs from 'node:fs'
import type { BigIntStats, Stats } from 'node:fs'
import { promisify } from 'node:util'
import type { IoUring } from '../ring.js'
import { invalidArgType, invalidArgValue, outOfRange } from '../errors.js'
import { checkAborted, getOptions, validateInteger } from './options.js'
import { readFromHandle } from './read.js'
import { writeAll, type WriteFileData } from './write.js'

const fchmod = promisify(fs.fchmod)
const fchown = promisify(fs.fchown)
const futimes = promisify(fs.futimes)

/** What FileHandle.read resolves to (a null-prototype object, as node:fs's). */
export interface FileReadResult<T extends NodeJS.ArrayBufferView> {
  bytesRead: number
  buffer: T
}

export interface FileWriteResult<T> {
  bytesWritten: number
  buffer: T
}

export interface FileReadOptions<T extends NodeJS.ArrayBufferView = Buffer> {
  buffer?: T
  offset?: number | null
  length?: number | null
  position?: number | bigint | null
}

type Position = number | bigint | null | undefined

function closedError(syscall: string): Error {
  return Object.assign(new Error('file closed'), { code: 'EBADF', syscall })
}

/** A view of `length` bytes of `buffer` from byte `offset`. */
function region(buffer: NodeJS.ArrayBufferView, offset: number, length: number): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length)
}

function validatePosition(position: Position, length: number): number | bigint {
  if (position === null || position === undefined) return -1
  if (typeof position === 'bigint') {
    if (position < -1n || position > 2n ** 63n - 1n - BigInt(length)) throw outOfRange('position', `>= -1 && <= ${2n ** 63n - 1n - BigInt(length)}`, position)
    return position
  }
  if (typeof position !== 'number' || !Number.isSafeInteger(position)) return -1
  if (position < -1) throw outOfRange('position', '>= -1', position)
  return position
}

function validateBuffer(buffer: unknown, name = 'buffer'): asserts buffer is NodeJS.ArrayBufferView {
  if (!ArrayBuffer.isView(buffer)) throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', buffer)
}

function validateOffsetLength(offset: number, length: number, byteLength: number): void {
  if (offset > byteLength) throw outOfRange('offset', `<= ${byteLength}`, offset)
  if (length < 0 || length > byteLength - offset) throw outOfRange('length', `>= 0 && <= ${byteLength - offset}`, length)
}

/**
 * An open file, as node:fs/promises's FileHandle: read, write, readv,
 * writev, stat, truncate, sync, datasync, readFile, writeFile, appendFile,
 * close and Symbol.asyncDispose through the ring; chmod, chown and utimes
 * through node:fs (io_uring has no operation for them). Closing waits for
 * the handle's operations in flight, as node:fs's does.
 */
export class FileHandle implements AsyncDisposable {
  readonly #ring: IoUring
  #fd: number
  #refs = 1
  #closing: Promise<void> | undefined
  #closeResolve: (() => void) | undefined
  #closeReject: ((err: Error) => void) | undefined

  constructor(ring: IoUring, fd: number) {
    this.#ring = ring
    this.#fd = fd
  }

  /** The file descriptor; -1 once closed. */
  get fd(): number {
    return this.#fd
  }

  /** Runs `op` with the fd held open (a close() meanwhile waits for it). */
  async #call<T>(syscall: string, op: (fd: number) => Promise<T>): Promise<T> {
    if (this.#fd === -1) throw closedError(syscall)
    this.#refs++
    try {
      return await op(this.#fd)
    } finally {
      this.#unref()
    }
  }

  #unref(): void {
    if (--this.#refs === 0) {
      const fd = this.#fd
      this.#fd = -1
      let closed: Promise<number>
      try {
        closed = this.#ring.close(fd)
      } catch (err) {
        closed = Promise.reject(err as Error)
      }
      closed.then(() => this.#closeResolve?.(), (err: Error) => this.#closeReject?.(err))
    }
  }

  /**
   * read(buffer, offset?, length?, position?), read(buffer, { offset, length, position }),
   * read({ buffer, offset, length, position }) or read(): node:fs's forms and defaults
   * (a 16 KiB buffer; position null reads at the current position).
   */
  read<T extends NodeJS.ArrayBufferView = Buffer>(buffer?: T | FileReadOptions<T> | null, offset?: number | FileReadOptions<T> | null, length?: number | null, position?: Position): Promise<FileReadResult<T>> {
    return this.#call('read', async (fd) => {
      let target = buffer as NodeJS.ArrayBufferView | FileReadOptions<T> | null | undefined
      let off = offset as number | FileReadOptions<T> | null | undefined
      let len = length
      let pos = position
      if (!ArrayBuffer.isView(target)) {
        if (target !== undefined && target !== null && typeof target !== 'object') throw invalidArgType('options', 'of type object', target)
        const params = (target ?? {}) as FileReadOptions<T>
        const view: NodeJS.ArrayBufferView = params.buffer ?? Buffer.alloc(16384)
        validateBuffer(view)
        target = view
        off = params.offset ?? 0
        len = params.length ?? view.byteLength - (off as number)
        pos = params.position ?? null
      }
      const view = target as NodeJS.ArrayBufferView
      if (off !== null && typeof off === 'object') {
        const params = off
        off = params.offset ?? 0
        len = params.length ?? view.byteLength - (off as number)
        pos = params.position ?? null
      }
      const from = off === null || off === undefined ? 0 : validateInteger(off, 'offset', 0)
      const count = len ?? view.byteLength - from
      if (count === 0) return { __proto__: null, bytesRead: 0, buffer: view } as unknown as FileReadResult<T>
      if (view.byteLength === 0) throw invalidArgValue('buffer', 'is empty and cannot be written')
      validateInteger(count, 'length', 0)
      validateOffsetLength(from, count, view.byteLength)
      const bytesRead = await this.#ring.read(fd, region(view, from, count), validatePosition(pos, count))
      return { __proto__: null, bytesRead, buffer: view } as unknown as FileReadResult<T>
    })
  }

  /**
   * write(buffer, offset?, length?, position?), write(buffer, { offset, length, position })
   * or write(string, position?, encoding?), as node:fs's: one write, which may be short.
   */
  write<T extends NodeJS.ArrayBufferView | string>(buffer: T, offset?: number | { offset?: number; length?: number; position?: Position } | null, length?: number | BufferEncoding | null, position?: Position): Promise<FileWriteResult<T>> {
    return this.#call('write', async (fd) => {
      if (ArrayBuffer.isView(buffer)) {
        if (buffer.byteLength === 0) return { __proto__: null, bytesWritten: 0, buffer } as unknown as FileWriteResult<T>
        let off = offset as number | null | undefined
        let len = length as number | null | undefined
        let pos = position
        if (offset !== null && typeof offset === 'object') {
          off = offset.offset ?? 0
          len = offset.length ?? buffer.byteLength - off
          pos = offset.position ?? null
        }
        const from = off === null || off === undefined ? 0 : validateInteger(off, 'offset', 0)
        const count = typeof len === 'number' ? len : buffer.byteLength - from
        if (typeof pos !== 'number' && typeof pos !== 'bigint') pos = null
        validateOffsetLength(from, count, buffer.byteLength)
        const bytesWritten = await this.#ring.write(fd, region(buffer, from, count), validatePosition(pos, count))
        return { __proto__: null, bytesWritten, buffer } as unknown as FileWriteResult<T>
      }
      if (typeof buffer !== 'string') throw invalidArgType('buffer', 'of type string or an instance of Buffer, TypedArray, or DataView', buffer)
      const encoding = (typeof length === 'string' ? length : 'utf8') as BufferEncoding
      if (!Buffer.isEncoding(encoding)) throw invalidArgValue('encoding', `is invalid encoding. Received '${String(encoding)}'`)
      const bytes = Buffer.from(buffer, encoding)
      if (bytes.byteLength === 0) return { __proto__: null, bytesWritten: 0, buffer } as unknown as FileWriteResult<T>
      const bytesWritten = await this.#ring.write(fd, bytes, validatePosition(offset as Position, bytes.byteLength))
      return { __proto__: null, bytesWritten, buffer } as unknown as FileWriteResult<T>
    })
  }

  /** Scatter read into `buffers`: `{ bytesRead, buffers }`. */
  readv<T extends readonly NodeJS.ArrayBufferView[]>(buffers: T, position?: number | null): Promise<{ bytesRead: number; buffers: T }> {
    return this.#call('readv', async (fd) => {
      validateBuffers(buffers)
      const bytesRead = buffers.length === 0 ? 0 : await this.#ring.readv(fd, buffers, typeof position === 'number' ? position : -1)
      return { __proto__: null, bytesRead, buffers } as unknown as { bytesRead: number; buffers: T }
    })
  }

  /** Gather write from `buffers`: `{ bytesWritten, buffers }`. */
  writev<T extends readonly NodeJS.ArrayBufferView[]>(buffers: T, position?: number | null): Promise<{ bytesWritten: number; buffers: T }> {
    return this.#call('writev', async (fd) => {
      validateBuffers(buffers)
      const bytesWritten = buffers.length === 0 ? 0 : await this.#ring.writev(fd, buffers, typeof position === 'number' ? position : -1)
      return { __proto__: null, bytesWritten, buffers } as unknown as { bytesWritten: number; buffers: T }
    })
  }

  /** fs.Stats of the open file (fs.BigIntStats with `{ bigint: true }`). */
  stat(options?: { bigint?: false }): Promise<Stats>
  stat(options: { bigint: true }): Promise<BigIntStats>
  stat(options?: { bigint?: boolean }): Promise<Stats | BigIntStats>
  stat(options?: { bigint?: boolean }): Promise<Stats | BigIntStats> {
    return this.#call('fstat', (fd) => this.#ring.fstat(fd, options?.bigint === true ? BIGINT : undefined))
  }

  /** Sets the size to `len` (default 0; negative counts as 0), as node:fs's: IORING_OP_FTRUNCATE (Linux 6.9), else fs.ftruncate. */
  truncate(len = 0): Promise<void> {
    return this.#call('ftruncate', async (fd) => {
      const size = Math.max(0, validateInteger(len, 'len'))
      if (this.#ring.probe().supports('FTRUNCATE')) await this.#ring.ftruncate(fd, size)
      else await promisify(fs.ftruncate)(fd, size)
    })
  }

  sync(): Promise<void> {
    return this.#call('fsync', async (fd) => {
      await this.#ring.fsync(fd)
    })
  }

  datasync(): Promise<void> {
    return this.#call('fdatasync', async (fd) => {
      await this.#ring.fdatasync(fd)
    })
  }

  /** Reads from the current position to the end; a string with an encoding. */
  readFile(options?: { encoding?: null; signal?: AbortSignal } | null): Promise<Buffer>
  readFile(options: { encoding: BufferEncoding; signal?: AbortSignal } | BufferEncoding): Promise<string>
  readFile(options?: { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding | null): Promise<string | Buffer>
  readFile(options?: { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding | null): Promise<string | Buffer> {
    return this.#call('readFile', async (fd) => {
      const { encoding, signal } = getOptions(options, {})
      const data = await readFromHandle(this.#ring, fd, signal)
      return encoding ? data.toString(encoding) : data
    })
  }

  /** Writes all of `data` at the current position (strings in `encoding`, default UTF-8). */
  writeFile(data: WriteFileData, options?: { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding | null): Promise<void> {
    return this.#call('writeFile', async (fd) => {
      const { encoding, signal } = getOptions(options, { encoding: 'utf8' as BufferEncoding })
      checkAborted(signal)
      await writeAll(this.#ring, fd, data, encoding ?? 'utf8', signal)
    })
  }

  /** writeFile at the current position (the file was opened with 'a' to append). */
  appendFile(data: WriteFileData, options?: { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding | null): Promise<void> {
    return this.writeFile(data, options)
  }

  /** fchmod through node:fs (io_uring has no chmod). */
  chmod(mode: fs.Mode): Promise<void> {
    return this.#call('fchmod', (fd) => fchmod(fd, mode))
  }

  /** fchown through node:fs (io_uring has no chown). */
  chown(uid: number, gid: number): Promise<void> {
    return this.#call('fchown', (fd) => fchown(fd, uid, gid))
  }

  /** futimes through node:fs (io_uring has no utimes). */
  utimes(atime: fs.TimeLike, mtime: fs.TimeLike): Promise<void> {
    return this.#call('futime', (fd) => futimes(fd, atime, mtime))
  }

  /** Closes the fd (IORING_OP_CLOSE) once the handle's operations in flight are done. Closing twice is fine. */
  close(): Promise<void> {
    if (this.#fd === -1) return Promise.resolve()
    if (this.#closing !== undefined) return this.#closing
    this.#closing = new Promise<void>((resolve, reject) => {
      this.#closeResolve = resolve
      this.#closeReject = reject
    })
    this.#unref()
    return this.#closing
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

const BIGINT = Object.freeze({ bigint: true as const })

function validateBuffers(buffers: unknown): void {
  if (!Array.isArray(buffers)) throw invalidArgType('buffers', 'an instance of ArrayBufferView[]', buffers)
  for (const buffer of buffers) validateBuffer(buffer, 'buffers')
}
