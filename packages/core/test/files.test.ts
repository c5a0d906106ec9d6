// @module-tag ring
// The file operations of the ring, against real files in a temp directory,
// compared with what node:fs says about the same files.
import * as fs from 'node:fs'
import { createServer } from 'node:net'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import * as native from '@iouring/native'
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_REMOVEDIR,
  AT_SYMLINK_FOLLOW,
  AT_SYMLINK_NOFOLLOW,
  FALLOC_FL_KEEP_SIZE,
  FALLOC_FL_PUNCH_HOLE,
  MADV_DONTNEED,
  MADV_WILLNEED,
  O_CREAT,
  O_DIRECTORY,
  O_RDONLY,
  O_RDWR,
  POSIX_FADV_SEQUENTIAL,
  RENAME_EXCHANGE,
  RENAME_NOREPLACE,
  RESOLVE_BENEATH,
  STATX_BASIC_STATS,
  STATX_BTIME,
  SYNC_FILE_RANGE_WAIT_AFTER,
  SYNC_FILE_RANGE_WRITE,
  XATTR_CREATE,
  XATTR_REPLACE,
} from '@iouring/ops'
import { kernelAtLeast, registerFilesSparse, requires } from '@iouring/register'
import { skipIfUnsupported } from '@iouring/tooling/skip'
import { hasOp, needsOps, tempDir } from './helpers.js'
import { caught, errorShape, expectSameError, expectSameStats, randomFile, runAsNobody } from './files-helpers.js'

let dir: string
let cleanup: () => void
let ring: IoUring
const opened: number[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  ring = new IoUring({ entries: 64 })
})

afterEach(async () => {
  for (const fd of opened.splice(0)) {
    try {
      fs.closeSync(fd)
    } catch {
      // closed by the test
    }
  }
  await ring.dispose()
  cleanup()
})

const at = (...names: string[]): string => join(dir, ...names)

function track(fd: number): number {
  opened.push(fd)
  return fd
}

/** The open flags the kernel reports for an fd (the 'flags' line of /proc/self/fdinfo, octal). */
function fdFlags(fd: number): number {
  return parseInt(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8)
}

describe('open, openat, openat2, close', () => {
  const FLAGS = ['r', 'rs', 'sr', 'r+', 'rs+', 'sr+', 'w', 'wx', 'xw', 'w+', 'wx+', 'xw+', 'a', 'ax', 'xa', 'as', 'sa', 'a+', 'ax+', 'xa+', 'as+', 'sa+']

  it("accepts every node:fs flag string: same outcome, same open flags (close-on-exec included) as fs.openSync", async () => {
    for (const flag of FLAGS) {
      for (const exists of [true, false]) {
        const ourPath = at(`ours-${flag}-${exists}`)
        const nodePath = at(`node-${flag}-${exists}`)
        if (exists) {
          fs.writeFileSync(ourPath, 'data')
          fs.writeFileSync(nodePath, 'data')
        }
        let theirs: number | Error
        try {
          theirs = track(fs.openSync(nodePath, flag))
        } catch (err) {
          theirs = err as Error
        }
        let ours: number | Error
        try {
          ours = track(await ring.open(ourPath, flag))
        } catch (err) {
          ours = err as Error
        }
        if (typeof theirs === 'number') {
          expect(typeof ours, `${flag} (file ${exists ? 'exists' : 'missing'})`).toBe('number')
          expect([flag, fdFlags(ours as number)]).toEqual([flag, fdFlags(theirs)])
          expect(fs.readFileSync(ourPath, 'utf8')).toBe(fs.readFileSync(nodePath, 'utf8'))
          expect(fs.statSync(ourPath).mode).toBe(fs.statSync(nodePath).mode)
        } else {
          expect({ ...errorShape(ours), path: undefined }).toEqual({ ...errorShape(theirs), path: undefined })
          expect((ours as unknown as { path: string }).path).toBe(ourPath)
        }
      }
    }
  })

  it('takes O_* numbers, a mode, Buffer and file: URL paths', async () => {
    const fd = track(await ring.open(Buffer.from(at('num')), O_RDWR | O_CREAT, 0o640))
    expect(fs.statSync(at('num')).mode & 0o777).toBe(0o640 & ~process.umask())
    expect(fs.writeSync(fd, 'x')).toBe(1)
    const viaUrl = track(await ring.open(pathToFileURL(at('num')), 'r'))
    expect(fs.readFileSync(viaUrl, 'utf8')).toBe('x')
    const octal = track(await ring.open(at('octal'), 'w', '600'))
    expect(fs.fstatSync(octal).mode & 0o777).toBe(0o600 & ~process.umask())
  })

  it('refuses bad arguments synchronously, as node:fs does', () => {
    expect(() => ring.open(at('x'), 'rw')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining("'rw'") }))
    expect(() => ring.open(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.open('a\u0000b')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.open(at('x'), 'r', 'rwx')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.openat(-2, 'x')).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(ring.pending).toBe(0)
  })

  it('fails as node:fs does: ENOENT, EEXIST, ENOTDIR, EISDIR with the path', async () => {
    fs.writeFileSync(at('file'), 'x')
    fs.mkdirSync(at('dir'))
    const cases: [string, string][] = [
      [at('missing'), 'r'],
      [at('file'), 'wx'],
      [at('file', 'below'), 'r'],
      [at('dir'), 'w'],
      [at('dir'), 'r+'],
    ]
    const codes = []
    for (const [path, flag] of cases) codes.push((await expectSameError(() => ring.open(path, flag), () => fs.openSync(path, flag))).code)
    expect(codes).toEqual(['ENOENT', 'EEXIST', 'ENOTDIR', 'EISDIR', 'EISDIR'])
  })

  it('fails with EACCES where a non-root user is refused, as node:fs does (run as nobody)', async () => {
    fs.writeFileSync(at('secret'), 'x', { mode: 0o600 })
    fs.mkdirSync(at('closed'), { mode: 0o700 })
    const core = import.meta.resolve('@iouring/core')
    const checks = [
      ['open', 'OPENAT', at('secret')],
      ['stat', 'STATX', at('closed', 'x')],
      ['mkdir', 'MKDIRAT', at('closed', 'y')],
      ['unlink', 'UNLINKAT', at('secret')],
    ].flatMap(([op, opcode, path]) => {
      if (hasOp(opcode)) return [[op, path]]
      console.warn(`EACCES check of ${op}: skipped; IORING_OP_${opcode} needs Linux ${requires(opcode)}`)
      return []
    })
    const result = runAsNobody(
      dir,
      `import * as fs from 'node:fs'
      const { IoUring } = await import(${JSON.stringify(core)})
      const ring = new IoUring()
      const shape = (e) => ({ code: e.code, errno: e.errno, syscall: e.syscall, path: e.path })
      const out = []
      for (const [op, path] of ${JSON.stringify(checks)}) {
        let ours, theirs
        try { await ring[op](path) } catch (e) { ours = shape(e) }
        try { fs[op + 'Sync'](path) } catch (e) { theirs = shape(e) }
        out.push([ours, theirs])
      }
      await ring.dispose()
      console.log(JSON.stringify(out))`,
    )
    if (!Array.isArray(result)) {
      console.log(`EACCES check skipped: cannot run a child as nobody here (${JSON.stringify(result)})`)
      return
    }
    for (const [ours, theirs] of result as [unknown, unknown][]) {
      expect(ours).toEqual(theirs)
      expect(theirs).toMatchObject({ code: 'EACCES' })
    }
  })

  it('openat resolves relative to a directory fd; AT_FDCWD to the working directory', async () => {
    fs.mkdirSync(at('sub'))
    fs.writeFileSync(at('sub', 'name'), 'in sub')
    const dirfd = track(fs.openSync(at('sub'), O_RDONLY | O_DIRECTORY))
    const fd = track(await ring.openat(dirfd, 'name', O_RDONLY))
    expect(fs.readFileSync(fd, 'utf8')).toBe('in sub')
    const cwd = process.cwd()
    process.chdir(at('sub'))
    try {
      const here = track(await ring.openat(AT_FDCWD, 'name'))
      expect(fs.readFileSync(here, 'utf8')).toBe('in sub')
    } finally {
      process.chdir(cwd)
    }
    expect(errorShape(await caught(() => ring.openat(dirfd, 'nope')))).toEqual({ code: 'ENOENT', errno: -2, syscall: 'openat', path: 'nope' })
  })

  it('openat2 applies RESOLVE_* restrictions, by name or bits', async () => {
    fs.mkdirSync(at('root'))
    fs.writeFileSync(at('outside'), 'outside')
    fs.writeFileSync(at('root', 'inside'), 'inside')
    fs.symlinkSync(at('root', 'inside'), at('root', 'link'))
    const root = track(fs.openSync(at('root'), O_RDONLY | O_DIRECTORY))
    expect(fs.readFileSync(track(await ring.openat2(root, 'inside', { flags: 'r', resolve: ['BENEATH'] })), 'utf8')).toBe('inside')
    expect(await caught(() => ring.openat2(root, '../outside', { resolve: RESOLVE_BENEATH }))).toMatchObject({ code: 'EXDEV', syscall: 'openat2', path: '../outside' })
    expect(await caught(() => ring.openat2(root, 'link', { resolve: ['NO_SYMLINKS'] }))).toMatchObject({ code: 'ELOOP' })
    const created = track(await ring.openat2(root, 'new', { flags: 'wx', mode: 0o600 }))
    expect(fs.fstatSync(created).mode & 0o777).toBe(0o600 & ~process.umask())
    expect(() => ring.openat2(root, 'x', { resolve: ['NOT_A_FLAG' as never] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
  })

  it('opens straight into the registered file table: a chosen slot or any free one', async (ctx) => {
    fs.writeFileSync(at('direct'), 'direct descriptor')
    skipIfUnsupported(ctx, () => registerFilesSparse(ring, 4))
    const slot = await ring.openatDirect(AT_FDCWD, at('direct'), 'r', undefined, 'alloc')
    expect(slot).toBeGreaterThanOrEqual(0)
    expect(slot).toBeLessThan(4)
    const buf = Buffer.alloc(17)
    expect(await ring.read(ring.fixedFile(slot), buf, 0)).toBe(17)
    expect(buf.toString()).toBe('direct descriptor')
    expect(await ring.openat2Direct(AT_FDCWD, at('direct'), { flags: 'r' }, 3)).toBe(3)
    expect(await ring.read(ring.fixedFile(3), Buffer.alloc(6), 0)).toBe(6)
    expect(await ring.closeDirect(slot)).toBe(0)
    expect(await ring.close(ring.fixedFile(3))).toBe(0)
    expect(await caught(() => ring.read(ring.fixedFile(3), buf, 0))).toMatchObject({ code: 'EBADF' })
  })

  it('close closes the fd; a bad fd fails with EBADF', async () => {
    const fd = fs.openSync(at('c'), 'w')
    expect(await ring.close(fd)).toBe(0)
    expect(() => fs.fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }))
    expect(errorShape(await caught(() => ring.close(fd)))).toEqual({ code: 'EBADF', errno: -9, syscall: 'close' })
  })
})

describe('statx, stat, lstat, fstat', () => {
  async function specialFiles(): Promise<{ paths: string[]; done: () => Promise<void> }> {
    fs.writeFileSync(at('file'), 'some bytes')
    fs.mkdirSync(at('dir'))
    fs.symlinkSync(at('file'), at('link'))
    fs.symlinkSync(at('nowhere'), at('dangling'))
    execFileSync('mkfifo', [at('fifo')])
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(at('sock'), resolve))
    fs.linkSync(at('file'), at('hard'))
    return { paths: ['file', 'dir', 'link', 'fifo', 'sock', 'hard'].map((name) => at(name)).concat('/dev/null'), done: () => new Promise((resolve) => server.close(() => resolve())) }
  }

  it('stat and lstat return node:fs Stats: same class, fields, values and methods as fs.statSync / fs.lstatSync', async () => {
    const { paths, done } = await specialFiles()
    try {
      for (const path of [...paths, at('dangling')]) {
        if (path !== at('dangling')) {
          expectSameStats(await ring.stat(path), fs.statSync(path))
          expectSameStats(await ring.stat(path, { bigint: true }), fs.statSync(path, { bigint: true }))
        }
        expectSameStats(await ring.lstat(path), fs.lstatSync(path))
        expectSameStats(await ring.lstat(path, { bigint: true }), fs.lstatSync(path, { bigint: true }))
      }
      const stats = await ring.stat(at('file'))
      expect(stats).toBeInstanceOf(fs.Stats)
      expect(stats.nlink).toBe(2)
      expect(stats.size).toBe(10)
      expect((await ring.lstat(at('link'))).isSymbolicLink()).toBe(true)
    } finally {
      await done()
    }
  })

  it('fstat of an open fd equals fs.fstatSync', async () => {
    fs.writeFileSync(at('f'), Buffer.alloc(12345))
    const fd = track(fs.openSync(at('f'), 'r'))
    expectSameStats(await ring.fstat(fd), fs.fstatSync(fd))
    expectSameStats(await ring.fstat(fd, { bigint: true }), fs.fstatSync(fd, { bigint: true }))
    const dirFd = track(fs.openSync(dir, 'r'))
    expectSameStats(await ring.fstat(dirFd), fs.fstatSync(dirFd))
  })

  it('stat of many files at once, each the same as node:fs says', async () => {
    const names = Array.from({ length: 300 }, (_, i) => at(`many-${i}`))
    names.forEach((name, i) => fs.writeFileSync(name, Buffer.alloc(i)))
    const all = await Promise.all(names.map((name) => ring.stat(name)))
    all.forEach((stats, i) => expectSameStats(stats, fs.statSync(names[i])))
  })

  it('fails as node:fs does, with the path: ENOENT, ENOTDIR, ELOOP; EBADF for fstat', async () => {
    fs.writeFileSync(at('file'), 'x')
    fs.symlinkSync(at('loop'), at('loop'))
    for (const path of [at('missing'), at('file', 'below'), at('loop'), '']) {
      await expectSameError(() => ring.stat(path), () => fs.statSync(path))
      // A link to itself is a link: lstat succeeds there.
      if (path !== at('loop')) await expectSameError(() => ring.lstat(path), () => fs.lstatSync(path))
    }
    expect((await ring.lstat(at('loop'))).isSymbolicLink()).toBe(true)
    await expectSameError(() => ring.fstat(987654), () => fs.fstatSync(987654))
    await expectSameError(() => ring.stat(at('missing'), { bigint: true }), () => fs.statSync(at('missing'), { bigint: true }))
  })

  it('statx decodes every field; the basic ones match fs.statSync', async () => {
    fs.writeFileSync(at('s'), Buffer.alloc(5000))
    const theirs = fs.statSync(at('s'), { bigint: true })
    const ours = await ring.statx(AT_FDCWD, at('s'))
    expect(ours.mask & STATX_BASIC_STATS).toBe(STATX_BASIC_STATS)
    expect(ours.size).toBe(5000)
    expect(BigInt(ours.ino)).toBe(theirs.ino)
    expect(BigInt(ours.mode)).toBe(theirs.mode)
    expect(BigInt(ours.blocks)).toBe(theirs.blocks)
    expect(BigInt(ours.mtime.sec) * 1000000000n + BigInt(ours.mtime.nsec)).toBe(theirs.mtimeNs)
    const big = await ring.statx(AT_FDCWD, at('s'), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, { bigint: true })
    expect(big.ino).toBe(theirs.ino)
    expect(big.dev).toBe(theirs.dev)
    const fd = track(fs.openSync(at('s'), 'r'))
    expect((await ring.statx(fd, '', AT_EMPTY_PATH)).size).toBe(5000)
    expect(await caught(() => ring.statx(AT_FDCWD, at('nope')))).toMatchObject({ code: 'ENOENT', syscall: 'statx', path: at('nope') })
  })
})

describe('fallocate, fadvise, madvise, ftruncate, syncFileRange, fsync, fdatasync', () => {
  it('fallocate allocates (the size grows), keeps the size, and punches holes, as stat shows', async () => {
    const fd = track(fs.openSync(at('fa'), 'w+'))
    expect(await ring.fallocate(fd, 0, 0, 1 << 20)).toBe(0)
    expect(fs.fstatSync(fd).size).toBe(1 << 20)
    expect(await ring.fallocate(fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20)).toBe(0)
    const kept = fs.fstatSync(fd)
    expect(kept.size).toBe(1 << 20)
    expect(kept.blocks * 512).toBeGreaterThanOrEqual(2 << 20)
    fs.writeSync(fd, Buffer.alloc(8192, 0xff), 0, 8192, 0)
    expect(await ring.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096)).toBe(0)
    const head = Buffer.alloc(8192)
    fs.readSync(fd, head, 0, 8192, 0)
    expect(head.subarray(0, 4096).every((b) => b === 0)).toBe(true)
    expect(head.subarray(4096).every((b) => b === 0xff)).toBe(true)
    expect(await caught(() => ring.fallocate(987654, 0, 0, 1))).toMatchObject({ code: 'EBADF', syscall: 'fallocate' })
  })

  it('fadvise, syncFileRange, fsync and fdatasync resolve to 0; bad input fails with the kernel error', async () => {
    const fd = track(fs.openSync(at('adv'), 'w+'))
    fs.writeSync(fd, Buffer.alloc(65536, 1))
    expect(await ring.fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)).toBe(0)
    // A length past 32 bits: 6.12 reads it from sqe->addr; older kernels get a clear refusal.
    if (kernelAtLeast('6.12')) expect(await ring.fadvise(fd, 0, 2 ** 33, POSIX_FADV_SEQUENTIAL)).toBe(0)
    else expect(() => ring.fadvise(fd, 0, 2 ** 33, POSIX_FADV_SEQUENTIAL)).toThrow(expect.objectContaining({ code: 'ERR_IOURING_UNSUPPORTED_OP', since: '6.12' }))
    expect(await ring.fadvise(fd, 0, 4096n, POSIX_FADV_SEQUENTIAL)).toBe(0)
    expect(await caught(() => ring.fadvise(fd, 0, 0, 99))).toMatchObject({ code: 'EINVAL', syscall: 'fadvise' })
    expect(await ring.syncFileRange(fd, 0, 0, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)).toBe(0)
    expect(await ring.fsync(fd)).toBe(0)
    expect(await ring.fdatasync(fd)).toBe(0)
    expect(errorShape(await caught(() => ring.fdatasync(987654)))).toEqual({ code: 'EBADF', errno: -9, syscall: 'fdatasync' })
  })

  it('madvise acts on a page-aligned buffer (MADV_DONTNEED drops its pages: they read as zeros) and refuses what is not one', async () => {
    const raw = new Uint8Array(new ArrayBuffer(5 * 4096))
    const skew = (4096 - (native.addressOf(raw) % 4096)) % 4096
    const pages = raw.subarray(skew, skew + 2 * 4096)
    pages.fill(7)
    expect(await ring.madvise(pages, MADV_WILLNEED)).toBe(0)
    expect(await ring.madvise(pages, MADV_DONTNEED)).toBe(0)
    expect(pages.every((b) => b === 0)).toBe(true)
    expect(() => ring.madvise(raw.subarray(skew + 1, skew + 4097), MADV_WILLNEED)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.madvise(raw.subarray(skew, skew + 100), MADV_WILLNEED)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.madvise(pages, 10 /* MADV_DONTFORK */)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
  })

  it('ftruncate grows and shrinks the file as fs.ftruncateSync does', async (ctx) => {
    const fd = track(fs.openSync(at('t'), 'w+'))
    fs.writeSync(fd, 'hello world')
    expect(await skipIfUnsupported(ctx, () => ring.ftruncate(fd, 5))).toBe(0)
    expect(fs.readFileSync(at('t'), 'utf8')).toBe('hello')
    expect(await ring.ftruncate(fd, 100000n)).toBe(0)
    expect(fs.fstatSync(fd).size).toBe(100000)
    expect(await ring.ftruncate(fd)).toBe(0)
    expect(fs.fstatSync(fd).size).toBe(0)
    const ro = track(fs.openSync(at('t'), 'r'))
    await expectSameError(() => ring.ftruncate(ro, 1), () => fs.ftruncateSync(ro, 1))
  })
})

describe('unlink, rename, mkdir, symlink, link', () => {
  it('unlinkat / unlink / rmdir remove names: link counts as node:fs reports them', async () => {
    fs.writeFileSync(at('a'), 'x')
    fs.linkSync(at('a'), at('b'))
    expect(fs.statSync(at('a')).nlink).toBe(2)
    expect(await ring.unlink(at('b'))).toBe(0)
    expect(fs.statSync(at('a')).nlink).toBe(1)
    const dirfd = track(fs.openSync(dir, O_RDONLY | O_DIRECTORY))
    expect(await ring.unlinkat(dirfd, 'a')).toBe(0)
    expect(fs.existsSync(at('a'))).toBe(false)
    fs.mkdirSync(at('d'))
    expect(await ring.rmdir(at('d'))).toBe(0)
    fs.mkdirSync(at('e'))
    expect(await ring.unlinkat(AT_FDCWD, at('e'), AT_REMOVEDIR)).toBe(0)
    expect(fs.existsSync(at('e'))).toBe(false)
  })

  it('unlink and rmdir fail as node:fs does: ENOENT, EISDIR, ENOTDIR, ENOTEMPTY', async () => {
    fs.mkdirSync(at('full'))
    fs.writeFileSync(at('full', 'x'), 'x')
    const codes = [
      (await expectSameError(() => ring.unlink(at('missing')), () => fs.unlinkSync(at('missing')))).code,
      (await expectSameError(() => ring.unlink(at('full')), () => fs.unlinkSync(at('full')))).code,
      (await expectSameError(() => ring.rmdir(at('full', 'x')), () => fs.rmdirSync(at('full', 'x')))).code,
      (await expectSameError(() => ring.rmdir(at('full')), () => fs.rmdirSync(at('full')))).code,
      (await expectSameError(() => ring.rmdir(at('missing')), () => fs.rmdirSync(at('missing')))).code,
    ]
    expect(codes).toEqual(['ENOENT', 'EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'ENOENT'])
  })

  it('rename moves and replaces; noReplace refuses to replace; exchange swaps', async () => {
    fs.writeFileSync(at('one'), '1')
    fs.writeFileSync(at('two'), '2')
    expect(await ring.rename(at('one'), at('uno'))).toBe(0)
    expect(fs.readFileSync(at('uno'), 'utf8')).toBe('1')
    expect(await caught(() => ring.rename(at('uno'), at('two'), { noReplace: true }))).toMatchObject({ code: 'EEXIST', syscall: 'rename', path: at('uno'), dest: at('two') })
    expect(await ring.rename(at('uno'), at('two'), { exchange: true })).toBe(0)
    expect([fs.readFileSync(at('uno'), 'utf8'), fs.readFileSync(at('two'), 'utf8')]).toEqual(['2', '1'])
    expect(await ring.renameat(AT_FDCWD, at('uno'), AT_FDCWD, at('two'), RENAME_EXCHANGE)).toBe(0)
    expect(fs.readFileSync(at('two'), 'utf8')).toBe('2')
    expect(await ring.renameat(AT_FDCWD, at('two'), AT_FDCWD, at('three'), RENAME_NOREPLACE)).toBe(0)
    expect(await ring.rename(at('three'), at('uno'))).toBe(0)
    expect(fs.readFileSync(at('uno'), 'utf8')).toBe('2')
    expect(() => ring.renameat(AT_FDCWD, 'a', AT_FDCWD, 'b', 0x100)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
  })

  it('rename fails as node:fs does, with path and dest', async () => {
    fs.mkdirSync(at('dir'))
    fs.writeFileSync(at('file'), 'x')
    await expectSameError(() => ring.rename(at('missing'), at('other')), () => fs.renameSync(at('missing'), at('other')))
    await expectSameError(() => ring.rename(at('file'), at('dir')), () => fs.renameSync(at('file'), at('dir')))
    await expectSameError(() => ring.rename(at('dir'), at('file')), () => fs.renameSync(at('dir'), at('file')))
  })

  it('mkdir creates with the mode node:fs gives; fails as node:fs does', async (ctx) => {
    expect(await skipIfUnsupported(ctx, () => ring.mkdir(at('m')))).toBe(0)
    fs.mkdirSync(at('n'))
    expect(fs.statSync(at('m')).mode).toBe(fs.statSync(at('n')).mode)
    expect(await ring.mkdir(at('p'), 0o700)).toBe(0)
    fs.mkdirSync(at('q'), 0o700)
    expect(fs.statSync(at('p')).mode).toBe(fs.statSync(at('q')).mode)
    const dirfd = track(fs.openSync(at('m'), O_RDONLY | O_DIRECTORY))
    expect(await ring.mkdirat(dirfd, 'inner')).toBe(0)
    expect(fs.statSync(at('m', 'inner')).isDirectory()).toBe(true)
    fs.writeFileSync(at('f'), '')
    for (const path of [at('m'), at('missing', 'x'), at('f', 'x')]) await expectSameError(() => ring.mkdir(path), () => fs.mkdirSync(path))
  })

  it('symlink and link make what node:fs makes; errors carry path and dest as node:fs reports them', async (ctx) => {
    needsOps(ctx, 'SYMLINKAT', 'LINKAT')
    fs.writeFileSync(at('target'), 'target')
    expect(await ring.symlink('target', at('sym'))).toBe(0)
    expect(fs.readlinkSync(at('sym'))).toBe('target')
    expect(fs.readFileSync(at('sym'), 'utf8')).toBe('target')
    const dirfd = track(fs.openSync(dir, O_RDONLY | O_DIRECTORY))
    expect(await ring.symlinkat('target', dirfd, 'sym2')).toBe(0)
    expect(fs.readlinkSync(at('sym2'))).toBe('target')
    expect(await ring.link(at('target'), at('hard'))).toBe(0)
    expect(fs.statSync(at('target')).nlink).toBe(2)
    expect(fs.statSync(at('hard')).ino).toBe(fs.statSync(at('target')).ino)
    expect(await ring.linkat(AT_FDCWD, at('sym'), dirfd, 'followed', AT_SYMLINK_FOLLOW)).toBe(0)
    expect(fs.lstatSync(at('followed')).isFile()).toBe(true)
    expect(fs.statSync(at('target')).nlink).toBe(3)
    await expectSameError(() => ring.symlink('target', at('hard')), () => fs.symlinkSync('target', at('hard')))
    await expectSameError(() => ring.link(at('target'), at('hard')), () => fs.linkSync(at('target'), at('hard')))
    await expectSameError(() => ring.link(at('missing'), at('new')), () => fs.linkSync(at('missing'), at('new')))
    await expectSameError(() => ring.symlink('x', at('no', 'dir')), () => fs.symlinkSync('x', at('no', 'dir')))
  })
})

describe('extended attributes', () => {
  async function supported(): Promise<boolean> {
    fs.writeFileSync(at('probe'), '')
    try {
      await ring.setxattr(at('probe'), 'user.probe', 'x')
      return true
    } catch (err) {
      console.log(`xattr tests skipped: ${dir} refuses user.* attributes (${(err as Error).message})`)
      return false
    }
  }

  it('setxattr / getxattr on paths, fsetxattr / fgetxattr on fds, values of any size', async () => {
    if (!(await supported())) return
    fs.writeFileSync(at('x'), 'content')
    expect(await ring.setxattr(at('x'), 'user.comment', 'hello')).toBe(0)
    expect((await ring.getxattr(at('x'), 'user.comment')).toString()).toBe('hello')
    const big = Buffer.alloc(3000, 'ab')
    expect(await ring.setxattr(at('x'), 'user.big', big)).toBe(0)
    // Larger than the first read: asked for its size, read again.
    expect((await ring.getxattr(at('x'), 'user.big')).equals(big)).toBe(true)
    expect((await ring.getxattr(at('x'), 'user.big', { size: 16 })).equals(big)).toBe(true)
    const fd = track(fs.openSync(at('x'), 'r+'))
    expect(await ring.fsetxattr(fd, 'user.fd', new Uint8Array([1, 2, 3]))).toBe(0)
    expect([...(await ring.fgetxattr(fd, 'user.fd'))]).toEqual([1, 2, 3])
    expect((await ring.fgetxattr(fd, 'user.comment')).toString()).toBe('hello')
    expect(await caught(() => ring.setxattr(at('x'), 'user.comment', 'again', XATTR_CREATE))).toMatchObject({ code: 'EEXIST', syscall: 'setxattr', path: at('x') })
    expect(await caught(() => ring.setxattr(at('x'), 'user.absent', 'v', XATTR_REPLACE))).toMatchObject({ code: 'ENODATA' })
    expect(await caught(() => ring.getxattr(at('x'), 'user.absent'))).toMatchObject({ code: 'ENODATA', syscall: 'getxattr', path: at('x') })
    expect(await caught(() => ring.getxattr(at('missing'), 'user.comment'))).toMatchObject({ code: 'ENOENT', path: at('missing') })
    expect(await caught(() => ring.fgetxattr(fd, 'user.absent'))).toMatchObject({ code: 'ENODATA', syscall: 'fgetxattr' })
    // The empty value is a value.
    expect(await ring.setxattr(at('x'), 'user.empty', '')).toBe(0)
    expect((await ring.getxattr(at('x'), 'user.empty')).length).toBe(0)
  })
})

describe('pipes: splice, tee, sendfile', () => {
  it('pipe() makes a close-on-exec pipe (IORING_OP_PIPE where the kernel has it)', async () => {
    const [r, w] = await ring.pipe()
    track(r)
    track(w)
    expect(fdFlags(r) & 0o2000000).toBe(0o2000000)
    fs.writeSync(w, 'through the pipe')
    const buf = Buffer.alloc(32)
    expect(buf.toString('utf8', 0, fs.readSync(r, buf))).toBe('through the pipe')
    if (!ring.probe().supports('PIPE')) console.log('IORING_OP_PIPE not supported here: pipe() used pipe2()')
  })

  it('tee duplicates pipe data without consuming it; splice moves it into a file at an offset', async () => {
    const [r1, w1] = (await ring.pipe()).map(track)
    const [r2, w2] = (await ring.pipe()).map(track)
    fs.writeSync(w1, 'tee and splice')
    expect(await ring.tee(r1, w2, 100)).toBe(14)
    const out = track(fs.openSync(at('spliced'), 'w+'))
    expect(await ring.splice(r1, null, out, 3, 100)).toBe(14)
    const file = fs.readFileSync(at('spliced'))
    expect(file.subarray(3, 17).toString()).toBe('tee and splice')
    expect(file.subarray(0, 3).every((b) => b === 0)).toBe(true)
    // The copy tee made, at the other file's current position.
    const other = track(fs.openSync(at('other'), 'w+'))
    fs.writeSync(other, '>')
    expect(await ring.splice(r2, -1, other, -1, 100)).toBe(14)
    expect(fs.readFileSync(at('other'), 'utf8')).toBe('>tee and splice')
    // From a file position into a pipe.
    expect(await ring.splice(out, 11, w1, null, 6)).toBe(6)
    const buf = Buffer.alloc(6)
    fs.readSync(r1, buf)
    expect(buf.toString()).toBe('splice')
    expect(await caught(() => ring.splice(out, 0, out, 0, 10))).toMatchObject({ code: 'EINVAL', syscall: 'splice' })
  })

  it('sendfile copies byte-identically: an empty file, one byte, 100 MiB', async () => {
    for (const size of [0, 1, 100 * 1024 * 1024 + 123]) {
      const data = randomFile(at(`src-${size}`), size)
      const input = track(fs.openSync(at(`src-${size}`), 'r'))
      const output = track(fs.openSync(at(`dst-${size}`), 'w'))
      expect(await ring.sendfile(output, input)).toBe(size)
      const copied = fs.readFileSync(at(`dst-${size}`))
      expect(copied.length).toBe(size)
      expect(copied.equals(data)).toBe(true)
      fs.unlinkSync(at(`src-${size}`))
      fs.unlinkSync(at(`dst-${size}`))
    }
  })

  it('sendfile honours offset, length and outOffset, and the current position when not given', async () => {
    const data = randomFile(at('src'), 300000)
    const input = track(fs.openSync(at('src'), 'r'))
    const output = track(fs.openSync(at('dst'), 'w+'))
    expect(await ring.sendfile(output, input, { offset: 1000, length: 200000, outOffset: 10 })).toBe(200000)
    const copied = fs.readFileSync(at('dst'))
    expect(copied.subarray(10).equals(data.subarray(1000, 201000))).toBe(true)
    // Without an offset: from the input's position, which advances.
    fs.readSync(input, Buffer.alloc(100), 0, 100, null)
    expect(await ring.sendfile(output, input, { length: 50, outOffset: 0 })).toBe(50)
    expect(fs.readFileSync(at('dst')).subarray(0, 50).equals(data.subarray(100, 150))).toBe(true)
    expect(await ring.sendfile(output, input, { offset: 299990, outOffset: 0 })).toBe(10)
    // Into a pipe.
    const [r, w] = (await ring.pipe()).map(track)
    expect(await ring.sendfile(w, input, { offset: 0, length: 1000 })).toBe(1000)
    const buf = Buffer.alloc(1000)
    expect(fs.readSync(r, buf)).toBe(1000)
    expect(buf.equals(data.subarray(0, 1000))).toBe(true)
    expect(await caught(() => ring.sendfile(987654, input))).toMatchObject({ code: 'EBADF' })
  })
})
