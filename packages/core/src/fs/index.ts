// @iouring/core/fs: node:fs/promises's functions, through the thread's ring
// (defaultRing()). Arguments, options and results are node:fs/promises's,
// so switching is a change of import. What io_uring has no operation for is
// node:fs/promises's own function, re-exported.

import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import type { BigIntStats, Stats } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import * as native from '@iouring/native'
import { defaultRing, type IoUring } from '../ring.js'
import { invalidArgType } from '../errors.js'
import { FileHandle } from './handle.js'
import { parseFlags, parseMode, type OpenFlags } from './flags.js'
import { checkAborted, getOptions, validateBoolean, validateInteger } from './options.js'
import { validatePath, type PathLike } from './path.js'
import { readWhole } from './read.js'
import { validateData, writeAll, type WriteFileData } from './write.js'

export { FileHandle } from './handle.js'
export type { FileReadResult, FileWriteResult, FileReadOptions } from './handle.js'
export type { PathLike } from './path.js'
export type { OpenFlags } from './flags.js'
export type { WriteFileData } from './write.js'
export { FLAG_STRINGS } from './flags.js'

/** node:fs's constants (F_OK, O_*, COPYFILE_*, ...). */
export const constants = fs.constants

// No io_uring operation exists for these: they are node:fs/promises's own.
export { access, chmod, chown, cp, lchmod, lchown, lutimes, mkdtemp, opendir, readdir, readlink, realpath, statfs, utimes, watch } from 'node:fs/promises'

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

/** Runs `body`, turning a synchronous throw into a rejection, as an async function of node:fs/promises would. */
function promised<T>(body: () => Promise<T>): Promise<T> {
  try {
    return body()
  } catch (err) {
    return Promise.reject(err as Error)
  }
}

type EncodingOption = { encoding?: BufferEncoding | null; flag?: OpenFlags; signal?: AbortSignal } | BufferEncoding | null

// ------------------------------------------------------------ open, stat

/** Opens `path` ('r' by default, mode 0o666): a FileHandle on the thread's ring. */
export function open(path: PathLike, flags?: OpenFlags, mode?: fs.Mode): Promise<FileHandle> {
  return promised(async () => {
    const ring = defaultRing()
    const fd = await ring.open(path, flags ?? 'r', mode ?? 0o666)
    return new FileHandle(ring, fd)
  })
}

export function stat(path: PathLike, options?: fs.StatOptions & { bigint?: false }): Promise<Stats>
export function stat(path: PathLike, options: fs.StatOptions & { bigint: true }): Promise<BigIntStats>
export function stat(path: PathLike, options?: fs.StatOptions): Promise<Stats | BigIntStats>
export function stat(path: PathLike, options?: fs.StatOptions): Promise<Stats | BigIntStats> {
  try {
    return defaultRing().stat(path, options?.bigint === true ? BIGINT : undefined)
  } catch (err) {
    return Promise.reject(err as Error)
  }
}

export function lstat(path: PathLike, options?: fs.StatOptions & { bigint?: false }): Promise<Stats>
export function lstat(path: PathLike, options: fs.StatOptions & { bigint: true }): Promise<BigIntStats>
export function lstat(path: PathLike, options?: fs.StatOptions): Promise<Stats | BigIntStats>
export function lstat(path: PathLike, options?: fs.StatOptions): Promise<Stats | BigIntStats> {
  try {
    return defaultRing().lstat(path, options?.bigint === true ? BIGINT : undefined)
  } catch (err) {
    return Promise.reject(err as Error)
  }
}

// ------------------------------------------------------------ whole files

/** The contents of a file (path or FileHandle): a Buffer, or a string with an encoding. */
export function readFile(path: PathLike | FileHandle, options?: { encoding?: null; flag?: OpenFlags; signal?: AbortSignal } | null): Promise<Buffer>
export function readFile(path: PathLike | FileHandle, options: { encoding: BufferEncoding; flag?: OpenFlags; signal?: AbortSignal } | BufferEncoding): Promise<string>
export function readFile(path: PathLike | FileHandle, options?: EncodingOption): Promise<string | Buffer>
export function readFile(path: PathLike | FileHandle, options?: EncodingOption): Promise<string | Buffer> {
  return promised(async () => {
    const { encoding, flag, signal } = getOptions(options, { flag: 'r' as OpenFlags })
    if (path instanceof FileHandle) return path.readFile({ encoding, signal })
    checkAborted(signal)
    const ring = defaultRing()
    const fd = await ring.open(path, flag || 'r', 0o666)
    let data: Buffer
    try {
      data = await readWhole(ring, fd, signal)
    } finally {
      await ring.close(fd)
    }
    return encoding ? data.toString(encoding) : data
  })
}

interface WriteOptions {
  encoding?: BufferEncoding | null
  mode?: fs.Mode
  flag?: OpenFlags
  signal?: AbortSignal
  flush?: boolean
}

/** Writes `data` to a file (path or FileHandle), replacing it ('w') unless `flag` says otherwise. */
export function writeFile(path: PathLike | FileHandle, data: WriteFileData, options?: WriteOptions | BufferEncoding | null): Promise<void> {
  return promised(() => writeFileWith(path, data, options, 'w'))
}

/** Appends `data` to a file (path or FileHandle), creating it ('a'). */
export function appendFile(path: PathLike | FileHandle, data: WriteFileData, options?: WriteOptions | BufferEncoding | null): Promise<void> {
  return promised(() => writeFileWith(path, data, options, 'a'))
}

async function writeFileWith(path: PathLike | FileHandle, data: WriteFileData, options: WriteOptions | BufferEncoding | null | undefined, defaultFlag: OpenFlags): Promise<void> {
  const opts = getOptions(options, { encoding: 'utf8' as BufferEncoding, mode: 0o666, flag: defaultFlag, flush: false } as WriteOptions)
  const flush = opts.flush === undefined ? false : validateBoolean(opts.flush, 'options.flush')
  validateData(data)
  const encoding = opts.encoding || 'utf8'
  const signal = opts.signal
  if (path instanceof FileHandle) {
    checkAborted(signal)
    return path.writeFile(data, { encoding, signal })
  }
  checkAborted(signal)
  const ring = defaultRing()
  const fd = await ring.open(path, opts.flag || defaultFlag, opts.mode ?? 0o666)
  try {
    await writeAll(ring, fd, data, encoding, signal)
    if (flush) await ring.fsync(fd)
  } finally {
    await ring.close(fd)
  }
}

// ------------------------------------------------------------ names

/** mkdir, with `recursive` (returns the first directory it created, as node:fs does) and `mode`. */
export function mkdir(path: PathLike, options: fs.MakeDirectoryOptions & { recursive: true }): Promise<string | undefined>
export function mkdir(path: PathLike, options?: fs.Mode | (fs.MakeDirectoryOptions & { recursive?: false }) | null): Promise<void>
export function mkdir(path: PathLike, options?: fs.Mode | fs.MakeDirectoryOptions | null): Promise<string | undefined>
export function mkdir(path: PathLike, options?: fs.Mode | fs.MakeDirectoryOptions | null): Promise<string | undefined | void> {
  return promised(async () => {
    let mode: unknown = 0o777
    let recursive = false
    if (typeof options === 'number' || typeof options === 'string') mode = options
    else if (options !== undefined && options !== null) {
      // node:fs reads the fields of whatever it is given (a boolean has neither).
      if (options.recursive !== undefined) recursive = validateBoolean(options.recursive, 'options.recursive')
      if (options.mode !== undefined) mode = options.mode
    }
    const perm = parseMode(mode, 'mode', 0o777)
    const file = validatePath(path)
    const ring = defaultRing()
    if (!recursive) {
      await ring.mkdir(file, perm)
      return undefined
    }
    if (typeof file !== 'string') return fsp.mkdir(path, { recursive: true, mode: perm })
    return mkdirp(ring, file, perm)
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
    await defaultRing().unlink(path)
  })
}

/** Removes an empty directory (node:fs's deprecated `recursive` option is node:fs's rmdir). */
export function rmdir(path: PathLike, options?: fs.RmDirOptions): Promise<void> {
  return promised(async () => {
    if (options?.recursive === true) return fsp.rmdir(path, options)
    await defaultRing().rmdir(path)
  })
}

/**
 * rm: a file or link is unlinked through the ring; `recursive` removal, and
 * every error case (so that its error is node:fs's own: a directory without
 * `recursive` is ERR_FS_EISDIR), is node:fs/promises's rm.
 */
export function rm(path: PathLike, options?: fs.RmOptions): Promise<void> {
  return promised(async () => {
    if (options !== undefined && options !== null && (typeof options !== 'object' || options.recursive === true || options.maxRetries !== undefined || options.retryDelay !== undefined)) {
      return fsp.rm(path, options)
    }
    const force = options?.force === true
    try {
      await defaultRing().unlink(path)
    } catch (err) {
      if (force && (err as { code?: string }).code === 'ENOENT') return
      return fsp.rm(path, options)
    }
  })
}

/** Renames `oldPath` to `newPath`, replacing it. */
export function rename(oldPath: PathLike, newPath: PathLike): Promise<void> {
  return promised(async () => {
    await defaultRing().rename(oldPath, newPath)
  })
}

/** Creates `path` as a symbolic link to `target` (`type` matters only on Windows). */
export function symlink(target: PathLike, path: PathLike, type?: string | null): Promise<void> {
  return promised(async () => {
    if (type !== undefined && type !== null && typeof type !== 'string') throw invalidArgType('type', 'of type string', type)
    await defaultRing().symlink(target, path)
  })
}

/** Creates `newPath` as a hard link to `existingPath`. */
export function link(existingPath: PathLike, newPath: PathLike): Promise<void> {
  return promised(async () => {
    await defaultRing().link(existingPath, newPath)
  })
}

/** Sets a file's size to `len` (default 0): open 'r+', ftruncate (Linux 6.9; node:fs's before), close. */
export function truncate(path: PathLike, len = 0): Promise<void> {
  return promised(async () => {
    const size = Math.max(0, validateInteger(len, 'len'))
    const ring = defaultRing()
    const fd = await ring.open(path, parseFlags('r+'))
    try {
      if (ring.probe().supports('FTRUNCATE')) await ring.ftruncate(fd, size)
      else await ftruncate(fd, size)
    } finally {
      await ring.close(fd)
    }
  })
}
