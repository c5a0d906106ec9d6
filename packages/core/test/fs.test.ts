// @module-tag ring
// @iouring/core/fs against node:fs/promises: the same calls on the same
// files give the same results and the same errors.
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import * as ours from '@iouring/core/fs'
import { defaultRing } from '@iouring/core'
import { addressOf } from '@iouring/native'
import { needsRegisterOp, tempDirPerTest } from './helpers.js'
import { caught, errorShape, expectSameError, expectSameStats, randomFile, runAsNobody } from './files-helpers.js'

const at = tempDirPerTest()
const resolveEntry = (name: string): string => createRequire(import.meta.url).resolve(name)

/** Both sides' errors for `call` made with each module. */
async function sameErrorBoth(call: (api: typeof fsp) => Promise<unknown>): Promise<Record<string, unknown>> {
  return expectSameError(() => call(ours as unknown as typeof fsp), () => call(fsp))
}

describe('readFile', () => {
  // Around the first read (64 KiB), the chunk size (1 MiB), and the size from which the destination
  // is advised to use huge pages (32 MiB).
  const SIZES = [0, 1, 4095, 16383, 16384, 16385, 65535, 65536, 65537, 131073, 262144 + 1, 1048576 + 131072, 5 * 1048576 + 3, 33 * 1048576 + 65536 + 7]

  it('returns what node:fs/promises returns, for every size around the read boundaries', async () => {
    for (const size of SIZES) {
      const data = randomFile(at(`f${size}`), size)
      const mine = await ours.readFile(at(`f${size}`))
      expect(Buffer.isBuffer(mine)).toBe(true)
      expect(mine.length).toBe(size)
      expect(mine.equals(data)).toBe(true)
      expect(mine.equals(await fsp.readFile(at(`f${size}`)))).toBe(true)
    }
  })

  // Where the system gives transparent huge pages only on request, a destination of 32 MiB or more is advised to use them.
  const thp = fs.existsSync('/sys/kernel/mm/transparent_hugepage/enabled') ? fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'latin1') : ''
  const onRequest = thp.includes('[madvise]')
  if (!onRequest) console.log(`huge-page advice test skipped: transparent huge pages are not given on request here (${thp.trim() || 'no /sys/kernel/mm/transparent_hugepage'})`)

  /** The VmFlags of the mapping that holds `address`, from /proc/self/smaps. */
  function vmFlagsAt(address: number): string[] {
    let inside = false
    for (const line of fs.readFileSync('/proc/self/smaps', 'latin1').split('\n')) {
      const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line)
      if (range) inside = parseInt(range[1], 16) <= address && address < parseInt(range[2], 16)
      else if (inside && line.startsWith('VmFlags:')) return line.slice(8).trim().split(' ')
    }
    return []
  }

  it.skipIf(!onRequest)('a file of 32 MiB or more is read into memory advised to use huge pages (MADV_HUGEPAGE), with every byte; one below is not', async () => {
    const big = randomFile(at('big'), (40 << 20) + 12345)
    const mine = await ours.readFile(at('big'))
    expect(mine.equals(big)).toBe(true)
    const middle = addressOf(mine) + (20 << 20)
    expect(vmFlagsAt(middle)).toContain('hg')
    const handle = await ours.open(at('big'))
    const viaHandle = await handle.readFile()
    await handle.close()
    expect(viaHandle.equals(big)).toBe(true)
    expect(vmFlagsAt(addressOf(viaHandle) + (20 << 20))).toContain('hg')
    randomFile(at('small'), 31 << 20)
    const small = await ours.readFile(at('small'))
    expect(vmFlagsAt(addressOf(small) + (15 << 20))).not.toContain('hg')
  })

  it('a file that shrinks between its statx and the reads of its chunks: the bytes it still has, as node:fs reads on until a read returns 0', async () => {
    const ring = defaultRing()
    const fstat = ring.fstat
    try {
      for (const [size, left] of [[3 << 20, (1 << 20) + 100], [(40 << 20) + 5, (17 << 20) + 3]]) {
        const data = randomFile(at(`shrinks-${size}`), size)
        // The file is cut right after readFile's statx has reported its full size.
        ring.fstat = (async (...args: Parameters<typeof fstat>) => {
          const stats = await fstat.apply(ring, args)
          fs.truncateSync(at(`shrinks-${size}`), left)
          return stats
        }) as typeof fstat
        const mine = await ours.readFile(at(`shrinks-${size}`))
        expect([mine.length, mine.equals(data.subarray(0, left))]).toEqual([left, true])
      }
    } finally {
      delete (ring as Partial<typeof ring>).fstat
    }
  })

  it('decodes as node:fs/promises does: encoding string or option', async () => {
    fs.writeFileSync(at('text'), 'héllo wörld ✓\n'.repeat(1000))
    for (const options of ['utf8', 'latin1', 'base64', 'hex', { encoding: 'utf16le' as const }, { encoding: null }, {}, undefined] as const) {
      expect(await ours.readFile(at('text'), options as never)).toEqual(await fsp.readFile(at('text'), options as never))
    }
  })

  it('reads files whose size says nothing (/proc), FIFOs, and FileHandles from their position', async () => {
    for (const path of ['/proc/self/cmdline', '/proc/filesystems', '/proc/version']) {
      expect(await ours.readFile(path, 'utf8')).toBe(await fsp.readFile(path, 'utf8'))
    }
    execFileSync('mkfifo', [at('fifo')])
    const reading = ours.readFile(at('fifo'), 'utf8')
    const writer = await fsp.open(at('fifo'), 'w')
    await writer.write('x'.repeat(200000))
    await writer.close()
    expect(await reading).toBe('x'.repeat(200000))
    fs.writeFileSync(at('h'), '0123456789')
    const handle = await ours.open(at('h'))
    await handle.read(Buffer.alloc(4), 0, 4, null)
    expect(await ours.readFile(handle, 'utf8')).toBe('456789')
    expect(await handle.readFile({ encoding: 'utf8' })).toBe('')
    await handle.close()
  })

  it("takes a flag: 'a+' creates the file, as node:fs/promises's", async () => {
    expect(await ours.readFile(at('created'), { flag: 'a+', encoding: 'utf8' })).toBe(await fsp.readFile(at('created2'), { flag: 'a+', encoding: 'utf8' }))
    expect(fs.existsSync(at('created'))).toBe(true)
  })

  it('fails as node:fs/promises does: ENOENT with the path, EISDIR from the read, ENOTDIR', async () => {
    fs.writeFileSync(at('file'), 'x')
    fs.mkdirSync(at('dir'))
    expect((await sameErrorBoth((api) => api.readFile(at('missing')))).code).toBe('ENOENT')
    expect((await sameErrorBoth((api) => api.readFile(at('dir')))).code).toBe('EISDIR')
    expect((await sameErrorBoth((api) => api.readFile(at('file', 'x')))).code).toBe('ENOTDIR')
    expect((await caught(() => ours.readFile(at('file'), 'nope' as never)))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
    expect((await caught(() => ours.readFile(42 as never)))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' })
  })

  it('an aborted signal rejects with an AbortError, as node:fs/promises does; an abort during the read too', async () => {
    fs.writeFileSync(at('file'), Buffer.alloc(3 << 20))
    const aborted = AbortSignal.abort(new Error('stop'))
    const theirs = (await caught(() => fsp.readFile(at('file'), { signal: aborted }))) as Error
    const mine = (await caught(() => ours.readFile(at('file'), { signal: aborted }))) as Error
    expect([mine.name, (mine as { code?: string }).code, mine.message]).toEqual([theirs.name, (theirs as { code?: string }).code, theirs.message])
    expect(mine.cause).toBe(aborted.reason)
    const controller = new AbortController()
    const reading = ours.readFile(at('file'), { signal: controller.signal })
    controller.abort()
    expect(await caught(() => reading)).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' })
    // Nothing was left open or in flight.
    expect(defaultRing().pending).toBe(0)
  })
})

describe('writeFile, appendFile', () => {
  async function both(name: string, call: (api: typeof fsp, path: string) => Promise<unknown>): Promise<[Buffer, Buffer]> {
    await call(ours as unknown as typeof fsp, at(`ours-${name}`))
    await call(fsp, at(`node-${name}`))
    const a = fs.readFileSync(at(`ours-${name}`))
    const b = fs.readFileSync(at(`node-${name}`))
    expect(fs.statSync(at(`ours-${name}`)).mode).toBe(fs.statSync(at(`node-${name}`)).mode)
    return [a, b]
  }

  it('writes what node:fs/promises writes: strings in every encoding, Buffers, TypedArrays, DataViews, iterables', async () => {
    const text = 'héllo ✓ '.repeat(5000)
    const inputs: [string, unknown, unknown][] = [
      ['utf8', text, undefined],
      ['latin1', text, 'latin1'],
      ['base64', Buffer.from(text).toString('base64'), { encoding: 'base64' }],
      ['hex', 'deadbeef', 'hex'],
      ['buffer', Buffer.from(text), undefined],
      ['uint16', new Uint16Array([1, 2, 3, 65535]), undefined],
      ['dataview', new DataView(new ArrayBuffer(10), 2, 5), undefined],
      ['empty', '', undefined],
      ['iterable', ['a', Buffer.from('b'), 'ç'], undefined],
      ['async', (async function* () { yield 'x'; yield Buffer.from('yz') })(), undefined],
      ['big', Buffer.alloc(3 << 20, 'q'), undefined],
    ]
    for (const [name, data, options] of inputs) {
      const [a, b] = await both(name, (api, path) => {
        // An async generator can be consumed once: give each side its own.
        const input = name === 'async' ? (async function* () { yield 'x'; yield Buffer.from('yz') })() : data
        return api.writeFile(path, input as never, options as never)
      })
      expect([name, a.equals(b)]).toEqual([name, true])
    }
  })

  it("honours flag ('w' replaces, 'a' appends, 'wx' refuses to replace), mode and flush", async () => {
    for (const api of [ours as unknown as typeof fsp, fsp]) {
      const name = api === fsp ? 'node' : 'ours'
      await api.writeFile(at(name), 'first and long')
      await api.writeFile(at(name), 'second')
      await api.writeFile(at(name), '+', { flag: 'a' })
      await api.appendFile(at(name), '+more')
      await api.appendFile(at(`${name}-new`), 'made by append', { mode: 0o600 })
      await api.writeFile(at(`${name}-mode`), 'x', { mode: 0o640, flush: true })
    }
    expect(fs.readFileSync(at('ours'), 'utf8')).toBe('second++more')
    expect(fs.readFileSync(at('ours'), 'utf8')).toBe(fs.readFileSync(at('node'), 'utf8'))
    expect(fs.readFileSync(at('ours-new'), 'utf8')).toBe('made by append')
    expect(fs.statSync(at('ours-new')).mode).toBe(fs.statSync(at('node-new')).mode)
    expect(fs.statSync(at('ours-mode')).mode).toBe(fs.statSync(at('node-mode')).mode)
    expect((await sameErrorBoth((api) => api.writeFile(at('ours'), 'x', { flag: 'wx' }))).code).toBe('EEXIST')
  })

  it('fails as node:fs/promises does: ENOENT, EISDIR, ENOTDIR with the path; bad data and options synchronously refused by rejection', async () => {
    fs.mkdirSync(at('dir'))
    fs.writeFileSync(at('file'), '')
    expect((await sameErrorBoth((api) => api.writeFile(at('no', 'such'), 'x'))).code).toBe('ENOENT')
    expect((await sameErrorBoth((api) => api.writeFile(at('dir'), 'x'))).code).toBe('EISDIR')
    expect((await sameErrorBoth((api) => api.appendFile(at('file', 'x'), 'x'))).code).toBe('ENOTDIR')
    const bad = ours.writeFile(at('x'), 42 as never)
    expect(bad).toBeInstanceOf(Promise)
    expect(await caught(() => bad)).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' })
    expect(await caught(() => ours.writeFile(at('x'), 'x', { flag: 'zz' }))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
  })

  it('a write the kernel cuts short (a 4 KiB file size limit): EFBIG with the 4096 bytes written kept, as node:fs/promises, for every way writeFile writes', async (ctx) => {
    // Linux 6.18 reports a short write at the file's position and leaves the
    // position where it was: a second write there would overwrite and succeed.
    try {
      execFileSync('prlimit', ['--version'], { stdio: 'ignore' })
    } catch {
      console.log('skipped: no prlimit (util-linux) to set RLIMIT_FSIZE')
      ctx.skip()
    }
    const script = `
      const fs = require('node:fs')
      const fsp = require('node:fs/promises')
      import(${JSON.stringify(resolveEntry('@iouring/core/fs'))}).then(async (ours) => {
        const out = []
        const data = Buffer.alloc(10000)
        for (let i = 0; i < data.length; i++) data[i] = i % 251
        for (const [name, api] of [['node', fsp], ['ours', ours]]) {
          const ways = {
            buffer: (path) => api.writeFile(path, data),
            chunks: (path) => api.writeFile(path, [data.subarray(0, 3000), data.subarray(3000)]),
            signal: (path) => api.writeFile(path, data, { signal: new AbortController().signal }),
            flush: (path) => api.writeFile(path, data, { flush: true }),
            append: (path) => (fs.writeFileSync(path, data.subarray(0, 1000)), api.appendFile(path, data.subarray(1000))),
          }
          for (const [way, write] of Object.entries(ways)) {
            const path = ${JSON.stringify(at())} + '/' + name + '-' + way
            const error = await write(path).then(() => 'resolved', (err) => err.code + ' ' + err.syscall)
            out.push([way, error, fs.readFileSync(path).equals(data.subarray(0, 4096))])
          }
        }
        process.stdout.write(JSON.stringify(out))
      })`
    const expected = ['buffer', 'chunks', 'signal', 'flush', 'append'].map((way) => [way, 'EFBIG write', true])
    // Through the thread ring, and through the polling ring IOURING_FS_SQPOLL asks for.
    for (const sqpoll of ['', '10']) {
      const env = { ...process.env, IOURING_FS_SQPOLL: sqpoll }
      const results = JSON.parse(execFileSync('prlimit', ['--fsize=4096', process.execPath, '-e', script], { encoding: 'utf8', env })) as unknown[][]
      expect(results, `IOURING_FS_SQPOLL=${sqpoll}`).toEqual([...expected, ...expected])
    }
  })

  it('more writeFiles at once than the thread ring has direct-descriptor slots (300 > 256): each file whole', async () => {
    const files = Array.from({ length: 300 }, (_, i) => [at(`many-${i}`), Buffer.alloc(1000 + i, i % 256)] as const)
    await Promise.all(files.map(([path, data]) => ours.writeFile(path, data)))
    for (const [path, data] of files) expect(fs.readFileSync(path).equals(data)).toBe(true)
  })

  it("a thread's ring gets a file table at its first writeFile, 256 slots its own and the kernel's allocations after them; a ring whose thread registered its own writes through plain fds and keeps that table", async (ctx) => {
    needsRegisterOp(ctx, 'REGISTER_FILE_ALLOC_RANGE')
    const run = (registerFirst: boolean): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(
          `
          const { parentPort, workerData } = require('node:worker_threads')
          const { defaultRing } = require(workerData.core)
          const { registerFiles, registeredFiles } = require(workerData.register)
          const fs = require('node:fs')
          import(workerData.fs).then(async (ours) => {
            const ring = defaultRing()
            if (workerData.registerFirst) registerFiles(ring, [0, 1, 2])
            await ours.writeFile(workerData.path, 'from a worker')
            // The kernel hands out slots after the facade's 256.
            const allocated = await ring.openatDirect(-100, workerData.path, 'r', 0, 'alloc').catch((err) => err.code)
            parentPort.postMessage([fs.readFileSync(workerData.path, 'utf8'), registeredFiles(ring), allocated])
          })`,
          { eval: true, workerData: { core: resolveEntry('@iouring/core'), register: resolveEntry('@iouring/register'), fs: resolveEntry('@iouring/core/fs'), registerFirst, path: at(`worker-${registerFirst}`) } },
        )
        worker.once('message', resolve)
        worker.once('error', reject)
      })
    expect(await run(false)).toEqual(['from a worker', 1280, 256])
    // Its own table of 3 is full: nothing for 'alloc'.
    expect(await run(true)).toEqual(['from a worker', 3, 'ENFILE'])
  })

  it('an aborted signal rejects with an AbortError and writes nothing, as node:fs/promises does', async () => {
    const signal = AbortSignal.abort()
    const theirs = await caught(() => fsp.writeFile(at('node'), 'x', { signal }))
    const mine = await caught(() => ours.writeFile(at('ours'), 'x', { signal }))
    expect([(mine as Error).name, (mine as { code?: string }).code]).toEqual([(theirs as Error).name, (theirs as { code?: string }).code])
    expect(fs.existsSync(at('ours'))).toBe(fs.existsSync(at('node')))
  })
})

describe('copyFile (node:fs/promises\'s own: see the README)', () => {
  it('copies byte-identically with the source mode: an empty file, one byte, 100 MiB', async () => {
    for (const size of [0, 1, 100 * 1024 * 1024 + 5]) {
      const data = randomFile(at(`src-${size}`), size)
      fs.chmodSync(at(`src-${size}`), 0o751)
      await ours.copyFile(at(`src-${size}`), at(`ours-${size}`))
      await fsp.copyFile(at(`src-${size}`), at(`node-${size}`))
      const copied = fs.readFileSync(at(`ours-${size}`))
      expect(copied.length).toBe(size)
      expect(copied.equals(data)).toBe(true)
      expect(fs.statSync(at(`ours-${size}`)).mode).toBe(fs.statSync(at(`node-${size}`)).mode)
      for (const name of ['src', 'ours', 'node']) fs.unlinkSync(at(`${name}-${size}`))
    }
  })

  it('replaces a longer destination, keeps its own mode as node:fs does, and leaves a file copied onto itself alone', async () => {
    fs.writeFileSync(at('src'), 'short', { mode: 0o644 })
    for (const name of ['ours', 'node']) fs.writeFileSync(at(name), 'a much longer destination', { mode: 0o600 })
    await ours.copyFile(at('src'), at('ours'))
    await fsp.copyFile(at('src'), at('node'))
    expect(fs.readFileSync(at('ours'), 'utf8')).toBe('short')
    expect(fs.statSync(at('ours')).mode).toBe(fs.statSync(at('node')).mode)
    await ours.copyFile(at('src'), at('src'))
    expect(fs.readFileSync(at('src'), 'utf8')).toBe('short')
  })

  it('fails as node:fs/promises does (syscall copyfile, path, dest) and removes a destination it made', async () => {
    fs.writeFileSync(at('src'), 'x')
    fs.mkdirSync(at('dir'))
    expect((await sameErrorBoth((api) => api.copyFile(at('missing'), at('dst')))).code).toBe('ENOENT')
    expect((await sameErrorBoth((api) => api.copyFile(at('src'), at('src'), fs.constants.COPYFILE_EXCL))).code).toBe('EEXIST')
    expect((await sameErrorBoth((api) => api.copyFile(at('src'), at('dir')))).code).toBe('EISDIR')
    expect((await sameErrorBoth((api) => api.copyFile(at('dir'), at('from-dir')))).code).toBe('EISDIR')
    expect(fs.existsSync(at('from-dir'))).toBe(false)
    expect((await sameErrorBoth((api) => api.copyFile(at('src'), at('no', 'dst')))).code).toBe('ENOENT')
  })

  it('COPYFILE_FICLONE / _FORCE go to node:fs (io_uring cannot reflink), with its results', async () => {
    fs.writeFileSync(at('src'), 'clone me')
    await ours.copyFile(at('src'), at('cloned'), fs.constants.COPYFILE_FICLONE)
    expect(fs.readFileSync(at('cloned'), 'utf8')).toBe('clone me')
    await sameErrorBoth((api) => api.copyFile(at('src'), at('forced'), fs.constants.COPYFILE_FICLONE_FORCE)).catch(async (err) => {
      // The file system may support reflinks after all: then both succeed.
      if (!fs.existsSync(at('forced'))) throw err
    })
  })
})

describe('open and FileHandle', () => {
  async function pair(flags: string, content = '0123456789abcdef'): Promise<[ours.FileHandle, fsp.FileHandle]> {
    fs.writeFileSync(at('ours'), content)
    fs.writeFileSync(at('node'), content)
    return [await ours.open(at('ours'), flags), await fsp.open(at('node'), flags)]
  }

  it('read in each of node:fs forms gives the same result', async () => {
    const [a, b] = await pair('r')
    const forms: ((h: ours.FileHandle | fsp.FileHandle) => Promise<{ bytesRead: number; buffer: NodeJS.ArrayBufferView }>)[] = [
      (h) => h.read(Buffer.alloc(4), 0, 4, 0),
      (h) => h.read(Buffer.alloc(8), 2, 3, 5),
      (h) => h.read(Buffer.alloc(6), 0, 6, null),
      (h) => h.read(Buffer.alloc(6)),
      (h) => h.read(Buffer.alloc(6), { offset: 1, length: 2, position: 3 }),
      (h) => h.read({ buffer: Buffer.alloc(5), position: 10 }),
      (h) => h.read(new Uint16Array(2), 0, 4, 2),
      (h) => h.read(Buffer.alloc(4), 0, 4, 100),
      (h) => h.read(Buffer.alloc(4), 0, 0, 0),
    ]
    for (const [i, form] of forms.entries()) {
      const mine = await form(a)
      const theirs = await form(b)
      expect([i, mine.bytesRead, Buffer.from(mine.buffer.buffer, mine.buffer.byteOffset, mine.buffer.byteLength)]).toEqual([
        i,
        theirs.bytesRead,
        Buffer.from(theirs.buffer.buffer, theirs.buffer.byteOffset, theirs.buffer.byteLength),
      ])
      expect(Object.getPrototypeOf(mine)).toBe(Object.getPrototypeOf(theirs))
    }
    const mine = await a.read()
    const theirs = await b.read()
    expect(mine.bytesRead).toBe(theirs.bytesRead)
    expect(mine.buffer.length).toBe(theirs.buffer.length)
    // Positions node:fs/promises does not read at (negative, bigint, fractional) on this Node.js:
    // the same bytes, from the same current position.
    for (const position of [-5, 2n, 1.5, -1n, '3']) {
      const mine = await a.read(Buffer.alloc(2), 0, 2, position as never).catch((err: { code: string }) => err.code)
      const theirs = await b.read(Buffer.alloc(2), 0, 2, position as never).catch((err: { code: string }) => err.code)
      expect([String(position), typeof mine === 'string' ? mine : mine.buffer]).toEqual([String(position), typeof theirs === 'string' ? theirs : theirs.buffer])
    }
    await a.close()
    await b.close()
  })

  it('write, writev and readv give the same results and the same file', async () => {
    const [a, b] = await pair('r+')
    for (const h of [a, b] as unknown as fsp.FileHandle[]) {
      const results = [
        await h.write(Buffer.from('AB'), 0, 2, 0),
        await h.write(Buffer.from('xyz'), 1, 2, 4),
        await h.write('string', 10),
        await h.write('ffff', 2, 'hex'),
        await h.write(Buffer.from('opts'), { offset: 0, length: 3, position: 6 } as never),
        await h.writev([Buffer.from('1'), Buffer.from('23')], 20),
      ]
      const shapes = results.map((r) => ('bytesWritten' in r ? r.bytesWritten : r))
      expect(shapes).toEqual([2, 2, 6, 2, 3, 3])
      const into = [Buffer.alloc(3), Buffer.alloc(30)]
      const readv = await h.readv(into, 0)
      expect(readv.bytesRead).toBe(23)
    }
    await a.close()
    await b.close()
    expect(fs.readFileSync(at('ours'))).toEqual(fs.readFileSync(at('node')))
  })

  it('stat, truncate, sync, datasync, readFile, writeFile, appendFile match node:fs FileHandles', async () => {
    const [a, b] = await pair('r+')
    expectSameStats(await a.stat(), fs.fstatSync(a.fd))
    expectSameStats(await a.stat({ bigint: true }), fs.fstatSync(a.fd, { bigint: true }))
    await a.truncate(4)
    await b.truncate(4)
    await a.sync()
    await b.sync()
    await a.datasync()
    await b.datasync()
    expect(await a.readFile('utf8')).toBe(await b.readFile('utf8'))
    await a.writeFile('-written')
    await b.writeFile('-written')
    await a.appendFile(Buffer.from('+appended'))
    await b.appendFile(Buffer.from('+appended'))
    await a.truncate(-5)
    await a.writeFile('after')
    await b.truncate(-5)
    await b.writeFile('after')
    expectSameStats(await a.stat(), fs.fstatSync(a.fd))
    await a.chmod(0o600)
    await b.chmod(0o600)
    const when = new Date('2020-01-02T03:04:05Z')
    await a.utimes(when, when)
    await b.utimes(when, when)
    const [mine, theirs] = [await a.stat(), await b.stat()]
    expect([mine.size, mine.mode, mine.mtimeMs, mine.atimeMs]).toEqual([theirs.size, theirs.mode, theirs.mtimeMs, theirs.atimeMs])
    await a.close()
    await b.close()
    expect(fs.readFileSync(at('ours'))).toEqual(fs.readFileSync(at('node')))
  })

  it('close twice is fine; use after close fails as node:fs does; Symbol.asyncDispose closes; close waits for reads in flight', async () => {
    const [a, b] = await pair('r')
    expect(typeof a.fd).toBe('number')
    await a.close()
    await b.close()
    expect(a.fd).toBe(-1)
    await a.close()
    const mine = (await caught(() => a.read())) as Error
    const theirs = (await caught(() => b.read())) as Error
    expect([mine.message, (mine as { code?: string }).code, (mine as { syscall?: string }).syscall]).toEqual([theirs.message, (theirs as { code?: string }).code, (theirs as { syscall?: string }).syscall])
    const c = await ours.open(at('ours'))
    const fd = c.fd
    const reading = c.read(Buffer.alloc(4), 0, 4, 0)
    const closing = c.close()
    expect((await reading).bytesRead).toBe(4)
    await closing
    expect(() => fs.fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }))
    const d = await ours.open(at('ours'))
    const dfd = d.fd
    await d[Symbol.asyncDispose]()
    expect(() => fs.fstatSync(dfd)).toThrow(expect.objectContaining({ code: 'EBADF' }))
  })

  it('open fails as node:fs/promises does', async () => {
    fs.writeFileSync(at('file'), '')
    expect((await sameErrorBoth((api) => api.open(at('missing')))).code).toBe('ENOENT')
    expect((await sameErrorBoth((api) => api.open(at('file'), 'wx')))).toMatchObject({ code: 'EEXIST' })
    expect((await sameErrorBoth((api) => api.open(at(), 'w')))).toMatchObject({ code: 'EISDIR' })
  })
})

describe('stat, lstat', () => {
  it('give what node:fs/promises gives, number and bigint', async () => {
    fs.writeFileSync(at('f'), 'abc')
    fs.symlinkSync(at('f'), at('l'))
    for (const path of [at('f'), at('l'), at()]) {
      expectSameStats(await ours.stat(path), await fsp.stat(path))
      expectSameStats(await ours.lstat(path), await fsp.lstat(path))
      expectSameStats(await ours.stat(path, { bigint: true }), await fsp.stat(path, { bigint: true }))
      expectSameStats(await ours.lstat(path, { bigint: true }), await fsp.lstat(path, { bigint: true }))
    }
    expect(await ours.stat(at('f'))).toBeInstanceOf(fs.Stats)
    expect((await sameErrorBoth((api) => api.stat(at('missing')))).code).toBe('ENOENT')
    expect((await sameErrorBoth((api) => api.lstat(at('f', 'x')))).code).toBe('ENOTDIR')
    expect(await caught(() => ours.stat(undefined as never))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' })
  })
})

describe('mkdir, rm, unlink, rmdir, rename, symlink, link, truncate', () => {
  it('mkdir, recursive or not, returns and fails as node:fs/promises does', async () => {
    fs.writeFileSync(at('file'), '')
    const cases: [string, unknown][] = [
      ['plain', undefined],
      ['plain', undefined],
      ['mode', 0o700],
      ['mode-opt', { mode: '750' }],
      ['deep/er/still', { recursive: true }],
      ['deep/er/still', { recursive: true }],
      ['deep/other', { recursive: true, mode: 0o700 }],
      ['file', { recursive: true }],
      ['file/below', { recursive: true }],
      ['file/below/more', { recursive: true }],
      ['missing/x', undefined],
    ]
    for (const [name, options] of cases) {
      let mine: unknown
      let theirs: unknown
      try {
        mine = await ours.mkdir(at('ours', name), options as never)
      } catch (err) {
        mine = { ...errorShape(err), path: String((err as { path: string }).path).replace(at('ours'), '') }
      }
      try {
        theirs = await fsp.mkdir(at('node', name), options as never)
      } catch (err) {
        theirs = { ...errorShape(err), path: String((err as { path: string }).path).replace(at('node'), '') }
      }
      if (typeof mine === 'string') mine = mine.replace(at('ours'), '')
      if (typeof theirs === 'string') theirs = theirs.replace(at('node'), '')
      expect([name, mine]).toEqual([name, theirs])
      if (name === '' || name === 'plain') {
        fs.mkdirSync(at('ours'), { recursive: true })
        fs.mkdirSync(at('node'), { recursive: true })
        fs.writeFileSync(at('ours', 'file'), '')
        fs.writeFileSync(at('node', 'file'), '')
      }
    }
    for (const name of ['plain', 'mode', 'mode-opt', 'deep/er/still', 'deep/other']) {
      expect([name, fs.statSync(at('ours', name)).mode]).toEqual([name, fs.statSync(at('node', name)).mode])
    }
  })

  it('rm removes files; its errors and its recursive and force forms are node:fs/promises own', async () => {
    fs.writeFileSync(at('f'), '')
    await ours.rm(at('f'))
    expect(fs.existsSync(at('f'))).toBe(false)
    await ours.rm(at('f'), { force: true })
    expect((await sameErrorBoth((api) => api.rm(at('f'))))).toMatchObject({ code: 'ENOENT', syscall: 'lstat' })
    fs.mkdirSync(at('d', 'e'), { recursive: true })
    fs.writeFileSync(at('d', 'e', 'f'), '')
    expect((await sameErrorBoth((api) => api.rm(at('d'))))).toMatchObject({ code: 'ERR_FS_EISDIR' })
    await ours.rm(at('d'), { recursive: true })
    expect(fs.existsSync(at('d'))).toBe(false)
  })

  it('unlink, rmdir, rename, symlink, link act and fail as node:fs/promises does', async () => {
    fs.writeFileSync(at('f'), 'content')
    fs.mkdirSync(at('d'))
    await ours.link(at('f'), at('hard'))
    expect(fs.statSync(at('f')).nlink).toBe(2)
    await ours.symlink('f', at('sym'))
    expect(fs.readlinkSync(at('sym'))).toBe('f')
    await ours.symlink('d', at('dsym'), 'dir')
    await ours.rename(at('hard'), at('moved'))
    expect(fs.readFileSync(at('moved'), 'utf8')).toBe('content')
    await ours.unlink(at('moved'))
    expect(fs.statSync(at('f')).nlink).toBe(1)
    await ours.rmdir(at('d'))
    expect(fs.existsSync(at('d'))).toBe(false)
    const codes = [
      (await sameErrorBoth((api) => api.unlink(at('missing')))).code,
      (await sameErrorBoth((api) => api.rmdir(at('f')))).code,
      (await sameErrorBoth((api) => api.rename(at('missing'), at('x')))).code,
      (await sameErrorBoth((api) => api.symlink('f', at('sym')))).code,
      (await sameErrorBoth((api) => api.link(at('f'), at('sym')))).code,
      (await sameErrorBoth((api) => api.link(at('missing'), at('new')))).code,
    ]
    expect(codes).toEqual(['ENOENT', 'ENOTDIR', 'ENOENT', 'EEXIST', 'EEXIST', 'ENOENT'])
  })

  it('truncate sets the size as node:fs/promises does, and fails the same way', async () => {
    for (const name of ['ours', 'node']) fs.writeFileSync(at(name), 'hello world')
    await ours.truncate(at('ours'), 5)
    await fsp.truncate(at('node'), 5)
    expect(fs.readFileSync(at('ours'), 'utf8')).toBe(fs.readFileSync(at('node'), 'utf8'))
    await ours.truncate(at('ours'))
    expect(fs.statSync(at('ours')).size).toBe(0)
    expect((await sameErrorBoth((api) => api.truncate(at('missing')))).code).toBe('ENOENT')
  })

  it('EACCES with the path, as node:fs/promises reports it (run as nobody)', async () => {
    fs.writeFileSync(at('secret'), 'x', { mode: 0o600 })
    fs.mkdirSync(at('closed'), { mode: 0o700 })
    const facade = import.meta.resolve('@iouring/core/fs')
    const result = runAsNobody(
      at(),
      `import * as fsp from 'node:fs/promises'
      const ours = await import(${JSON.stringify(facade)})
      const shape = (e) => ({ code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest })
      const calls = [
        (api) => api.readFile(${JSON.stringify(at('secret'))}),
        (api) => api.writeFile(${JSON.stringify(at('secret'))}, 'y'),
        (api) => api.stat(${JSON.stringify(at('closed', 'x'))}),
        (api) => api.mkdir(${JSON.stringify(at('closed', 'y'))}),
        (api) => api.mkdir(${JSON.stringify(at('closed', 'y', 'z'))}, { recursive: true }),
        (api) => api.copyFile(${JSON.stringify(at('secret'))}, ${JSON.stringify(at('nobody', 'copy'))}),
      ]
      const out = []
      for (const call of calls) {
        let mine, theirs
        try { await call(ours) } catch (e) { mine = shape(e) }
        try { await call(fsp) } catch (e) { theirs = shape(e) }
        out.push([mine, theirs])
      }
      console.log(JSON.stringify(out))`,
    )
    if (!Array.isArray(result)) {
      console.log(`EACCES check skipped: cannot run a child as nobody here (${JSON.stringify(result)})`)
      return
    }
    for (const [mine, theirs] of result as [unknown, unknown][]) {
      expect(mine).toEqual(theirs)
      expect(theirs).toMatchObject({ code: 'EACCES' })
    }
  })
})

describe('the rest of node:fs/promises', () => {
  it('re-exports what io_uring has no operation for, so every name of node:fs/promises is here', () => {
    for (const name of ['access', 'copyFile', 'readdir', 'readlink', 'realpath', 'chmod', 'chown', 'lchown', 'utimes', 'lutimes', 'opendir', 'watch', 'cp', 'statfs', 'glob'] as const) {
      expect([name, (ours as Record<string, unknown>)[name]]).toEqual([name, (fsp as Record<string, unknown>)[name]])
    }
    for (const name of Object.keys(fsp)) if (name !== 'default') expect([name, name in ours]).toEqual([name, true])
    expect(ours.constants).toBe(fs.constants)
  })

  it('is the same program with either import', async () => {
    async function program(api: typeof fsp, root: string): Promise<unknown[]> {
      const log: unknown[] = []
      await api.mkdir(join(root, 'a', 'b'), { recursive: true })
      await api.writeFile(join(root, 'a', 'b', 'c.txt'), 'one\n')
      await api.appendFile(join(root, 'a', 'b', 'c.txt'), 'two\n')
      await api.copyFile(join(root, 'a', 'b', 'c.txt'), join(root, 'a', 'copy.txt'))
      await api.rename(join(root, 'a', 'copy.txt'), join(root, 'a', 'renamed.txt'))
      log.push(await api.readFile(join(root, 'a', 'renamed.txt'), 'utf8'))
      log.push((await api.readdir(join(root, 'a'))).sort())
      const handle = await api.open(join(root, 'a', 'renamed.txt'), 'r+')
      log.push((await handle.read(Buffer.alloc(3), 0, 3, 4)).buffer.toString())
      log.push((await handle.stat()).size)
      await handle.close()
      await api.rm(join(root, 'a', 'renamed.txt'))
      log.push((await api.stat(join(root, 'a'))).isDirectory())
      return log
    }
    fs.mkdirSync(at('ours'))
    fs.mkdirSync(at('node'))
    expect(await program(ours as unknown as typeof fsp, at('ours'))).toEqual(await program(fsp, at('node')))
  })

  it('works through require() as well as import', () => {
    const required = execFileSync(process.execPath, ['-e', "const fs = require('@iouring/core/fs'); fs.readFile(__filename === undefined ? '' : process.execPath).then((b) => console.log(b.length > 0, typeof fs.FileHandle))"], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname ?? '.', '..'),
    })
    expect(required.trim()).toBe('true function')
  })
})
