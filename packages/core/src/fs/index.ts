// @iouring/core/fs: node:fs/promises's functions, through the thread's ring
// (defaultRing()). Arguments, options, results and errors are
// node:fs/promises's, so switching is a change of import, default import
// included. What io_uring has no operation for is node:fs/promises's own,
// re-exported (promises.ts says which and why).

import * as onRing from './promises.js'

export { FileHandle } from './handle.js'
export type { FileReadResult, FileWriteResult, FileReadOptions, HandleReadFileOptions, HandleWriteFileOptions, ReadStreamOptions, WriteStreamOptions } from './handle.js'
export type { PathLike } from './path.js'
export type { OpenFlags } from './flags.js'
export type { WriteFileData } from './write.js'
export type { DisposableTempDir, StatFileOptions } from './promises.js'
export { FLAG_STRINGS } from './flags.js'

// The one place the implementation is chosen: every export below comes from it.
const api: typeof onRing = onRing

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
