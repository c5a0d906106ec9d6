/**
 * @iouring/core/fs: node:fs/promises's functions, through the thread's ring
 * (defaultRing()). Arguments, options, results and errors are
 * node:fs/promises's, so switching is a change of import, default import
 * included. What io_uring has no operation for is node:fs/promises's own,
 * re-exported (promises.ts says which and why). Where io_uring is
 * unavailable, all of it is node:fs/promises's (fallback.ts).
 *
 * @module @iouring/core/fs
 */

import * as fsp from 'node:fs/promises'
import * as onRing from './promises.js'
import { implementation } from './fallback.js'

export { FileHandle } from './handle.js'
export type { FileReadResult, FileWriteResult, FileReadOptions, HandleReadFileOptions, HandleWriteFileOptions, ReadStreamOptions, WriteStreamOptions } from './handle.js'
export type { PathLike } from './path.js'
export type { OpenFlags } from './flags.js'
export type { WriteFileData } from './write.js'
export type { StatFileOptions } from './promises.js'
export type { DisposableTempDir } from './temp.js'
export { FLAG_STRINGS } from './flags.js'

type Api = typeof onRing

/** `name`, calling the implementation this thread chose at its first call (fallback.ts); its name and length are the ring function's. */
function chosen<K extends keyof Api>(name: K): Api[K] {
  const call = (...args: unknown[]): unknown => (implementation()[name] as (...a: unknown[]) => unknown)(...args)
  return Object.defineProperties(call, { name: { value: name }, length: { value: (onRing[name] as () => unknown).length } }) as unknown as Api[K]
}

// The one place the implementation is chosen: every export below comes from
// it. What is node:fs/promises's own on the ring too is exported as it is;
// the rest waits for the thread's first call to say which it is.
const api = Object.fromEntries(
  Object.entries(onRing).map(([name, value]) => [name, typeof value === 'function' && value !== fsp[name as keyof typeof fsp] ? chosen(name as keyof Api) : value]),
) as Api

export const {
  /** access(path[, mode]): node:fs/promises's own (io_uring has no operation for it). */
  access,
  /** appendFile(path | handle, data[, options]): appends to a file, creating it; on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  appendFile,
  /** chmod(path, mode): node:fs/promises's own (io_uring has no operation for it). */
  chmod,
  /** chown(path, uid, gid): node:fs/promises's own (io_uring has no operation for it). */
  chown,
  /** node:fs's constants (F_OK, O_*, COPYFILE_*, ...). */
  constants,
  /** copyFile(src, dest[, mode]): node:fs/promises's own, which copies inside the kernel in one request (faster than splicing through the ring). */
  copyFile,
  /** cp(src, dest[, options]): node:fs/promises's own (io_uring has no operation for it). */
  cp,
  /** glob(pattern[, options]): node:fs/promises's own where the running Node.js has it (22 on); undefined before. */
  glob,
  /** lchmod(path, mode): node:fs/promises's own (io_uring has no operation for it). */
  lchmod,
  /** lchown(path, uid, gid): node:fs/promises's own (io_uring has no operation for it). */
  lchown,
  /** link(existingPath, newPath): a hard link, on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  link,
  /** lstat(path[, options]): Stats of a path without following a final symbolic link (statx), on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  lstat,
  /** lutimes(path, atime, mtime): node:fs/promises's own (io_uring has no operation for it). */
  lutimes,
  /** mkdir(path[, options]): with `recursive` and `mode`, on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  mkdir,
  /** mkdtemp(prefix[, options]): a new directory `prefix` + six random characters, on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  mkdtemp,
  /** mkdtempDisposable(prefix[, options]): mkdtemp, resolving to `{ path, remove(), [Symbol.asyncDispose]() }`. */
  mkdtempDisposable,
  /** open(path[, flags[, mode]]): a FileHandle whose reads and writes go through the thread's ring (node:fs/promises's FileHandle where io_uring is unavailable). */
  open,
  /** opendir(path[, options]): node:fs/promises's own (io_uring has no operation for it). */
  opendir,
  /** readFile(path | handle[, options]): a file's contents, a Buffer or a string, on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  readFile,
  /** readdir(path[, options]): node:fs/promises's own (io_uring has no operation for it). */
  readdir,
  /** readlink(path[, options]): node:fs/promises's own (io_uring has no operation for it). */
  readlink,
  /** realpath(path[, options]): node:fs/promises's own (io_uring has no operation for it). */
  realpath,
  /** rename(oldPath, newPath): on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  rename,
  /** rm(path[, options]): a file or link is unlinked on the thread's ring (node:fs/promises's where io_uring is unavailable). `recursive` and retries are node:fs/promises's rm. */
  rm,
  /** rmdir(path[, options]): removes an empty directory, on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  rmdir,
  /** stat(path[, options]): Stats (statx), on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  stat,
  /** statfs(path[, options]): node:fs/promises's own (io_uring has no operation for it). */
  statfs,
  /** symlink(target, path[, type]): on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  symlink,
  /** truncate(path[, len]): on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  truncate,
  /** unlink(path): removes a file or link, on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  unlink,
  /** utimes(path, atime, mtime): node:fs/promises's own (io_uring has no operation for it). */
  utimes,
  /** watch(filename[, options]): node:fs/promises's own (io_uring has no operation for it). */
  watch,
  /** writeFile(path | handle, data[, options]): replaces a file's contents, on the thread's ring (node:fs/promises's where io_uring is unavailable). */
  writeFile,
} = api

const all = {
  access, appendFile, chmod, chown, constants, copyFile, cp, glob, lchmod, lchown, link, lstat, lutimes, mkdir, mkdtemp, mkdtempDisposable, open,
  opendir, readFile, readdir, readlink, realpath, rename, rm, rmdir, stat, statfs, symlink, truncate, unlink, utimes, watch, writeFile,
}
/**
 * `import fs from '@iouring/core/fs'`: the same functions as one object, as
 * node:fs/promises's default export (glob only where the running Node.js has it).
 */
export default Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)) as Api
