// FileHandle: node:fs/promises's FileHandle over a ring.

import { EventEmitter } from 'node:events'
import * as fs from 'node:fs'
import type { BigIntStats, Stats } from 'node:fs'
import { createInterface, type Interface } from 'node:readline'
import { ReadableStream } from 'node:stream/web'
import { promisify } from 'node:util'
import * as native from '@iouring/native'
import type { IoUring } from '../ring.js'
import { invalidArgType, invalidArgValue, invalidState, outOfRange, type CodedError } from '../errors.js'
import { NODE_MAJOR, getOptions, validateBoolean, validateInt32, validateInteger, validateObject, type FileOptions } from './options.js'
import { readFromHandle } from './read.js'
import { WriteCursor, prepareData, writeAll, type WriteFileData } from './write.js'

const fchmod = promisify(fs.fchmod)
const fchown = promisify(fs.fchown)
const futimes = promisify(fs.futimes)
const ftruncate = promisify(fs.ftruncate)
const closeWithNode = promisify(fs.close)
const EINVAL = -22

/** What FileHandle.read resolves to (a null-prototype object, as node:fs's). */
export interface FileReadResult<T extends NodeJS.ArrayBufferView> {
  /** Bytes read (0 at the end of the file). */
  bytesRead: number
  /** The buffer that was read into. */
  buffer: T
}

/** What FileHandle.write resolves to (a null-prototype object, as node:fs's). */
export interface FileWriteResult<T> {
  /** Bytes written. */
  bytesWritten: number
  /** What was written: the buffer, or the string. */
  buffer: T
}

/** Options of FileHandle.read({ ... }), as node:fs's. */
export interface FileReadOptions<T extends NodeJS.ArrayBufferView = Buffer> {
  /** Where to read to (default: a new 16 KiB Buffer). */
  buffer?: T
  /** Where in `buffer` to start (default 0). */
  offset?: number | null
  /** Most bytes to read (default: the rest of `buffer`). */
  length?: number | null
  /** Where in the file to read from; null or -1: the current position, which advances. */
  position?: number | bigint | null
}

/** The options of FileHandle.readFile: an encoding, or `{ encoding, signal }`. */
export type HandleReadFileOptions = { encoding?: BufferEncoding | null; signal?: AbortSignal } | BufferEncoding | null

/** The options of FileHandle.writeFile and appendFile. */
export type HandleWriteFileOptions = { encoding?: BufferEncoding | null; signal?: AbortSignal; flush?: boolean | null } | BufferEncoding | null

/** The options createReadStream takes (node:fs's, without `fs`). */
export type ReadStreamOptions = Omit<Parameters<typeof fs.createReadStream>[1] & object, 'fd' | 'fs'>
/** The options createWriteStream takes (node:fs's, without `fs`). */
export type WriteStreamOptions = Omit<Parameters<typeof fs.createWriteStream>[1] & object, 'fd' | 'fs'>

type Position = number | bigint | null | undefined

function closedError(syscall: string): Error {
  return Object.assign(new Error('file closed'), { code: 'EBADF', syscall })
}

function invalidThis(): TypeError & CodedError {
  return Object.assign(new TypeError('Value of "this" must be of type FileHandle'), { code: 'ERR_INVALID_THIS' })
}

function notImplemented(what: string): Error & CodedError {
  return Object.assign(new Error(`The ${what} method is not implemented`), { code: 'ERR_METHOD_NOT_IMPLEMENTED' })
}

/** A view of `length` bytes of `buffer` from byte `offset`. */
function region(buffer: ArrayBufferView, offset: number, length: number): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length)
}

/** A position node:fs reads or writes at: a safe integer >= 0, else the current position (-1). */
function positionOrCurrent(position: unknown): number {
  return Number.isSafeInteger(position) && (position as number) >= 0 ? (position as number) : -1
}

/** FileHandle.read's position, as the running Node.js takes it (validated, bigint honoured, from Node.js 21). */
function readPosition(position: unknown, length: number): number | bigint {
  if (NODE_MAJOR < 21) return positionOrCurrent(position)
  if (position === null || position === undefined) return -1
  if (typeof position === 'number') {
    validateInteger(position, 'position', -1)
    return position
  }
  if (typeof position === 'bigint') {
    const max = 2n ** 63n - 1n - BigInt(length)
    if (!(position >= -1n && position <= max)) throw outOfRange('position', `>= -1 && <= ${max}`, position)
    return position
  }
  throw invalidArgType('position', 'of type bigint or integer', position)
}

/**
 * node:fs's `{ offset = 0, length = buffer.byteLength - offset, position = null } = params`:
 * the buffer's length is read only when `length` is absent (a null buffer then fails as in node:fs).
 */
function regionOf(params: object, buffer: unknown): { offset: unknown; length: unknown; position: unknown } {
  const { offset = 0, length, position = null } = params as { offset?: unknown; length?: unknown; position?: unknown }
  return { offset, length: length === undefined ? (buffer as ArrayBufferView).byteLength - (offset as number) : length, position }
}

function validateBuffer(buffer: unknown, name = 'buffer'): asserts buffer is NodeJS.ArrayBufferView {
  if (!ArrayBuffer.isView(buffer)) throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', buffer)
}

function validateBufferArray(buffers: unknown): asserts buffers is NodeJS.ArrayBufferView[] {
  if (!Array.isArray(buffers) || !buffers.every((buffer) => ArrayBuffer.isView(buffer))) throw invalidArgType('buffers', 'an ArrayBufferView[]', buffers)
}

/** Closes `fd` through the ring; through node:fs once the ring refuses work (disposed). */
function closeFd(ring: IoUring, fd: number): Promise<void> {
  try {
    return ring.close(fd).then(() => undefined)
  } catch {
    return closeWithNode(fd)
  }
}

let warnedDeprecation = false

// A FileHandle collected while open has its fd closed, with node:fs's warnings.
const unclosed = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd)
  } catch {
    process.emitWarning(`Closing file descriptor ${fd} on garbage collection failed`)
    return
  }
  process.emitWarning(`Closing file descriptor ${fd} on garbage collection`)
  if (!warnedDeprecation) {
    warnedDeprecation = true
    process.emitWarning(
      'Closing a FileHandle object on garbage collection is deprecated. Please close FileHandle objects explicitly using FileHandle.prototype.close(). In the future, an error will be thrown if a file descriptor is closed during garbage collection.',
      'DeprecationWarning',
      'DEP0137',
    )
  }
})

const BIGINT = Object.freeze({ bigint: true as const })

/**
 * An open file, as node:fs/promises's FileHandle: an EventEmitter ('close'),
 * with read, write, readv, writev, stat, truncate, sync, datasync, readFile,
 * writeFile, appendFile, close and Symbol.asyncDispose through the ring;
 * createReadStream, createWriteStream, readLines and readableWebStream whose
 * reads and writes go through the ring; chmod, chown and utimes through
 * node:fs (io_uring has no operation for them). Closing waits for the
 * handle's operations in flight, and a handle collected while open is
 * closed with node:fs's warning.
 */
export class FileHandle extends EventEmitter implements AsyncDisposable {
  readonly #ring: IoUring
  #fd: number
  #refs = 1
  #closePromise: Promise<void> | undefined
  #closeResolve: (() => void) | undefined
  #closeReject: ((err: Error) => void) | undefined
  #locked = false

  constructor(ring: IoUring, fd: number) {
    super()
    this.#ring = ring
    this.#fd = fd
    unclosed.register(this, fd, this)
  }

  /** The file descriptor; -1 once closed. */
  get fd(): number {
    return this.#fd
  }

  /**
   * Runs `op` with the fd held open (a close() meanwhile waits for it), as
   * node:fs's fsCall: a closed handle rejects with EBADF 'file closed'
   * naming `syscall`; a call on something else rejects with ERR_INVALID_THIS.
   */
  static async #call<T>(handle: unknown, syscall: string, op: (handle: FileHandle, fd: number) => Promise<T>): Promise<T> {
    if (typeof handle !== 'object' || handle === null || !(#fd in handle)) throw invalidThis()
    if (handle.#fd === -1) throw closedError(syscall)
    handle.#refs++
    try {
      return await op(handle, handle.#fd)
    } finally {
      handle.#unref()
    }
  }

  #unref(): void {
    if (--this.#refs === 0) {
      const fd = this.#fd
      this.#fd = -1
      closeFd(this.#ring, fd).then(
        () => this.#closeResolve?.(),
        (err: Error) => this.#closeReject?.(err),
      )
    }
  }

  /**
   * read(buffer, offset?, length?, position?), read(buffer, { offset, length, position }),
   * read({ buffer, offset, length, position }) or read(): node:fs's forms, defaults and
   * checks (a 16 KiB buffer; a position that is not an integer >= 0 reads at the current
   * position, and from Node.js 21 on is checked, and a bigint honoured, as node:fs does there).
   */
  read<T extends NodeJS.ArrayBufferView = Buffer>(buffer?: T | FileReadOptions<T> | null, offset?: number | FileReadOptions<T> | null, length?: number | null, position?: Position): Promise<FileReadResult<T>> {
    return FileHandle.#call(this, 'read', (handle, fd) => handle.#read(fd, buffer, offset, length, position) as Promise<FileReadResult<T>>)
  }

  async #read(fd: number, bufferOrParams: unknown, offsetOrParams: unknown, lengthArg: unknown, positionArg: unknown): Promise<FileReadResult<NodeJS.ArrayBufferView>> {
    let buffer = bufferOrParams as NodeJS.ArrayBufferView
    let offset = offsetOrParams
    let length = lengthArg
    let position = positionArg
    if (!ArrayBuffer.isView(buffer)) {
      if (bufferOrParams !== undefined) validateObject(bufferOrParams, 'options', true)
      const params = (bufferOrParams ?? {}) as FileReadOptions<NodeJS.ArrayBufferView>
      buffer = params.buffer === undefined ? Buffer.alloc(16384) : params.buffer
      ;({ offset, length, position } = regionOf(params, buffer))
      validateBuffer(buffer)
    }
    if (offset !== null && typeof offset === 'object') ({ offset, length, position } = regionOf(offset, buffer))
    if (offset === null || offset === undefined) offset = 0
    else validateInteger(offset, 'offset', 0)
    const from = offset as number
    length ??= buffer.byteLength - from
    if (length === 0) return { __proto__: null, bytesRead: 0, buffer } as unknown as FileReadResult<NodeJS.ArrayBufferView>
    if (buffer.byteLength === 0) throw invalidArgValue('buffer', 'is empty and cannot be written', buffer)
    const count = length as number
    if (count < 0) throw outOfRange('length', '>= 0', count)
    if (from + count > buffer.byteLength) throw outOfRange('length', `<= ${buffer.byteLength - from}`, count)
    // node:fs would abort the process on a length that is not an int32.
    validateInt32(count, 'length', 0)
    const bytesRead = await this.#ring.read(fd, region(buffer, from, count), readPosition(position, count))
    return { __proto__: null, bytesRead, buffer } as unknown as FileReadResult<NodeJS.ArrayBufferView>
  }

  /**
   * write(buffer, offset?, length?, position?), write(buffer, { offset, length, position })
   * or write(string, position?, encoding?), as node:fs's: one write, which may be short.
   */
  write<T extends NodeJS.ArrayBufferView | string>(buffer: T, offset?: number | { offset?: number; length?: number; position?: Position } | null, length?: number | BufferEncoding | null, position?: Position): Promise<FileWriteResult<T>> {
    return FileHandle.#call(this, 'write', (handle, fd) => handle.#write(fd, buffer, offset, length, position) as Promise<FileWriteResult<T>>)
  }

  async #write(fd: number, buffer: unknown, offsetOrOptions: unknown, lengthArg: unknown, positionArg: unknown): Promise<FileWriteResult<unknown>> {
    if ((buffer as { byteLength?: number } | null | undefined)?.byteLength === 0) return { __proto__: null, bytesWritten: 0, buffer } as unknown as FileWriteResult<unknown>
    if (ArrayBuffer.isView(buffer)) {
      let offset = offsetOrOptions
      let length = lengthArg
      let position = positionArg
      if (typeof offset === 'object') ({ offset, length, position } = regionOf(offsetOrOptions ?? {}, buffer))
      if (offset === null || offset === undefined) offset = 0
      else validateInteger(offset, 'offset', 0)
      const from = offset as number
      if (typeof length !== 'number') length = buffer.byteLength - from
      const count = length as number
      if (from > buffer.byteLength) throw outOfRange('offset', `<= ${buffer.byteLength}`, from)
      if (count > buffer.byteLength - from) throw outOfRange('length', `<= ${buffer.byteLength - from}`, count)
      if (count < 0) throw outOfRange('length', '>= 0', count)
      validateInt32(count, 'length', 0)
      const bytesWritten = count === 0 ? 0 : await this.#ring.write(fd, region(buffer, from, count), positionOrCurrent(position))
      return { __proto__: null, bytesWritten, buffer } as unknown as FileWriteResult<unknown>
    }
    if (typeof buffer !== 'string') throw invalidArgType('buffer', 'of type string or an instance of Buffer, TypedArray, or DataView', buffer)
    // write(string, position, encoding): an odd-length hex string is refused; an encoding node:fs does not know is UTF-8.
    const encoding = lengthArg
    if (typeof encoding === 'string' && encoding.toLowerCase() === 'hex' && buffer.length % 2 !== 0) {
      throw invalidArgValue('encoding', `is invalid for data of length ${buffer.length}`, encoding)
    }
    const bytes = Buffer.from(buffer, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8')
    const bytesWritten = bytes.byteLength === 0 ? 0 : await this.#ring.write(fd, bytes, positionOrCurrent(offsetOrOptions))
    return { __proto__: null, bytesWritten, buffer } as unknown as FileWriteResult<unknown>
  }

  /** Scatter read into `buffers`: `{ bytesRead, buffers }`. */
  readv<T extends readonly NodeJS.ArrayBufferView[]>(buffers: T, position?: number | null): Promise<{ bytesRead: number; buffers: T }> {
    return FileHandle.#call(this, 'readv', async (handle, fd) => {
      validateBufferArray(buffers)
      // libuv refuses a read into no buffers, and so node:fs does.
      if (buffers.length === 0) throw native.systemError(EINVAL, 'read')
      const bytesRead = await handle.#ring.readv(fd, buffers, positionOrCurrent(position))
      return { __proto__: null, bytesRead, buffers } as unknown as { bytesRead: number; buffers: T }
    })
  }

  /** Gather write from `buffers`: `{ bytesWritten, buffers }`. */
  writev<T extends readonly NodeJS.ArrayBufferView[]>(buffers: T, position?: number | null): Promise<{ bytesWritten: number; buffers: T }> {
    return FileHandle.#call(this, 'writev', async (handle, fd) => {
      validateBufferArray(buffers)
      const bytesWritten = buffers.length === 0 ? 0 : await handle.#ring.writev(fd, buffers, positionOrCurrent(position))
      return { __proto__: null, bytesWritten, buffers } as unknown as { bytesWritten: number; buffers: T }
    })
  }

  /** fs.Stats of the open file (fs.BigIntStats with `{ bigint: true }`). */
  stat(options?: { bigint?: false }): Promise<Stats>
  stat(options: { bigint: true }): Promise<BigIntStats>
  stat(options?: { bigint?: boolean }): Promise<Stats | BigIntStats>
  stat(options: { bigint?: boolean } = { bigint: false }): Promise<Stats | BigIntStats> {
    return FileHandle.#call(this, 'fstat', (handle, fd) => handle.#ring.fstat(fd, options.bigint === true ? BIGINT : undefined))
  }

  /** Sets the size to `len` (default 0; negative counts as 0), as node:fs's: IORING_OP_FTRUNCATE (Linux 6.9), else fs.ftruncate. */
  truncate(len = 0): Promise<void> {
    return FileHandle.#call(this, 'ftruncate', async (handle, fd) => {
      validateInteger(len, 'len')
      const size = Math.max(0, len)
      if (handle.#ring.probe().supports('FTRUNCATE')) await handle.#ring.ftruncate(fd, size)
      else await ftruncate(fd, size)
    })
  }

  /** fsync(2) of the file, through the ring. */
  sync(): Promise<void> {
    return FileHandle.#call(this, 'fsync', async (handle, fd) => {
      await handle.#ring.fsync(fd)
    })
  }

  /** fdatasync(2) of the file, through the ring. */
  datasync(): Promise<void> {
    return FileHandle.#call(this, 'fdatasync', async (handle, fd) => {
      await handle.#ring.fdatasync(fd)
    })
  }

  /** Reads from the current position to the end; a string with an encoding. */
  readFile(options?: { encoding?: null; signal?: AbortSignal } | null): Promise<Buffer>
  readFile(options: { encoding: BufferEncoding; signal?: AbortSignal } | BufferEncoding): Promise<string>
  readFile(options?: HandleReadFileOptions): Promise<string | Buffer>
  readFile(options?: HandleReadFileOptions): Promise<string | Buffer> {
    return FileHandle.#call(this, 'readFile', async (handle, fd) => {
      const { encoding, signal } = getOptions<FileOptions>(options, { flag: 'r' })
      const data = await readFromHandle(handle.#ring, fd, signal)
      return encoding ? data.toString(encoding as BufferEncoding) : data
    })
  }

  /** Writes all of `data` at the current position (strings in `encoding`, default UTF-8). */
  writeFile(data: WriteFileData, options?: HandleWriteFileOptions): Promise<void> {
    return FileHandle.#call(this, 'writeFile', (handle, fd) => handle.#writeFile(fd, data, options))
  }

  /** writeFile at the current position (the file was opened with 'a' to append). */
  appendFile(data: WriteFileData, options?: HandleWriteFileOptions): Promise<void> {
    return FileHandle.#call(this, 'writeFile', (handle, fd) => handle.#writeFile(fd, data, options))
  }

  async #writeFile(fd: number, data: unknown, options: unknown): Promise<void> {
    const { encoding, signal } = writeFileOptions(options, 'w')
    await writeAll(this.#ring, fd, prepareData(data, encoding as BufferEncoding), encoding as BufferEncoding, signal, new WriteCursor(undefined))
  }

  /** fchmod through node:fs (io_uring has no chmod). */
  chmod(mode: fs.Mode): Promise<void> {
    return FileHandle.#call(this, 'fchmod', (_, fd) => fchmod(fd, mode))
  }

  /** fchown through node:fs (io_uring has no chown). */
  chown(uid: number, gid: number): Promise<void> {
    return FileHandle.#call(this, 'fchown', (_, fd) => fchown(fd, uid, gid))
  }

  /** futimes through node:fs (io_uring has no utimes). */
  utimes(atime: fs.TimeLike, mtime: fs.TimeLike): Promise<void> {
    return FileHandle.#call(this, 'futimes', (_, fd) => futimes(fd, atime, mtime))
  }

  /**
   * Closes the fd (IORING_OP_CLOSE) once the handle's operations in flight
   * (and its streams) are done, and emits 'close' at once, as node:fs's does.
   * Closing twice is fine. An own property, so `const { close } = handle` works.
   */
  close = (): Promise<void> => {
    if (this.#fd === -1) return Promise.resolve()
    if (this.#closePromise !== undefined) return this.#closePromise
    unclosed.unregister(this)
    if (--this.#refs === 0) {
      const fd = this.#fd
      this.#fd = -1
      this.#closePromise = closeFd(this.#ring, fd).finally(() => {
        this.#closePromise = undefined
      })
    } else {
      this.#closePromise = new Promise<void>((resolve, reject) => {
        this.#closeResolve = resolve
        this.#closeReject = reject
      }).finally(() => {
        this.#closePromise = undefined
        this.#closeResolve = undefined
        this.#closeReject = undefined
      })
    }
    this.emit('close')
    return this.#closePromise
  }

  /** close(), for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /**
   * node:fs's fs.ReadStream over this handle, its reads through the ring
   * (`start`, `end`, `highWaterMark`, `encoding`, `autoClose`, `emitClose`,
   * `signal` as node:fs's). The handle stays open while the stream uses it.
   */
  createReadStream(options?: ReadStreamOptions): fs.ReadStream {
    const stream = fs.createReadStream(undefined as unknown as string, this.#streamOptions(options) as never)
    this.#adopt(stream)
    return stream
  }

  /** node:fs's fs.WriteStream over this handle, its writes through the ring (`start`, `highWaterMark`, `flush`, ... as node:fs's). */
  createWriteStream(options?: WriteStreamOptions): fs.WriteStream {
    const stream = fs.createWriteStream(undefined as unknown as string, this.#streamOptions(options) as never)
    this.#adopt(stream)
    return stream
  }

  /** The lines of the file (createReadStream's options), as node:fs's: a readline Interface, any line ending. */
  readLines(options?: ReadStreamOptions): Interface {
    return createInterface({ input: this.createReadStream(options), crlfDelay: Infinity })
  }

  #streamOptions(options: ReadStreamOptions | WriteStreamOptions | undefined): object {
    if ((options as { fs?: unknown } | undefined)?.fs) throw notImplemented('FileHandle with fs')
    return { ...options, fd: this.#fd, fs: this.#streamOps() }
  }

  /** Holds the handle open for `stream` (its close op lets go), and closes the stream when the handle closes. */
  #adopt(stream: fs.ReadStream | fs.WriteStream): void {
    this.#refs++
    this.on('close', () => stream.close())
  }

  /** The fs operations node:fs's streams call: this handle's, through the ring. */
  #streamOps(): object {
    type Done = (err: Error | null, n?: number, buffer?: unknown) => void
    return {
      open: () => {
        throw notImplemented('open()')
      },
      close: (_fd: number, done: (err?: Error | null) => void) => {
        this.#unref()
        this.close().then(() => done(null), done)
      },
      fsync: (_fd: number, done: (err?: Error | null) => void) => {
        this.sync().then(() => done(null), done)
      },
      read: (_fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: Position, done: Done) => {
        this.read(buffer, offset, length, position).then(
          (result) => done(null, result.bytesRead, result.buffer),
          (err: Error) => done(err, 0, buffer),
        )
      },
      write: (_fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: Position, done: Done) => {
        this.write(buffer, offset, length, position).then(
          (result) => done(null, result.bytesWritten, result.buffer),
          (err: Error) => done(err, 0, buffer),
        )
      },
      writev: (_fd: number, buffers: NodeJS.ArrayBufferView[], position: number | null, done: Done) => {
        this.writev(buffers, position).then(
          (result) => done(null, result.bytesWritten, result.buffers),
          (err: Error) => done(err, 0, buffers),
        )
      },
    }
  }

  /**
   * The file from the current position as a web ReadableStream of bytes
   * (BYOB readers work), read through the ring. Once per handle, as
   * node:fs's; closing the handle ends the stream.
   */
  readableWebStream(options: { type?: string } = {}): ReadableStream<Uint8Array> {
    if (this.#fd === -1) throw invalidState('The FileHandle is closed')
    if (this.#closePromise !== undefined) throw invalidState('The FileHandle is closing')
    if (this.#locked) throw invalidState('The FileHandle is locked')
    this.#locked = true
    if (options.type !== undefined && typeof options.type !== 'string') throw invalidArgType('options.type', 'of type string', options.type)
    let released = false
    let reading = false
    let handleClosed = false
    let over = false
    let controller!: ReadableByteStreamController
    const release = (): void => {
      if (released) return
      released = true
      this.#unref()
    }
    // The end of the file, or the handle closing: readers see the end, the handle is let go.
    const end = (): void => {
      over = true
      release()
      controller.close()
      controller.byobRequest?.respond(0)
    }
    const stream = new ReadableStream({
      type: 'bytes',
      autoAllocateChunkSize: 16384,
      start: (c) => {
        controller = c
      },
      pull: async (c) => {
        const view = c.byobRequest!.view as Uint8Array
        reading = true
        let bytesRead: number
        try {
          ;({ bytesRead } = await this.read(view, 0, view.byteLength))
        } catch (err) {
          // The stream errors; the handle is let go, so close() does not wait for it.
          over = true
          release()
          throw err
        } finally {
          reading = false
        }
        if (over) return
        if (bytesRead === 0 || handleClosed) end()
        else c.byobRequest!.respond(bytesRead)
      },
      cancel: () => {
        over = true
        release()
      },
    })
    this.#refs++
    this.once('close', () => {
      handleClosed = true
      if (!reading && !over) end()
    })
    return stream as ReadableStream<Uint8Array>
  }
}

/** writeFile's and appendFile's options, as node:fs reads them before opening anything. */
export function writeFileOptions(options: unknown, flag: string): FileOptions & { flag: string | number; flush: boolean } {
  const opts = getOptions<FileOptions>(options, { encoding: 'utf8', mode: 0o666, flag, flush: false })
  const flush = opts.flush ?? false
  validateBoolean(flush, 'options.flush')
  return { ...opts, flag: opts.flag || flag, flush }
}
