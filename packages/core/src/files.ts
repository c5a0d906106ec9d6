import type { BigIntStats, Stats } from 'node:fs'
import * as native from '@iouring/native'
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_REMOVEDIR,
  AT_STATX_SYNC_AS_STAT,
  AT_SYMLINK_NOFOLLOW,
  IORING_FILE_INDEX_ALLOC,
  IORING_FSYNC_DATASYNC,
  IORING_OP_CLOSE,
  IORING_OP_FADVISE,
  IORING_OP_FALLOCATE,
  IORING_OP_FGETXATTR,
  IORING_OP_FSETXATTR,
  IORING_OP_FSYNC,
  IORING_OP_FTRUNCATE,
  IORING_OP_GETXATTR,
  IORING_OP_LINKAT,
  IORING_OP_MADVISE,
  IORING_OP_MKDIRAT,
  IORING_OP_OPENAT,
  IORING_OP_OPENAT2,
  IORING_OP_PIPE,
  IORING_OP_RENAMEAT,
  IORING_OP_SETXATTR,
  IORING_OP_SPLICE,
  IORING_OP_STATX,
  IORING_OP_SYMLINKAT,
  IORING_OP_SYNC_FILE_RANGE,
  IORING_OP_TEE,
  IORING_OP_UNLINKAT,
  O_CLOEXEC,
  RENAME_EXCHANGE,
  RENAME_NOREPLACE,
  RENAME_WHITEOUT,
  RESOLVE_FLAGS,
  SPLICE_F_FD_IN_FIXED,
  STATX_BASIC_STATS,
  STATX_BTIME,
  encodeOpenHow,
  prepClose,
  prepCloseDirect,
  prepFadvise,
  prepFadvise64,
  prepFallocate,
  prepFgetxattr,
  prepFsetxattr,
  prepFsync,
  prepFtruncate,
  prepGetxattr,
  prepLinkat,
  prepMadvise,
  prepMkdirat,
  prepOpenat,
  prepOpenat2,
  prepOpenat2Direct,
  prepOpenatDirect,
  prepPipe,
  prepRenameat,
  prepSetxattr,
  prepSplice,
  prepStatx,
  prepSymlinkat,
  prepSyncFileRange,
  prepTee,
  prepUnlinkat,
  type Statx,
} from '@iouring/ops'
import { isFixedFile, requireKernel } from '@iouring/register'
import type { OpOptions, Operations } from './engine.js'
import type { IoUring } from './ring.js'
import { invalidArgType, invalidArgValue, isCanceled, outOfRange, ringClosed } from './errors.js'
import { parseFlags, parseMode, type OpenFlags } from './fs/flags.js'
import { EMPTY_PATH, encodeName, encodePath, encodedSlab, pathText, validatePath, type PathLike } from './fs/path.js'
import { pageSize } from './fs/page.js'
import { bigIntStatsResult, releaseStatx, statsResult, statxAddress, statxResult, takeStatx } from './fs/stats.js'
import { fdOf, markFixed, validateFd, validatePosition, validateTarget, validateUint32, validateView, type Target } from './validate.js'

let emptyPathAddress = 0

/** Address of the shared empty path (fstat's AT_EMPTY_PATH). */
function emptyPathOf(): number {
  return emptyPathAddress === 0 ? (emptyPathAddress = native.addressOf(EMPTY_PATH)) : emptyPathAddress
}

/** What statx asks for by default: what node:fs's stat reports (libuv asks for the same). */
export const STAT_MASK = STATX_BASIC_STATS | STATX_BTIME

/** An openat2 RESOLVE_* flag by its name without the prefix. */
export type ResolveName = 'NO_XDEV' | 'NO_MAGICLINKS' | 'NO_SYMLINKS' | 'BENEATH' | 'IN_ROOT' | 'CACHED'

/** struct open_how for openat2. */
export interface OpenHow {
  /** O_* bits or a node:fs flag string ('r', 'w+', ...). Default 'r'. */
  flags?: OpenFlags
  /** File mode for O_CREAT / O_TMPFILE. Default 0o666 when the flags create a file, else 0. */
  mode?: number | string
  /** RESOLVE_* bits, or their names: ['BENEATH', 'NO_SYMLINKS']. */
  resolve?: number | readonly ResolveName[]
}

/** `{ bigint: true }` makes stat results BigIntStats (and statx fields bigints), as node:fs does. */
export interface StatOptions extends OpOptions {
  /** Results as BigIntStats. */
  bigint?: boolean
}

export interface RenameOptions extends OpOptions {
  /** RENAME_NOREPLACE: fail with EEXIST instead of replacing the new path. */
  noReplace?: boolean
  /** RENAME_EXCHANGE: swap the two paths atomically (both must exist). */
  exchange?: boolean
}

export interface XattrGetOptions extends OpOptions {
  /** Bytes to read at first; a larger value is asked for its size and read again. Default 1024. */
  size?: number
}

/** Options of sendfile(). */
export interface SendfileOptions extends Omit<OpOptions, 'timeout' | 'skipSuccess' | 'drain'> {
  /** Where to read `inFd` from; default: its current position, which advances. */
  offset?: number | bigint | null
  /** Where to write `outFd`; default: its current position (or the end, with O_APPEND). */
  outOffset?: number | bigint | null
  /** Bytes to copy; default: up to the end of `inFd`. */
  length?: number
}

/** What sendfile() asks its pipe to hold (F_SETPIPE_SZ; the default pipe-max-size): the bytes per pair of splices. */
const SENDFILE_PIPE_SIZE = 1024 * 1024
const ERANGE = -34

const RENAME_BITS = RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT

/**
 * File-system operations: open, close, stat, truncate, allocate, advise,
 * link and rename families, extended attributes, splice and tee.
 * IoUring extends this.
 *
 * Paths are strings, Buffers or file: URLs, as node:fs takes them; a failure
 * on a path rejects with a system error that carries `path` (and `dest`),
 * like node:fs's. The *at() forms take a directory fd, or AT_FDCWD (-100).
 */
export class FileOperations {
  declare readonly operations: Operations

  // ------------------------------------------------------------ open and close

  /** IORING_OP_OPENAT: opens `path` relative to `dirfd`. Resolves to the new fd. */
  openat(dirfd: number, path: PathLike, flags: OpenFlags = 0, mode: number | string = 0o666, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const dir = validateDirfd(dirfd)
    const file = validatePath(path)
    const bits = parseFlags(flags)
    const perm = parseMode(mode, 'mode', 0o666)
    ops.require(IORING_OP_OPENAT)
    const addr = encodePath(file)
    const bytes = encodedSlab()
    const at = ops.prepare()
    prepOpenat(ops.sqes, at, dir, addr, bits, perm)
    return ops.startPath(at, 'openat', bytes, options, pathText(file))
  }

  /**
   * Opens `path` as node:fs's open() does: a flag string ('r', 'r+', 'rs+',
   * 'w', 'wx', 'w+', 'wx+', 'a', 'ax', 'a+', 'ax+', ...) or O_* bits, mode
   * 0o666 by default, always close-on-exec. Resolves to the new fd; errors
   * read like node:fs's (`syscall: 'open'`, `path`).
   */
  open(path: PathLike, flags: OpenFlags = 'r', mode: number | string = 0o666, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const file = validatePath(path)
    const bits = parseFlags(flags) | O_CLOEXEC
    const perm = parseMode(mode, 'mode', 0o666)
    ops.require(IORING_OP_OPENAT)
    const addr = encodePath(file)
    const bytes = encodedSlab()
    const at = ops.prepare()
    prepOpenat(ops.sqes, at, AT_FDCWD, addr, bits, perm)
    return ops.startPath(at, 'open', bytes, options, pathText(file))
  }

  /** IORING_OP_OPENAT2: openat with struct open_how, whose `resolve` restricts path resolution (RESOLVE_*). Resolves to the fd. */
  openat2(dirfd: number, path: PathLike, how: OpenHow = {}, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const dir = validateDirfd(dirfd)
    const file = validatePath(path)
    const openHow = encodeOpenHow(validateHow(how))
    ops.require(IORING_OP_OPENAT2)
    const addr = encodePath(file)
    const bytes = encodedSlab()
    const at = ops.prepare()
    prepOpenat2(ops.sqes, at, dir, addr, native.addressOf(openHow))
    return ops.startPath(at, 'openat2', [bytes, openHow], options, pathText(file))
  }

  /**
   * openat straight into the registered file table (a direct descriptor):
   * slot `fileIndex`, or any free slot with 'alloc' (IORING_FILE_INDEX_ALLOC).
   * Resolves to the slot's index; use it as `ring.fixedFile(index)`. The ring
   * needs a file table (registerFiles / registerFilesSparse from @iouring/register).
   */
  openatDirect(dirfd: number, path: PathLike, flags: OpenFlags, mode: number | string | undefined, fileIndex: number | 'alloc', options?: OpOptions): Promise<number> {
    return openIntoSlot(this.operations, validateDirfd(dirfd), path, flags, mode, fileIndex, options, 'openat')
  }

  /**
   * open() into the registered file table, as openatDirect from the working
   * directory: node:fs's flags and mode, errors with `syscall: 'open'` and
   * `path`. A direct descriptor is never inherited, so O_CLOEXEC is left out
   * (the kernel refuses it there). Resolves to the slot's index.
   */
  openDirect(path: PathLike, flags: OpenFlags, mode: number | string | undefined, fileIndex: number | 'alloc', options?: OpOptions): Promise<number> {
    return openIntoSlot(this.operations, AT_FDCWD, path, flags, mode, fileIndex, options, 'open')
  }

  /** openat2 into the registered file table, as openatDirect. Resolves to the slot's index. */
  openat2Direct(dirfd: number, path: PathLike, how: OpenHow, fileIndex: number | 'alloc', options?: OpOptions): Promise<number> {
    const ops = this.operations
    const dir = validateDirfd(dirfd)
    const file = validatePath(path)
    const openHow = encodeOpenHow(validateHow(how))
    const slot = validateFileIndex(fileIndex)
    ops.require(IORING_OP_OPENAT2)
    const addr = encodePath(file)
    const bytes = encodedSlab()
    const at = ops.prepare()
    prepOpenat2Direct(ops.sqes, at, dir, addr, native.addressOf(openHow), slot)
    return startDirect(ops, at, 'openat2', [bytes, openHow], options, pathText(file), slot)
  }

  /** IORING_OP_CLOSE: closes an fd, or a direct descriptor given as ring.fixedFile(index). Resolves to 0. */
  close(fd: Target, options?: OpOptions): Promise<number> {
    const ops = this.operations
    if (isFixedFile(fd)) return this.closeDirect(fd.index, options)
    const target = validateFd(fd)
    ops.require(IORING_OP_CLOSE)
    const at = ops.prepare()
    prepClose(ops.sqes, at, target)
    return ops.start(at, 'close', undefined, options)
  }

  /** Closes direct descriptor `index` (empties that slot of the registered file table). Resolves to 0. */
  closeDirect(index: number, options?: OpOptions): Promise<number> {
    const ops = this.operations
    validateUint32(index, 'index')
    ops.require(IORING_OP_CLOSE)
    const at = ops.prepare()
    prepCloseDirect(ops.sqes, at, index)
    return ops.start(at, 'close', undefined, options)
  }

  // ------------------------------------------------------------ stat

  /**
   * IORING_OP_STATX: statx(dirfd, path, flags, mask), decoded (@iouring/ops
   * decodeStatx): every struct statx field, `mask` saying which the
   * filesystem filled in. `{ bigint: true }` makes the numeric fields bigints.
   */
  statx(dirfd: number, path: PathLike, flags?: number, mask?: number, options?: StatOptions & { bigint?: false }): Promise<Statx<number>>
  statx(dirfd: number, path: PathLike, flags: number | undefined, mask: number | undefined, options: StatOptions & { bigint: true }): Promise<Statx<bigint>>
  statx(dirfd: number, path: PathLike, flags?: number, mask?: number, options?: StatOptions): Promise<Statx<number> | Statx<bigint>>
  statx(dirfd: number, path: PathLike, flags = 0, mask = STAT_MASK, options?: StatOptions): Promise<Statx<number> | Statx<bigint>> {
    const ops = this.operations
    const dir = validateDirfd(dirfd)
    const file = validatePath(path)
    validateUint32(flags, 'flags')
    validateUint32(mask, 'mask')
    const bigint = validateBigint(options)
    ops.require(IORING_OP_STATX)
    const addr = encodePath(file)
    const bytes = encodedSlab()
    const at = ops.prepare()
    const id = takeStatx()
    prepStatx(ops.sqes, at, dir, addr, flags, mask, statxAddress(id))
    return ops.startWithResult<Statx<number> | Statx<bigint>, number>(at, 'statx', bytes, options, bigint ? statxBigResult : statxNumberResult, releaseStatx, id, pathText(file))
  }

  /** stat(path): node:fs's fs.Stats (fs.BigIntStats with `{ bigint: true }`), through statx. */
  stat(path: PathLike, options?: StatOptions & { bigint?: false }): Promise<Stats>
  stat(path: PathLike, options: StatOptions & { bigint: true }): Promise<BigIntStats>
  stat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats>
  stat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats> {
    return statAt(this.operations, AT_FDCWD, path, AT_STATX_SYNC_AS_STAT, 'stat', options)
  }

  /** lstat(path): as stat(), about a symbolic link itself rather than what it points to. */
  lstat(path: PathLike, options?: StatOptions & { bigint?: false }): Promise<Stats>
  lstat(path: PathLike, options: StatOptions & { bigint: true }): Promise<BigIntStats>
  lstat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats>
  lstat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats> {
    return statAt(this.operations, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, 'lstat', options)
  }

  /** fstat(fd): as stat(), about an open fd (statx with AT_EMPTY_PATH). */
  fstat(fd: number, options?: StatOptions & { bigint?: false }): Promise<Stats>
  fstat(fd: number, options: StatOptions & { bigint: true }): Promise<BigIntStats>
  fstat(fd: number, options?: StatOptions): Promise<Stats | BigIntStats>
  fstat(fd: number, options?: StatOptions): Promise<Stats | BigIntStats> {
    return statAt(this.operations, validateFd(fd), EMPTY_PATH, AT_EMPTY_PATH, 'fstat', options)
  }

  // ------------------------------------------------------------ size, allocation, advice, sync

  /** IORING_OP_FALLOCATE: fallocate(fd, mode, offset, length); mode 0 allocates, FALLOC_FL_* bits punch, zero, collapse... Resolves to 0. */
  fallocate(fd: Target, mode: number, offset: number | bigint, length: number | bigint, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const target = validateTarget(fd)
    validateUint32(mode, 'mode')
    const off = validateOffset(offset, 'offset')
    const len = validateOffset(length, 'length')
    ops.require(IORING_OP_FALLOCATE)
    const at = ops.prepare()
    prepFallocate(ops.sqes, at, fdOf(target), mode, off, len)
    markFixed(ops.sqes, at, target)
    return ops.start(at, 'fallocate', undefined, options)
  }

  /** IORING_OP_FADVISE: posix_fadvise(fd, offset, length, advice); length 0 means to the end. Resolves to 0. */
  fadvise(fd: Target, offset: number | bigint, length: number | bigint, advice: number, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const target = validateTarget(fd)
    const off = validateOffset(offset, 'offset')
    const len = validateOffset(length, 'length')
    validateUint32(advice, 'advice')
    ops.require(IORING_OP_FADVISE)
    // Before 6.12 the length is sqe->len, 32 bits; 6.12 reads a 64-bit one from sqe->addr.
    const wide = len > 0xffffffff
    if (wide) requireKernel('IORING_OP_FADVISE with a length of 4 GiB or more', '6.12')
    const at = ops.prepare()
    if (wide) prepFadvise64(ops.sqes, at, fdOf(target), off, len, advice)
    else prepFadvise(ops.sqes, at, fdOf(target), off, Number(len), advice)
    markFixed(ops.sqes, at, target)
    return ops.start(at, 'fadvise', undefined, options)
  }

  /**
   * IORING_OP_MADVISE on the memory of `buffer`, which must start on a page
   * boundary and span whole pages (the kernel would otherwise round the range
   * out over memory that is not the buffer's). Advice that changes what
   * memory means to the process (MADV_DONTFORK, MADV_REMOVE, ...) is refused.
   */
  madvise(buffer: ArrayBufferView, advice: number, options?: OpOptions): Promise<number> {
    const ops = this.operations
    validateView(buffer, 'buffer')
    validateUint32(advice, 'advice')
    if (!SAFE_MADVICE.has(advice)) throw invalidArgValue('advice', `is not an advice madvise() may give JavaScript memory: ${advice}`)
    const addr = native.addressOf(buffer)
    const page = pageSize()
    if (addr % page !== 0 || buffer.byteLength % page !== 0 || buffer.byteLength === 0) {
      throw invalidArgValue('buffer', `must start on a page boundary and span whole pages (${page} bytes); it starts at ${addr % page} past one and spans ${buffer.byteLength} bytes`)
    }
    ops.require(IORING_OP_MADVISE)
    const at = ops.prepare()
    prepMadvise(ops.sqes, at, addr, buffer.byteLength, advice)
    return ops.start(at, 'madvise', buffer, options)
  }

  /** IORING_OP_FTRUNCATE (Linux 6.9): sets the file's size to `length` (default 0). Resolves to 0. */
  ftruncate(fd: Target, length: number | bigint = 0, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const target = validateTarget(fd)
    const len = validateOffset(length, 'len')
    ops.require(IORING_OP_FTRUNCATE)
    const at = ops.prepare()
    prepFtruncate(ops.sqes, at, fdOf(target), len)
    markFixed(ops.sqes, at, target)
    return ops.start(at, 'ftruncate', undefined, options)
  }

  /** IORING_OP_SYNC_FILE_RANGE: sync_file_range(fd, offset, length, flags); length 0 means to the end. Resolves to 0. */
  syncFileRange(fd: Target, offset: number | bigint, length: number, flags: number, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const target = validateTarget(fd)
    const off = validateOffset(offset, 'offset')
    validateUint32(length, 'length')
    validateUint32(flags, 'flags')
    ops.require(IORING_OP_SYNC_FILE_RANGE)
    const at = ops.prepare()
    prepSyncFileRange(ops.sqes, at, fdOf(target), length, off, flags)
    markFixed(ops.sqes, at, target)
    return ops.start(at, 'sync_file_range', undefined, options)
  }

  /** fdatasync(fd): IORING_OP_FSYNC with IORING_FSYNC_DATASYNC. Resolves to 0. */
  fdatasync(fd: Target, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const target = validateTarget(fd)
    ops.require(IORING_OP_FSYNC)
    const at = ops.prepare()
    prepFsync(ops.sqes, at, fdOf(target), IORING_FSYNC_DATASYNC)
    markFixed(ops.sqes, at, target)
    return ops.start(at, 'fdatasync', undefined, options)
  }

  // ------------------------------------------------------------ names: unlink, rename, mkdir, links

  /** IORING_OP_UNLINKAT: removes a name (a directory with AT_REMOVEDIR). Resolves to 0. */
  unlinkat(dirfd: number, path: PathLike, flags = 0, options?: OpOptions): Promise<number> {
    return unlinkAt(this.operations, validateDirfd(dirfd), path, validateUint32(flags, 'flags'), 'unlinkat', options)
  }

  /** unlink(path), as node:fs's (`syscall: 'unlink'`). Resolves to 0. */
  unlink(path: PathLike, options?: OpOptions): Promise<number> {
    return unlinkAt(this.operations, AT_FDCWD, path, 0, 'unlink', options)
  }

  /** rmdir(path): removes an empty directory, as node:fs's (`syscall: 'rmdir'`). Resolves to 0. */
  rmdir(path: PathLike, options?: OpOptions): Promise<number> {
    return unlinkAt(this.operations, AT_FDCWD, path, AT_REMOVEDIR, 'rmdir', options)
  }

  /** IORING_OP_RENAMEAT: renameat2(olddirfd, oldpath, newdirfd, newpath, flags) with RENAME_NOREPLACE / RENAME_EXCHANGE / RENAME_WHITEOUT. Resolves to 0. */
  renameat(olddirfd: number, oldPath: PathLike, newdirfd: number, newPath: PathLike, flags = 0, options?: OpOptions): Promise<number> {
    validateUint32(flags, 'flags')
    if ((flags & ~RENAME_BITS) !== 0) throw invalidArgValue('flags', `has bits that are not RENAME_*: ${flags}`)
    return renameAt(this.operations, validateDirfd(olddirfd, 'olddirfd'), oldPath, validateDirfd(newdirfd, 'newdirfd'), newPath, flags, 'renameat', options)
  }

  /** rename(oldPath, newPath), as node:fs's; `{ noReplace }` and `{ exchange }` add RENAME_NOREPLACE / RENAME_EXCHANGE. Resolves to 0. */
  rename(oldPath: PathLike, newPath: PathLike, options?: RenameOptions): Promise<number> {
    let flags = 0
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
      if (validateBoolean(options.noReplace, 'options.noReplace')) flags |= RENAME_NOREPLACE
      if (validateBoolean(options.exchange, 'options.exchange')) flags |= RENAME_EXCHANGE
    }
    return renameAt(this.operations, AT_FDCWD, oldPath, AT_FDCWD, newPath, flags, 'rename', options)
  }

  /** IORING_OP_MKDIRAT: creates a directory (mode 0o777 before the umask). Resolves to 0. */
  mkdirat(dirfd: number, path: PathLike, mode: number | string = 0o777, options?: OpOptions): Promise<number> {
    return mkdirAt(this.operations, validateDirfd(dirfd), path, mode, 'mkdirat', options)
  }

  /** mkdir(path, mode = 0o777), as node:fs's without `recursive` (the facade has that). Resolves to 0. */
  mkdir(path: PathLike, mode: number | string = 0o777, options?: OpOptions): Promise<number> {
    return mkdirAt(this.operations, AT_FDCWD, path, mode, 'mkdir', options)
  }

  /** IORING_OP_SYMLINKAT: creates `linkpath` (relative to `newdirfd`) pointing at `target`. Resolves to 0. */
  symlinkat(target: PathLike, newdirfd: number, linkpath: PathLike, options?: OpOptions): Promise<number> {
    return symlinkAt(this.operations, target, validateDirfd(newdirfd, 'newdirfd'), linkpath, 'symlinkat', options)
  }

  /** symlink(target, path), as node:fs's: errors carry `path` (the target) and `dest` (the link). Resolves to 0. */
  symlink(target: PathLike, path: PathLike, options?: OpOptions): Promise<number> {
    return symlinkAt(this.operations, target, AT_FDCWD, path, 'symlink', options)
  }

  /** IORING_OP_LINKAT: a hard link `newPath` to `oldPath` (AT_SYMLINK_FOLLOW follows a symlink oldPath). Resolves to 0. */
  linkat(olddirfd: number, oldPath: PathLike, newdirfd: number, newPath: PathLike, flags = 0, options?: OpOptions): Promise<number> {
    validateUint32(flags, 'flags')
    return linkAt(this.operations, validateDirfd(olddirfd, 'olddirfd'), oldPath, validateDirfd(newdirfd, 'newdirfd'), newPath, flags, 'linkat', options)
  }

  /** link(existingPath, newPath), as node:fs's. Resolves to 0. */
  link(existingPath: PathLike, newPath: PathLike, options?: OpOptions): Promise<number> {
    return linkAt(this.operations, AT_FDCWD, existingPath, AT_FDCWD, newPath, 0, 'link', options)
  }

  // ------------------------------------------------------------ extended attributes

  /** IORING_OP_GETXATTR: the value of extended attribute `name` ('user.comment') of `path`, following symlinks. */
  getxattr(path: PathLike, name: string, options?: XattrGetOptions): Promise<Buffer> {
    const ops = this.operations
    const file = validatePath(path)
    const nameBytes = encodeName(name)
    const size = xattrSize(options)
    ops.require(IORING_OP_GETXATTR)
    const addr = encodePath(file)
    const bytes = encodedSlab()
    const text = pathText(file)
    return readXattr(size, (value, length) => {
      const at = ops.prepare()
      prepGetxattr(ops.sqes, at, native.addressOf(nameBytes), value === undefined ? 0 : native.addressOf(value), addr, length)
      return ops.startPath(at, 'getxattr', [nameBytes, value, bytes], options, text)
    })
  }

  /** IORING_OP_FGETXATTR: getxattr on an open fd. */
  fgetxattr(fd: number, name: string, options?: XattrGetOptions): Promise<Buffer> {
    const ops = this.operations
    const target = validateFd(fd)
    const nameBytes = encodeName(name)
    const size = xattrSize(options)
    ops.require(IORING_OP_FGETXATTR)
    return readXattr(size, (value, length) => {
      const at = ops.prepare()
      prepFgetxattr(ops.sqes, at, target, native.addressOf(nameBytes), value === undefined ? 0 : native.addressOf(value), length)
      return ops.start(at, 'fgetxattr', [nameBytes, value], options)
    })
  }

  /**
   * IORING_OP_SETXATTR: sets extended attribute `name` of `path` to `value`
   * (a string is written as UTF-8). `flags`: XATTR_CREATE (fail if it exists),
   * XATTR_REPLACE (fail if it does not). Resolves to 0.
   */
  setxattr(path: PathLike, name: string, value: string | ArrayBufferView, flags = 0, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const file = validatePath(path)
    const nameBytes = encodeName(name)
    const data = xattrValue(value)
    validateUint32(flags, 'flags')
    ops.require(IORING_OP_SETXATTR)
    const addr = encodePath(file)
    const bytes = encodedSlab()
    const at = ops.prepare()
    prepSetxattr(ops.sqes, at, native.addressOf(nameBytes), native.addressOf(data), addr, flags, data.byteLength)
    return ops.startPath(at, 'setxattr', [nameBytes, data, bytes], options, pathText(file))
  }

  /** IORING_OP_FSETXATTR: setxattr on an open fd. Resolves to 0. */
  fsetxattr(fd: number, name: string, value: string | ArrayBufferView, flags = 0, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const target = validateFd(fd)
    const nameBytes = encodeName(name)
    const data = xattrValue(value)
    validateUint32(flags, 'flags')
    ops.require(IORING_OP_FSETXATTR)
    const at = ops.prepare()
    prepFsetxattr(ops.sqes, at, target, native.addressOf(nameBytes), native.addressOf(data), flags, data.byteLength)
    return ops.start(at, 'fsetxattr', [nameBytes, data], options)
  }

  // ------------------------------------------------------------ pipes: splice, tee, sendfile

  /**
   * IORING_OP_SPLICE: moves up to `length` bytes from `fdIn` to `fdOut`
   * without copying through JavaScript; one of them must be a pipe. Offsets
   * are positions in a file (null or -1: its current position, which
   * advances; a pipe end must use that). Either fd may be a registered file.
   * Resolves to the bytes moved (0 at the end of the input).
   */
  splice(fdIn: Target, offIn: number | bigint | null, fdOut: Target, offOut: number | bigint | null, length: number, flags = 0, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const input = validateTarget(fdIn, 'fdIn')
    const inOffset = validatePosition(offIn, 'offIn')
    const output = validateTarget(fdOut, 'fdOut')
    const outOffset = validatePosition(offOut, 'offOut')
    validateUint32(length, 'length')
    validateUint32(flags, 'flags')
    ops.require(IORING_OP_SPLICE)
    const at = ops.prepare()
    prepSplice(ops.sqes, at, fdOf(input), inOffset, fdOf(output), outOffset, length, input < 0 ? flags | SPLICE_F_FD_IN_FIXED : flags)
    markFixed(ops.sqes, at, output)
    return ops.start(at, 'splice', undefined, options)
  }

  /** IORING_OP_TEE: duplicates up to `length` bytes from pipe `fdIn` into pipe `fdOut` without consuming them. Resolves to the bytes duplicated. */
  tee(fdIn: Target, fdOut: Target, length: number, flags = 0, options?: OpOptions): Promise<number> {
    const ops = this.operations
    const input = validateTarget(fdIn, 'fdIn')
    const output = validateTarget(fdOut, 'fdOut')
    validateUint32(length, 'length')
    validateUint32(flags, 'flags')
    ops.require(IORING_OP_TEE)
    const at = ops.prepare()
    prepTee(ops.sqes, at, fdOf(input), fdOf(output), length, input < 0 ? flags | SPLICE_F_FD_IN_FIXED : flags)
    markFixed(ops.sqes, at, output)
    return ops.start(at, 'tee', undefined, options)
  }

  /**
   * A pipe: `[readFd, writeFd]`, close-on-exec unless `flags` says otherwise
   * (O_* bits: O_CLOEXEC, O_NONBLOCK, O_DIRECT). Made by IORING_OP_PIPE where
   * the kernel has it (Linux 6.16), by pipe2() in @iouring/native before.
   */
  pipe(flags: number = O_CLOEXEC, options?: OpOptions): Promise<[number, number]> {
    const ops = this.operations
    validateUint32(flags, 'flags')
    if (!ops.supports(IORING_OP_PIPE)) {
      if (ops.closed) throw ringClosed()
      const fds = native.pipe(flags)
      return typeof fds === 'number' ? Promise.reject(native.systemError(fds, 'pipe')) : Promise.resolve(fds)
    }
    const fds = new Int32Array(2)
    const at = ops.prepare()
    prepPipe(ops.sqes, at, native.addressOf(fds), flags)
    return ops.start(at, 'pipe', fds, options).then(() => [fds[0], fds[1]])
  }

  /**
   * sendfile(2) built on splice: copies `length` bytes (default: to the end)
   * of `inFd` from `offset` to `outFd` through a pipe the ring makes (sized
   * to 1 MiB where allowed), each chunk as a linked pair of splices in one
   * submission. Either fd may be a
   * file, a socket or a pipe. Resolves to the bytes copied.
   */
  sendfile(this: IoUring, outFd: number, inFd: number, options: SendfileOptions = {}): Promise<number> {
    validateFd(outFd, 'outFd')
    validateFd(inFd, 'inFd')
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    const offset = validatePosition(options.offset, 'options.offset')
    const outOffset = validatePosition(options.outOffset, 'options.outOffset')
    const length = options.length === undefined ? Infinity : validateLength(options.length, 'options.length')
    const signal = options.signal
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal)
    return copyThroughPipe(this, outFd, inFd, offset, outOffset, length, signal === undefined ? undefined : { signal })
  }
}

/** sendfile() once its arguments are checked. */
async function copyThroughPipe(
  ring: IoUring,
  outFd: number,
  inFd: number,
  offset: number | bigint,
  outOffset: number | bigint,
  length: number,
  opOptions: OpOptions | undefined,
): Promise<number> {
  const [r, w] = await ring.pipe(O_CLOEXEC, opOptions)
  try {
    // A larger pipe means fewer round trips; where that is refused, the default 64 KiB.
    const capacity = native.setPipeSize(w, SENDFILE_PIPE_SIZE)
    const chunk = capacity > 0 ? capacity : 64 * 1024
    let done = 0
    while (done < length) {
      const want = Math.min(chunk, length - done)
      const [fill, drain] = await ring.chain((linked) => [
        linked.splice(inFd, offset, w, -1, want, 0, opOptions),
        linked.splice(r, -1, outFd, outOffset, want, 0, opOptions),
      ])
      if (fill.status === 'rejected') {
        // The drain was cancelled with it; the pipe is empty. Unless the drain failed
        // first: kernels that look an fd up when they read the SQE (5.10) fail it
        // there and cancel the fill, so the drain's error is the cause.
        throw isCanceled(fill.reason) && drain.status === 'rejected' && !isCanceled(drain.reason) ? drain.reason : fill.reason
      }
      const moved = fill.value
      let left = moved
      if (drain.status === 'fulfilled') left -= drain.value
      else if (!isCanceled(drain.reason)) throw drain.reason
      // A short fill cancels the linked drain: empty the pipe by itself.
      let out = outOffset === -1 ? -1 : add(outOffset, moved - left)
      while (left > 0) {
        const n = await ring.splice(r, -1, outFd, out, left, 0, opOptions)
        if (n === 0) throw native.systemError(-32 /* EPIPE */, 'splice')
        left -= n
        if (out !== -1) out = add(out, n)
      }
      done += moved
      if (offset !== -1) offset = add(offset, moved)
      if (outOffset !== -1) outOffset = add(outOffset, moved)
      if (moved < want) break
    }
    return done
  } finally {
    await Promise.all([ring.close(r), ring.close(w)])
  }
}

function statxNumberResult(res: number, id: number): Statx<number> {
  return statxResult(id, false) as Statx<number>
}

function statxBigResult(res: number, id: number): Statx<bigint> {
  return statxResult(id, true) as Statx<bigint>
}

function add(position: number | bigint, n: number): number | bigint {
  return typeof position === 'bigint' ? position + BigInt(n) : position + n
}


/** A directory fd for the *at() operations: an fd, or AT_FDCWD (-100) for the working directory. */
function statAt(ops: Operations, dir: number, path: PathLike | Buffer, flags: number, syscall: string, options: StatOptions | undefined): Promise<Stats | BigIntStats> {
  let addr = 0
  let keep: Buffer | undefined
  let text: string | undefined
  if (path === EMPTY_PATH) addr = emptyPathOf()
  else {
    const file = validatePath(path)
    addr = encodePath(file)
    keep = encodedSlab()
    text = pathText(file)
  }
  const bigint = validateBigint(options)
  ops.require(IORING_OP_STATX)
  const at = ops.prepare()
  const id = takeStatx()
  prepStatx(ops.sqes, at, dir, addr, flags, STAT_MASK, statxAddress(id))
  return ops.startWithResult<Stats | BigIntStats, number>(at, syscall, keep, options, bigint ? bigIntStatsResult : statsResult, releaseStatx, id, text)
}

function unlinkAt(ops: Operations, dir: number, path: PathLike, flags: number, syscall: string, options: OpOptions | undefined): Promise<number> {
  const file = validatePath(path)
  ops.require(IORING_OP_UNLINKAT)
  const addr = encodePath(file)
  const bytes = encodedSlab()
  const at = ops.prepare()
  prepUnlinkat(ops.sqes, at, dir, addr, flags)
  return ops.startPath(at, syscall, bytes, options, pathText(file))
}

function renameAt(ops: Operations, olddir: number, oldPath: PathLike, newdir: number, newPath: PathLike, flags: number, syscall: string, options: OpOptions | undefined): Promise<number> {
  const from = validatePath(oldPath, 'oldPath')
  const to = validatePath(newPath, 'newPath')
  ops.require(IORING_OP_RENAMEAT)
  const fromAddr = encodePath(from)
  const fromBytes = encodedSlab()
  const toAddr = encodePath(to)
  const toBytes = encodedSlab()
  const at = ops.prepare()
  prepRenameat(ops.sqes, at, olddir, fromAddr, newdir, toAddr, flags)
  return ops.startPath(at, syscall, fromBytes === toBytes ? toBytes : [fromBytes, toBytes], options, pathText(from), pathText(to))
}

function mkdirAt(ops: Operations, dir: number, path: PathLike, mode: number | string, syscall: string, options: OpOptions | undefined): Promise<number> {
  const file = validatePath(path)
  const perm = parseMode(mode, 'mode', 0o777)
  ops.require(IORING_OP_MKDIRAT)
  const addr = encodePath(file)
  const bytes = encodedSlab()
  const at = ops.prepare()
  prepMkdirat(ops.sqes, at, dir, addr, perm)
  return ops.startPath(at, syscall, bytes, options, pathText(file))
}

function symlinkAt(ops: Operations, target: PathLike, dir: number, path: PathLike, syscall: string, options: OpOptions | undefined): Promise<number> {
  const to = validatePath(target, 'target')
  const link = validatePath(path, 'path')
  ops.require(IORING_OP_SYMLINKAT)
  const toAddr = encodePath(to)
  const toBytes = encodedSlab()
  const linkAddr = encodePath(link)
  const linkBytes = encodedSlab()
  const at = ops.prepare()
  prepSymlinkat(ops.sqes, at, toAddr, dir, linkAddr)
  return ops.startPath(at, syscall, toBytes === linkBytes ? toBytes : [toBytes, linkBytes], options, pathText(to), pathText(link))
}

function linkAt(ops: Operations, olddir: number, oldPath: PathLike, newdir: number, newPath: PathLike, flags: number, syscall: string, options: OpOptions | undefined): Promise<number> {
  const from = validatePath(oldPath, 'existingPath')
  const to = validatePath(newPath, 'newPath')
  ops.require(IORING_OP_LINKAT)
  const fromAddr = encodePath(from)
  const fromBytes = encodedSlab()
  const toAddr = encodePath(to)
  const toBytes = encodedSlab()
  const at = ops.prepare()
  prepLinkat(ops.sqes, at, olddir, fromAddr, newdir, toAddr, flags)
  return ops.startPath(at, syscall, fromBytes === toBytes ? toBytes : [fromBytes, toBytes], options, pathText(from), pathText(to))
}

/** Reads a value of unknown size: `size` bytes first; on ERANGE, asks for the size and reads again. */
async function readXattr(size: number, issue: (value: Buffer | undefined, length: number) => Promise<number>): Promise<Buffer> {
  for (let attempt = 0; ; attempt++) {
    const value = Buffer.allocUnsafe(size)
    try {
      const length = await issue(value, size)
      return value.subarray(0, length)
    } catch (err) {
      if ((err as { errno?: number }).errno !== ERANGE || attempt >= 3) throw err
    }
    // It grew past `size`: ask how big it is (a zero-length read), then read that.
    size = Math.max(await issue(undefined, 0), 1)
  }
}

export function validateDirfd(dirfd: unknown, name = 'dirfd'): number {
  if (dirfd === AT_FDCWD) return AT_FDCWD
  if (typeof dirfd !== 'number') throw invalidArgType(name, 'of type number (an fd, or AT_FDCWD)', dirfd)
  if (!Number.isInteger(dirfd) || dirfd < 0 || dirfd > 0x7fffffff) throw outOfRange(name, `an fd (an integer >= 0) or AT_FDCWD (${AT_FDCWD})`, dirfd)
  return dirfd
}

function validateFileIndex(fileIndex: unknown): number {
  if (fileIndex === 'alloc') return IORING_FILE_INDEX_ALLOC
  if (typeof fileIndex !== 'number' || !Number.isInteger(fileIndex) || fileIndex < 0 || fileIndex >= IORING_FILE_INDEX_ALLOC - 1) {
    throw invalidArgType('fileIndex', "a slot index (an integer >= 0) or 'alloc'", fileIndex)
  }
  return fileIndex
}

/** openatDirect and openDirect: IORING_OP_OPENAT into slot `fileIndex` of the registered file table. */
function openIntoSlot(ops: Operations, dir: number, path: PathLike, flags: OpenFlags, mode: number | string | undefined, fileIndex: number | 'alloc', options: OpOptions | undefined, syscall: string): Promise<number> {
  const file = validatePath(path)
  const bits = parseFlags(flags) & ~O_CLOEXEC
  const perm = parseMode(mode, 'mode', 0o666)
  const slot = validateFileIndex(fileIndex)
  ops.require(IORING_OP_OPENAT)
  const addr = encodePath(file)
  const bytes = encodedSlab()
  const at = ops.prepare()
  prepOpenatDirect(ops.sqes, at, dir, addr, bits, perm, slot)
  return startDirect(ops, at, syscall, bytes, options, pathText(file), slot)
}

/**
 * Starts a direct open: it resolves to the slot's index, which the kernel
 * gives with IORING_FILE_INDEX_ALLOC and a chosen slot's open does not (0).
 */
function startDirect(ops: Operations, at: number, syscall: string, keep: unknown, options: OpOptions | undefined, path: string, slot: number): Promise<number> {
  if (slot === IORING_FILE_INDEX_ALLOC) return ops.startPath(at, syscall, keep, options, path)
  return ops.startWithResult(at, syscall, keep, options, chosenSlot, undefined, slot, path)
}

function chosenSlot(_res: number, slot: number): number {
  return slot
}

function validateHow(how: unknown): { flags: number; mode: number; resolve: number } {
  if (how === null || typeof how !== 'object') throw invalidArgType('how', 'of type object', how)
  const { flags, mode, resolve } = how as OpenHow
  const bits = parseFlags(flags, 'how.flags') >>> 0
  // open_how refuses a mode without O_CREAT / O_TMPFILE (EINVAL), so the default depends on the flags.
  const creates = (bits & 0o100) !== 0 || (bits & 0o20000000) !== 0
  const perm = parseMode(mode, 'how.mode', creates ? 0o666 : 0)
  return { flags: bits, mode: perm, resolve: resolveBits(resolve) }
}

function resolveBits(resolve: unknown): number {
  if (resolve === undefined) return 0
  if (typeof resolve === 'number') return validateUint32(resolve, 'how.resolve')
  if (!Array.isArray(resolve)) throw invalidArgType('how.resolve', 'a number or an array of RESOLVE_* names', resolve)
  let bits = 0
  for (const name of resolve) {
    const entry = RESOLVE_FLAGS.find((flag) => flag.name === name || `RESOLVE_${flag.name}` === name)
    if (entry === undefined) throw invalidArgValue('how.resolve', `names no RESOLVE_* flag: ${String(name)}`)
    bits |= entry.value
  }
  return bits
}

function validateBigint(options: StatOptions | undefined): boolean {
  if (options === undefined) return false
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  return validateBoolean(options.bigint, 'options.bigint')
}

function validateBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value)
  return value
}

/** A file offset or length >= 0 (number or bigint). */
function validateOffset(value: unknown, name: string): number | bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw outOfRange(name, 'an integer >= 0 and <= 2^53 - 1', value)
    return value
  }
  if (typeof value === 'bigint') {
    if (value < 0n || value >= 1n << 63n) throw outOfRange(name, '>= 0n and < 2n ** 63n', value)
    return value
  }
  throw invalidArgType(name, 'of type number or bigint', value)
}

function validateLength(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isSafeInteger(value) || value < 0) throw outOfRange(name, 'an integer >= 0', value)
  return value
}

function xattrSize(options: XattrGetOptions | undefined): number {
  if (options?.size === undefined) return 1024
  validateUint32(options.size, 'options.size')
  if (options.size < 1 || options.size > 65536) throw outOfRange('options.size', '>= 1 and <= 65536 (XATTR_SIZE_MAX)', options.size)
  return options.size
}

function xattrValue(value: unknown): ArrayBufferView {
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (ArrayBuffer.isView(value)) {
    validateView(value, 'value')
    return value
  }
  throw invalidArgType('value', 'of type string or an instance of Buffer, TypedArray or DataView', value)
}

// madvise() advice that only hints at, or drops, the buffer's own pages:
// NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED, FREE, HUGEPAGE, NOHUGEPAGE,
// DONTDUMP, DODUMP, COLD, PAGEOUT, POPULATE_READ, POPULATE_WRITE, COLLAPSE.
const SAFE_MADVICE = new Set([0, 1, 2, 3, 4, 8, 14, 15, 16, 17, 20, 21, 22, 23, 25])

