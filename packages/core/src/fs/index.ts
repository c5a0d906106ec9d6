// @iouring/core/fs: node:fs/promises's functions, through the thread's ring
// (defaultRing()). Arguments, options, results and errors are
// node:fs/promises's, so switching is a change of import, default import
// included. What io_uring has no operation for is node:fs/promises's own,
// re-exported (promises.ts says which and why). Where io_uring is
// unavailable, all of it is node:fs/promises's (fallback.ts).

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
  access, appendFile, chmod, chown, constants, copyFile, cp, glob, lchmod, lchown, link, lstat, lutimes, mkdir, mkdtemp, mkdtempDisposable, open,
  opendir, readFile, readdir, readlink, realpath, rename, rm, rmdir, stat, statfs, symlink, truncate, unlink, utimes, watch, writeFile,
} = api

/**
 * `import fs from '@iouring/core/fs'`: the same functions as one object, as
 * node:fs/promises's default export (glob only where the running Node.js has it).
 */
const all = {
  access, appendFile, chmod, chown, constants, copyFile, cp, glob, lchmod, lchown, link, lstat, lutimes, mkdir, mkdtemp, mkdtempDisposable, open,
  opendir, readFile, readdir, readlink, realpath, rename, rm, rmdir, stat, statfs, symlink, truncate, unlink, utimes, watch, writeFile,
}
export default Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)) as typeof all
