// node:fs/promises's functions on the thread's ring (defaultRing()), each
// checking its arguments in node:fs's order with node:fs's messages. What
// io_uring has no operation for is node:fs/promises's own, re-exported.

import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import type { BigIntStats, Stats } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import * as native from '@iouring/native'
import type { FixedFile } from '@iouring/register'
import { defaultRing, type IoUring } from '../ring.js'
import type { OpOptions } from '../engine.js'
import { invalidArgValue, isCanceled } from '../errors.js'
import { FileHandle, writeFileOptions } from './handle.js'
import { parseFlags, parseMode, type OpenFlags } from './flags.js'
import { NODE_MAJOR, checkAborted, getOptions, validateBoolean, validateInteger, validateRmdirOptions, type FileOptions } from './options.js'
import { pathText, validatePath, type PathLike } from './path.js'
import { handedOff } from './handoff.js'
import { readWhole } from './read.js'
import { MAX_WRITE, WriteCursor, giveSlot, prepareData, takeSlot, writeAll, writeBytes, type WriteFileData } from './write.js'
import { disposableWith } from './temp.js'

/** node:fs's constants (F_OK, O_*, COPYFILE_*, ...). */
export const constants = fs.constants

// io_uring has no operation for these: they are node:fs/promises's own. There
// is no getdents (readdir, opendir, cp), faccessat (access), fchmodat,
// fchownat or utimensat, readlinkat or realpath, statfs, or inotify (watch).
export { access, chmod, chown, cp, lchmod, lchown, lutimes, opendir, readdir, readlink, realpath, statfs, utimes, watch } from 'node:fs/promises'

/**
 * node:fs/promises's copyFile: io_uring has no copy_file_range, and node:fs's
 * copyFile copies the whole file inside the kernel in one threadpool request.
 * Through the ring (splicing 1 MiB chunks through pipes, four at a time) the
 * same copy measured 0.6-0.8x of that for 1 GiB, and 0.3x for 4 KiB files
 * (six round trips against one). ring.sendfile() is the splice copy, for
 * sockets and pipes.
 */
export { copyFile } from 'node:fs/promises'

const BIGINT = Object.freeze({ bigint: true as const })
const ftruncate = promisify(fs.ftruncate)
const EEXIST = -17

/** Runs `body`, turning a synchronous throw into a rejection, as an async function of node:fs/promises would. */
function promised<T>(body: () => Promise<T>): Promise<T> {
  try {
    return body()
  } catch (err) {
    return Promise.reject(err as Error)
  }
}

/**
 * `op`'s result once `fd` is closed, as node:fs's handleFdClose: a close
 * that fails rejects; when both fail, an AggregateError of the two with the
 * operation's message and code.
 */
async function closeAfter<T>(ring: IoUring, fd: number | FixedFile, op: Promise<T>): Promise<T> {
  let result: T
  try {
    result = await op
  } catch (opError) {
    try {
      await ring.close(fd)
    } catch (closeError) {
      if (closeError === opError) throw opError
      throw Object.assign(new AggregateError([opError, closeError], (opError as Error).message), { code: (opError as { code?: string }).code })
    }
    throw opError
  }
  await ring.close(fd)
  return result
}

// ------------------------------------------------------------ open, stat

/** Opens `path` ('r' by default, mode 0o666): a FileHandle on the thread's ring. */
export function open(path: PathLike, flags?: OpenFlags, mode?: fs.Mode): Promise<FileHandle> {
  return promised(async () => {
    const file = validatePath(path)
    const bits = parseFlags(flags)
    const perm = parseMode(mode, 'mode', 0o666)
    const ring = defaultRing()
    return new FileHandle(ring, await ring.open(file, bits, perm))
  })
}

type StatOptions = { bigint?: boolean } | undefined

/** stat's options: node:fs's, and `throwIfNoEntry` where the running node:fs/promises takes it. */
export type StatFileOptions = fs.StatOptions & { throwIfNoEntry?: boolean }

/** Node's order: the path is checked before the options are read (null options fail as property reads). */
function bigintOption(path: unknown, options: StatOptions | null): typeof BIGINT | undefined {
  if (options === undefined) return undefined
  if (options === null) validatePath(path)
  return (options as { bigint?: boolean }).bigint === true ? BIGINT : undefined
}

export function stat(path: PathLike, options?: StatFileOptions & { bigint?: false }): Promise<Stats>
export function stat(path: PathLike, options: StatFileOptions & { bigint: true }): Promise<BigIntStats>
export function stat(path: PathLike, options?: StatFileOptions): Promise<Stats | BigIntStats | undefined>
export function stat(path: PathLike, options?: StatFileOptions): Promise<Stats | BigIntStats | undefined> {
  let stats: Promise<Stats | BigIntStats>
  try {
    stats = defaultRing().stat(path, bigintOption(path, options))
  } catch (err) {
    return Promise.reject(err as Error)
  }
  return options?.throwIfNoEntry === false ? stats.catch(unlessNoEntry) : stats
}

/** Whether the running node:fs/promises's stat takes `throwIfNoEntry` (Node.js 24.x, 25.7): asked once, of a path that cannot exist. */
let statTakesThrowIfNoEntry: Promise<boolean> | undefined

/** `{ throwIfNoEntry: false }`: a missing file (ENOENT, ENOTDIR) is undefined, where node:fs/promises takes the option. */
async function unlessNoEntry(err: { code?: string }): Promise<undefined> {
  if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') throw err
  statTakesThrowIfNoEntry ??= fsp.stat('/dev/null/none', { throwIfNoEntry: false } as fs.StatOptions).then((result) => result === undefined, () => false)
  if (!(await statTakesThrowIfNoEntry)) throw err
  return undefined
}

export function lstat(path: PathLike, options?: fs.StatOptions & { bigint?: false }): Promise<Stats>
export function lstat(path: PathLike, options: fs.StatOptions & { bigint: true }): Promise<BigIntStats>
export function lstat(path: PathLike, options?: fs.StatOptions): Promise<Stats | BigIntStats>
export function lstat(path: PathLike, options?: fs.StatOptions): Promise<Stats | BigIntStats> {
  try {
    return defaultRing().lstat(path, bigintOption(path, options))
  } catch (err) {
    return Promise.reject(err as Error)
  }
}

// ------------------------------------------------------------ whole files

type ReadFileOptions = { encoding?: BufferEncoding | null; flag?: OpenFlags; signal?: AbortSignal } | BufferEncoding | null

/** The contents of a file (path or FileHandle): a Buffer, or a string with an encoding. */
export function readFile(path: PathLike | FileHandle, options?: { encoding?: null; flag?: OpenFlags; signal?: AbortSignal } | null): Promise<Buffer>
export function readFile(path: PathLike | FileHandle, options: { encoding: BufferEncoding; flag?: OpenFlags; signal?: AbortSignal } | BufferEncoding): Promise<string>
export function readFile(path: PathLike | FileHandle, options?: ReadFileOptions): Promise<string | Buffer>
export function readFile(path: PathLike | FileHandle, options?: ReadFileOptions): Promise<string | Buffer> {
  return promised(async () => {
    const opts = getOptions<FileOptions>(options, { flag: 'r' })
    if (path instanceof FileHandle) return path.readFile(opts as ReadFileOptions)
    checkAborted(opts.signal)
    const file = validatePath(path)
    const bits = parseFlags(opts.flag || 'r')
    const ring = defaultRing()
    const fd = await ring.open(file, bits, 0o666)
    const data = await closeAfter(ring, fd, readWhole(ring, fd, file, opts.signal))
    return opts.encoding ? data.toString(opts.encoding as BufferEncoding) : data
  })
}

interface WriteOptions {
  encoding?: BufferEncoding | null
  mode?: fs.Mode
  flag?: OpenFlags
  signal?: AbortSignal
  flush?: boolean | null
}

/** Writes `data` to a file (path or FileHandle), replacing it ('w') unless `flag` says otherwise. */
export function writeFile(path: PathLike | FileHandle, data: WriteFileData, options?: WriteOptions | BufferEncoding | null): Promise<void> {
  return promised(() => writeFileWith(path, data, options, 'w'))
}

/** Appends `data` to a file (path or FileHandle), creating it ('a'). */
export function appendFile(path: PathLike | FileHandle, data: WriteFileData, options?: WriteOptions | BufferEncoding | null): Promise<void> {
  return promised(() => writeFileWith(path, data, options, 'a'))
}

async function writeFileWith(path: PathLike | FileHandle, data: WriteFileData, options: unknown, defaultFlag: string): Promise<void> {
  const opts = writeFileOptions(options, defaultFlag)
  const encoding = opts.encoding as BufferEncoding | null | undefined
  const bytes = prepareData(data, encoding)
  const signal = opts.signal
  if (path instanceof FileHandle) return path.writeFile(bytes as WriteFileData, { encoding, signal })
  checkAborted(signal)
  const file = validatePath(path)
  const bits = parseFlags(opts.flag)
  const perm = parseMode(opts.mode, 'mode', 0o666)
  const ring = defaultRing()
  // Linked where there is a write to link: a view of 0 bytes (or a detached
  // one, which node:fs writes as empty) opens and closes, as node:fs does.
  if (signal === undefined && ArrayBuffer.isView(bytes) && bytes.byteLength > 0 && bytes.byteLength <= MAX_WRITE) {
    const linked = await handedOff(ring, async (on) => {
      const slot = takeSlot(on)
      if (slot === undefined) return false
      try {
        await writeLinked(on, slot, file, bits, perm, bytes as ArrayBufferView, Boolean(opts.flush))
        return true
      } finally {
        giveSlot(on, slot)
      }
    })
    if (linked) return
  }
  const fd = await ring.open(file, bits, perm)
  const written = writeAll(ring, fd, bytes, encoding, signal, startsAt(bits)).then(async () => {
    if (opts.flush) await ring.fsync(fd)
  })
  await closeAfter(ring, fd, written)
}

/** writeFile's data starts at offset 0 of the file it opened, unless O_APPEND puts every write at the end. */
function startsAt(flags: number): WriteCursor {
  return new WriteCursor((flags & fs.constants.O_APPEND) !== 0 ? undefined : 0)
}

/**
 * writeFile of `data` as one linked submission (IOSQE_IO_LINK) through
 * direct-descriptor slot `slot`: open, write, fsync with `flush`, close. Where
 * the open or the write goes to an io-wq worker (an open that creates or
 * truncates always does, and every write on tmpfs), the steps after it run
 * in the same worker: one hand-off instead of two. A step that fails, or a
 * write that comes up short, cancels the steps after it: the rest is then
 * done one step at a time, and the slot closed.
 */
async function writeLinked(ring: IoUring, slot: number, path: PathLike, flags: number, mode: number, data: ArrayBufferView, flush: boolean): Promise<void> {
  const file = ring.fixedFile(slot)
  // Steps before the close post a CQE only if they fail (CQE_SKIP_SUCCESS,
  // 5.17; takeSlot's table needs 6.0): the chain's success is one CQE, and
  // one wake-up.
  const outcomes = await ring.chain((linked) => [
    linked.openDirect(path, flags, mode, slot, SKIP_SUCCESS),
    linked.write(file, data, -1, SKIP_SUCCESS),
    ...(flush ? [linked.fsync(file, SKIP_SUCCESS)] : []),
    linked.closeDirect(slot),
  ])
  const [opened, wrote] = outcomes
  const closed = outcomes[outcomes.length - 1]
  if (opened.status === 'rejected') throw opened.reason
  if (closed.status === 'fulfilled') return
  // Every step before it done: the close failed on its own.
  if (!isCanceled(closed.reason)) throw closed.reason
  // A step failed, or the write came up short, and the steps after it were
  // cancelled (posting nothing): the rest is done one step at a time, and
  // the slot closed.
  const synced = flush ? outcomes[2] : undefined
  const rest = (async () => {
    if (wrote.status === 'rejected') throw wrote.reason
    if (synced?.status === 'rejected' && !isCanceled(synced.reason)) throw synced.reason
    // The write ended the chain: it came up short, and only then posted its
    // count (a write that went whole posts nothing and resolves to 0).
    const cursor = startsAt(flags)
    cursor.advance(wrote.value, data.byteLength)
    await writeBytes(ring, file, new Uint8Array(data.buffer, data.byteOffset + wrote.value, data.byteLength - wrote.value), undefined, cursor)
    if (flush) await ring.fsync(file)
  })()
  await closeAfter(ring, file, rest)
}

const SKIP_SUCCESS: OpOptions = Object.freeze({ skipSuccess: true })

// ------------------------------------------------------------ names

/** mkdir, with `recursive` (returns the first directory it created, as node:fs does) and `mode`. */
export function mkdir(path: PathLike, options: fs.MakeDirectoryOptions & { recursive: true }): Promise<string | undefined>
export function mkdir(path: PathLike, options?: fs.Mode | (fs.MakeDirectoryOptions & { recursive?: false }) | null): Promise<void>
export function mkdir(path: PathLike, options?: fs.Mode | fs.MakeDirectoryOptions | null): Promise<string | undefined>
export function mkdir(path: PathLike, options?: fs.Mode | fs.MakeDirectoryOptions | null): Promise<string | undefined | void> {
  return promised(async () => {
    const given = typeof options === 'number' || typeof options === 'string' ? { mode: options } : options
    // node:fs takes the fields of whatever it is given (`true` has none).
    const { recursive = false, mode = 0o777 } = (given || {}) as { recursive?: unknown; mode?: unknown }
    const file = validatePath(path)
    validateBoolean(recursive, 'options.recursive')
    const perm = parseMode(mode, 'mode', 0o777)
    const ring = defaultRing()
    if (!ring.probe().supports('MKDIRAT')) return fsp.mkdir(path, { recursive, mode: perm })
    if (!recursive) {
      await ring.mkdir(file, perm)
      return undefined
    }
    return mkdirp(ring, pathText(file), perm)
  })
}

/** node:fs's recursive mkdir (MKDirpAsync): ENOENT climbs to the parent; errors name the path asked for. */
async function mkdirp(ring: IoUring, path: string, mode: number): Promise<string | undefined> {
  const stack = [path]
  let first: string | undefined
  const fail = (errno: number): Error => native.systemError(errno, 'mkdir', { path })
  while (stack.length > 0) {
    const next = stack.pop() as string
    try {
      await ring.mkdir(next, mode)
      first ??= next
      continue
    } catch (err) {
      const { code, errno } = err as { code?: string; errno: number }
      if (code === 'EACCES' || code === 'ENOSPC' || code === 'ENOTDIR' || code === 'EPERM' || typeof errno !== 'number') throw typeof errno === 'number' ? fail(errno) : err
      if (code === 'ENOENT') {
        const parent = dirname(next)
        if (parent === next) throw fail(errno)
        stack.push(next, parent)
        continue
      }
      // EEXIST (or another error): fine if it is a directory.
      let isDirectory: boolean
      try {
        isDirectory = (await ring.stat(next)).isDirectory()
      } catch {
        throw fail(errno)
      }
      if (!isDirectory) throw fail(next === path || code !== 'EEXIST' ? errno : -20 /* ENOTDIR */)
    }
  }
  return first
}

/** Removes a file or symbolic link. */
export function unlink(path: PathLike): Promise<void> {
  return promised(async () => {
    const ring = defaultRing()
    if (!ring.probe().supports('UNLINKAT')) return fsp.unlink(path)
    await ring.unlink(path)
  })
}

const RMDIR_DEFAULTS = Object.freeze({ retryDelay: 100, maxRetries: 0, recursive: false })
const RM_DEFAULTS = Object.freeze({ recursive: false, force: false, retryDelay: 100, maxRetries: 0 })

/** Removes an empty directory (node:fs's deprecated `recursive` option is node:fs's rmdir). */
export function rmdir(path: PathLike, options?: fs.RmDirOptions): Promise<void> {
  return promised(async () => {
    const file = validatePath(path)
    const ring = defaultRing()
    if (validateRmdirOptions(options, RMDIR_DEFAULTS).recursive || !ring.probe().supports('UNLINKAT')) return fsp.rmdir(path, options)
    await ring.rmdir(file)
  })
}

/**
 * rm: a file or link is unlinked through the ring. `recursive`, retries,
 * and every failure (so that its error is node:fs's own: a directory
 * without `recursive` is ERR_FS_EISDIR) are node:fs/promises's rm.
 */
export function rm(path: PathLike, options?: fs.RmOptions): Promise<void> {
  return promised(async () => {
    const file = validatePath(path)
    const opts = validateRmdirOptions(options, RM_DEFAULTS)
    validateBoolean(opts.force, 'options.force')
    if (opts.recursive || opts.maxRetries > 0) return fsp.rm(path, options)
    try {
      await defaultRing().unlink(file)
    } catch (err) {
      if (opts.force && (err as { code?: string }).code === 'ENOENT') return
      return fsp.rm(path, options)
    }
  })
}

/** Renames `oldPath` to `newPath`, replacing it. */
export function rename(oldPath: PathLike, newPath: PathLike): Promise<void> {
  return promised(async () => {
    const ring = defaultRing()
    if (!ring.probe().supports('RENAMEAT')) return fsp.rename(oldPath, newPath)
    await ring.rename(oldPath, newPath)
  })
}

const SYMLINK_TYPES = ['dir', 'file', 'junction', null, undefined]

/**
 * Creates `path` as a symbolic link to `target`. `type` matters only on
 * Windows; from Node.js 24 on, node:fs refuses one that is not a symlink type.
 */
export function symlink(target: PathLike, path: PathLike, type?: string | null): Promise<void> {
  return promised(async () => {
    if (NODE_MAJOR >= 24 && !SYMLINK_TYPES.includes(type)) throw invalidArgValue('type', "must be one of: 'dir', 'file', 'junction', null, undefined", type)
    const ring = defaultRing()
    if (!ring.probe().supports('SYMLINKAT')) return fsp.symlink(target, path, type)
    await ring.symlink(target, path)
  })
}

/** Creates `newPath` as a hard link to `existingPath`. */
export function link(existingPath: PathLike, newPath: PathLike): Promise<void> {
  return promised(async () => {
    const ring = defaultRing()
    if (!ring.probe().supports('LINKAT')) return fsp.link(existingPath, newPath)
    await ring.link(existingPath, newPath)
  })
}

/** Sets a file's size to `len` (default 0), as node:fs's: open 'r+', then the length is checked, ftruncate (Linux 6.9; node:fs's before), close. */
export function truncate(path: PathLike, len: number = 0): Promise<void> {
  return promised(async () => {
    const ring = defaultRing()
    const fd = await ring.open(path, 'r+')
    const truncated = (async () => {
      validateInteger(len, 'len')
      const size = Math.max(0, len)
      if (ring.probe().supports('FTRUNCATE')) await ring.ftruncate(fd, size)
      else await ftruncate(fd, size)
    })()
    await closeAfter(ring, fd, truncated)
  })
}

const TEMP_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
/** How many names mkdtemp tries before giving up with EEXIST. */
const TEMP_ATTEMPTS = 100
let warnedTemplate = false

/**
 * mkdtemp: `prefix` and six random letters and digits, created 0o700 with
 * IORING_OP_MKDIRAT (another name while one exists), as mkdtemp(3).
 */
export function mkdtemp(prefix: PathLike, options?: fs.EncodingOption): Promise<string>
export function mkdtemp(prefix: PathLike, options: fs.BufferEncodingOption): Promise<Buffer>
export function mkdtemp(prefix: PathLike, options?: fs.EncodingOption | fs.BufferEncodingOption): Promise<string | Buffer>
export function mkdtemp(prefix: PathLike, options?: fs.EncodingOption | fs.BufferEncodingOption): Promise<string | Buffer> {
  return promised(async () => {
    const ring = defaultRing()
    if (!ring.probe().supports('MKDIRAT')) return fsp.mkdtemp(prefix as string, options as fs.EncodingOption)
    const { encoding } = getOptions<FileOptions>(options, {})
    const base = validatePath(prefix, 'prefix')
    const last = typeof base === 'string' ? base.charCodeAt(base.length - 1) : base[base.length - 1]
    if (last === 0x58 /* X */ && !warnedTemplate) {
      warnedTemplate = true
      process.emitWarning('mkdtemp() templates ending with X are not portable. For details see: https://nodejs.org/api/fs.html')
    }
    const random = new Uint8Array(6)
    for (let attempt = 1; ; attempt++) {
      crypto.getRandomValues(random)
      let suffix = ''
      for (const byte of random) suffix += TEMP_CHARS[byte % TEMP_CHARS.length]
      const path = Buffer.concat([typeof base === 'string' ? Buffer.from(base) : base, Buffer.from(suffix)])
      try {
        await ring.mkdir(path, 0o700)
      } catch (err) {
        const errno = (err as { errno?: number }).errno
        if (errno === EEXIST && attempt < TEMP_ATTEMPTS) continue
        throw typeof errno === 'number' ? native.systemError(errno, 'mkdtemp', { path: path.toString() }) : err
      }
      if (encoding === 'buffer') return path
      return path.toString((encoding || 'utf8') as BufferEncoding)
    }
  })
}

/**
 * mkdtemp, resolving to `{ path, remove(), [Symbol.asyncDispose]() }`, as
 * node:fs/promises's (Node.js 24).
 */
export const mkdtempDisposable = disposableWith(mkdtemp)

/** node:fs/promises's glob (directory traversal, no io_uring operation), where the running Node.js has one (22 on); undefined before. */
export const glob = (fsp as { glob?: (pattern: string | readonly string[], options?: object) => AsyncIterableIterator<unknown> }).glob
