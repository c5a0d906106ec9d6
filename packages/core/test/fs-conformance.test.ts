// @module-tag ring
// @iouring/core/fs against node:fs/promises, call by call: the same arguments
// on the same files give the same result, or the same error (class, code,
// message, syscall, path), thrown the same way (a rejection, never a
// synchronous throw), with the same files left behind.
import * as fs from 'node:fs'
import { execFileSync } from 'node:child_process'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as ours from '@iouring/core/fs'
import { defaultRing } from '@iouring/core'
import { tempDirPerTest } from './helpers.js'
import { errorFacts, fixture, outcome, snapshot } from './fixtures/fs-outcomes.mjs'

const at = tempDirPerTest()

type Api = typeof fsp

/** Runs `call` with each module on the same fresh files; outcomes and files left must be equal. */
async function same(label: string, call: (api: Api) => unknown): Promise<Record<string, unknown>> {
  fixture(at())
  const mine = await outcome(() => call(ours as unknown as Api))
  const mineFiles = snapshot(at())
  fixture(at())
  const theirs = await outcome(() => call(fsp))
  const theirFiles = snapshot(at())
  expect.soft([label, mine]).toEqual([label, theirs])
  expect.soft([label, mineFiles]).toEqual([label, theirFiles])
  return theirs
}

describe('readFile', () => {
  it('arguments and options: the same results and errors', async () => {
    const cases: [string, (api: Api) => unknown][] = [
      ['no options', (api) => api.readFile(at('file'))],
      ['undefined', (api) => api.readFile(at('file'), undefined)],
      ['null', (api) => api.readFile(at('file'), null)],
      ['{}', (api) => api.readFile(at('file'), {})],
      ['a function', (api) => api.readFile(at('file'), (() => {}) as never)],
      ['encoding string', (api) => api.readFile(at('file'), 'hex')],
      ['encoding null', (api) => api.readFile(at('file'), { encoding: null })],
      ["encoding 'buffer'", (api) => api.readFile(at('file'), 'buffer' as never)],
      ['bad encoding', (api) => api.readFile(at('file'), 'nope' as never)],
      ['bad encoding property', (api) => api.readFile(at('file'), { encoding: 'a.b' as never })],
      ['options a number', (api) => api.readFile(at('file'), 5 as never)],
      ['options true', (api) => api.readFile(at('file'), true as never)],
      ['path a number', (api) => api.readFile(42 as never)],
      ['path with a NUL', (api) => api.readFile(at('fi\u0000le'))],
      ['path a Buffer with a NUL', (api) => api.readFile(Buffer.from('a\u0000b'))],
      ['path a URL', (api) => api.readFile(new URL(`file://${at('file')}`))],
      ['path an http URL', (api) => api.readFile(new URL('http://example.com/x') as never)],
      ['path undefined', (api) => api.readFile(undefined as never)],
      ['flag bogus', (api) => api.readFile(at('file'), { flag: 'bogus' })],
      ['flag 1.5', (api) => api.readFile(at('file'), { flag: 1.5 as never })],
      ['flag 2 ** 40', (api) => api.readFile(at('file'), { flag: 2 ** 40 as never })],
      ["flag ''", (api) => api.readFile(at('file'), { flag: '' })],
      ["flag 'a+' creates", (api) => api.readFile(at('new'), { flag: 'a+' })],
      ['signal 5', (api) => api.readFile(at('file'), { signal: 5 as never })],
      ['signal null', (api) => api.readFile(at('file'), { signal: null as never })],
      ['signal {}', (api) => api.readFile(at('file'), { signal: {} as never })],
      ['signal { aborted: false }', (api) => api.readFile(at('file'), { signal: { aborted: false } as never })],
      ['signal { aborted: true }', (api) => api.readFile(at('file'), { signal: { aborted: true, reason: 'why' } as never })],
      ['a directory', (api) => api.readFile(at('dir'))],
      ['missing', (api) => api.readFile(at('missing'))],
      ['under a file', (api) => api.readFile(at('file', 'x'))],
    ]
    for (const [label, call] of cases) await same(label, call)
  })

  it('an aborted signal: an AbortError of class AbortError, as node:fs/promises rejects with', async () => {
    fs.writeFileSync(at('file'), 'x')
    const signal = AbortSignal.abort(new Error('stop'))
    const mine = (await ours.readFile(at('file'), { signal }).catch((err: unknown) => err)) as Error & { code: string }
    const theirs = (await fsp.readFile(at('file'), { signal }).catch((err: unknown) => err)) as Error & { code: string }
    const facts = (err: Error & { code: string }): unknown => ({
      class: err.constructor.name,
      own: Object.getOwnPropertyNames(err).sort(),
      code: err.code,
      name: err.name,
      message: err.message,
      isError: err instanceof Error,
      prototypeOfClass: Object.getPrototypeOf(Object.getPrototypeOf(err)) === Error.prototype,
      causeIsReason: err.cause === signal.reason,
    })
    expect(facts(mine)).toEqual(facts(theirs))
    expect(mine.constructor.name).toBe('AbortError')
    expect(Object.hasOwn(mine, 'code') && Object.hasOwn(mine, 'name')).toBe(true)
  })

  it('an abort while a read waits (on a FIFO no one writes): the ring cancels it, and it rejects with the same AbortError class', async () => {
    const fifo = at('fifo')
    execFileSync('mkfifo', [fifo])
    const keepOpen = fs.openSync(fifo, fs.constants.O_RDWR)
    const controller = new AbortController()
    const tried = defaultRing().stats.completions + 2
    const reading = ours.readFile(fifo, { signal: controller.signal })
    // The open's CQE arrives, then the RWF_NOWAIT read's (a FIFO cannot be
    // read without waiting); the read that waits, and the statx linked after
    // it, are in flight after one more turn.
    while (defaultRing().stats.completions < tried) await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(defaultRing().pending).toBe(2)
    controller.abort('stop')
    const err = (await reading.catch((e: unknown) => e)) as Error & { code: string }
    expect([err.constructor.name, err.name, err.code, err.message, err.cause]).toEqual(['AbortError', 'AbortError', 'ABORT_ERR', 'The operation was aborted', 'stop'])
    fs.closeSync(keepOpen)
  })

  it('a signal wrapped in a Proxy is only read, as node:fs reads it (addEventListener is not touched)', async () => {
    fs.writeFileSync(at('file'), 'abc')
    const controller = new AbortController()
    const touched: string[] = []
    const proxy = new Proxy(controller.signal, {
      get(target, key) {
        if (key === 'addEventListener' || key === 'removeEventListener') touched.push(key)
        const value = Reflect.get(target, key, target) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    expect((await ours.readFile(at('file'), { signal: proxy })).toString()).toBe((await fsp.readFile(at('file'), { signal: proxy })).toString())
    await ours.writeFile(at('file'), 'def', { signal: proxy })
    expect(touched).toEqual([])
    controller.abort('late')
    await same('aborted proxy', (api) => api.readFile(at('file'), { signal: proxy }))
  })
})

describe('writeFile, appendFile', () => {
  it('arguments and options: the same results, errors and files', async () => {
    const cases: [string, (api: Api) => unknown][] = [
      ['a string', (api) => api.writeFile(at('out'), 'héllo')],
      ['hex', (api) => api.writeFile(at('out'), 'abcd', 'hex')],
      ['odd hex', (api) => api.writeFile(at('out'), 'abc', 'hex')],
      ['bad encoding', (api) => api.writeFile(at('out'), 'abc', 'nope' as never)],
      ["encoding 'buffer'", (api) => api.writeFile(at('out'), 'abc', 'buffer' as never)],
      ['a Uint16Array', (api) => api.writeFile(at('out'), new Uint16Array([0x4142, 0x4344]))],
      ['a DataView', (api) => api.writeFile(at('out'), new DataView(Buffer.from('data').buffer, 0, 4))],
      ['an iterable', (api) => api.writeFile(at('out'), ['a', Buffer.from('b'), 'c'])],
      ['an iterable of a number', (api) => api.writeFile(at('out'), [5] as never)],
      ['an async iterable', (api) => api.writeFile(at('out'), (async function* () { yield 'x'; yield 'y' })())],
      ['data a number', (api) => api.writeFile(at('out'), 5 as never)],
      ['data null', (api) => api.writeFile(at('out'), null as never)],
      ['data an object', (api) => api.writeFile(at('out'), {} as never)],
      ['flush null', (api) => api.writeFile(at('out'), 'x', { flush: null as never })],
      ['flush undefined', (api) => api.writeFile(at('out'), 'x', { flush: undefined })],
      ['flush true', (api) => api.writeFile(at('out'), 'x', { flush: true })],
      ['flush 1', (api) => api.writeFile(at('out'), 'x', { flush: 1 as never })],
      ["mode 'z'", (api) => api.writeFile(at('out'), 'x', { mode: 'z' })],
      ['mode -1', (api) => api.writeFile(at('out'), 'x', { mode: -1 })],
      ['mode 1.5', (api) => api.writeFile(at('out'), 'x', { mode: 1.5 })],
      ['mode null', (api) => api.writeFile(at('out'), 'x', { mode: null as never })],
      ["mode '600'", (api) => api.writeFile(at('out'), 'x', { mode: '600' })],
      ["flag 'r'", (api) => api.writeFile(at('file'), 'x', { flag: 'r' })],
      ["flag 'wx' on an existing file", (api) => api.writeFile(at('file'), 'x', { flag: 'wx' })],
      ["flag 'a'", (api) => api.writeFile(at('file'), 'x', { flag: 'a' })],
      ['flag bogus', (api) => api.writeFile(at('file'), 'x', { flag: 'bogus' })],
      ['options 5', (api) => api.writeFile(at('out'), 'x', 5 as never)],
      ['path 42', (api) => api.writeFile(42 as never, 'x')],
      ['path 42 and data 5', (api) => api.writeFile(42 as never, 5 as never)],
      ['a directory', (api) => api.writeFile(at('dir'), 'x')],
      ['under a missing directory', (api) => api.writeFile(at('missing', 'x'), 'x')],
      ['signal aborted', (api) => api.writeFile(at('out'), 'x', { signal: AbortSignal.abort() })],
      ['signal 5', (api) => api.writeFile(at('out'), 'x', { signal: 5 as never })],
      ['appendFile', (api) => api.appendFile(at('file'), 'more')],
      ['appendFile flush null', (api) => api.appendFile(at('file'), 'more', { flush: null as never })],
      ["appendFile flag 'w'", (api) => api.appendFile(at('file'), 'more', { flag: 'w' })],
      ['appendFile a string option', (api) => api.appendFile(at('file'), '6566', 'hex')],
      ['appendFile data 5', (api) => api.appendFile(at('file'), 5 as never)],
    ]
    for (const [label, call] of cases) await same(label, call)
  })

  it('a signal aborted while the file is being opened: rejects after the open, the file created and empty, as node:fs/promises', async () => {
    for (const data of ['text', ['a', 'b'], Buffer.from('bytes')] as const) {
      await same(`abort during open (${typeof data === 'string' ? 'string' : Array.isArray(data) ? 'iterable' : 'Buffer'})`, (api) => {
        const controller = new AbortController()
        const writing = api.writeFile(at('out'), data as never, { signal: controller.signal })
        controller.abort()
        return writing
      })
    }
  })
})

describe('open, stat, lstat', () => {
  it('arguments: the same results and errors', async () => {
    const cases: [string, (api: Api) => unknown][] = [
      ['flags bogus', (api) => api.open(at('file'), 'bogus')],
      ['flags 1.5', (api) => api.open(at('file'), 1.5 as never)],
      ['flags 2 ** 31', (api) => api.open(at('file'), 2 ** 31)],
      ['flags null', (api) => api.open(at('file'), null as never).then((h) => h.close())],
      ['mode bad', (api) => api.open(at('new'), 'w', 'bad')],
      ['mode -1', (api) => api.open(at('new'), 'w', -1)],
      ['mode null', (api) => api.open(at('new'), 'w', null as never).then((h) => h.close())],
      ['path 42 and flags bogus', (api) => api.open(42 as never, 'bogus')],
      ['missing', (api) => api.open(at('missing'))],
      ["'wx' existing", (api) => api.open(at('file'), 'wx')],
      ['stat 42', (api) => api.stat(42 as never)],
      ['stat null options', (api) => api.stat(at('file'), null as never)],
      ['stat null options, path 42', (api) => api.stat(42 as never, null as never)],
      ['stat { bigint: 1 }', (api) => api.stat(at('file'), { bigint: 1 } as never)],
      ['stat missing', (api) => api.stat(at('missing'))],
      ['stat missing, throwIfNoEntry false', (api) => api.stat(at('missing'), { throwIfNoEntry: false } as never)],
      ['stat under a file, throwIfNoEntry false', (api) => api.stat(at('file', 'x'), { throwIfNoEntry: false } as never)],
      ['stat a file, throwIfNoEntry false', (api) => api.stat(at('file'), { throwIfNoEntry: false } as never)],
      ['stat 42, throwIfNoEntry false', (api) => api.stat(42 as never, { throwIfNoEntry: false } as never)],
      ['lstat null options', (api) => api.lstat(at('file'), null as never)],
      ['lstat a directory', (api) => api.lstat(at('dir'))],
    ]
    for (const [label, call] of cases) await same(label, call)
  })
})

describe('mkdir, rm, rmdir, unlink, rename, link, symlink, truncate, mkdtemp', () => {
  it('arguments and options: the same results, errors and files', async () => {
    const cases: [string, (api: Api) => unknown][] = [
      ['mkdir', (api) => api.mkdir(at('made'))],
      ['mkdir true', (api) => api.mkdir(at('made'), true as never)],
      ['mkdir null', (api) => api.mkdir(at('made'), null)],
      ["mkdir '700'", (api) => api.mkdir(at('made'), '700')],
      ["mkdir 'z'", (api) => api.mkdir(at('made'), 'z' as never)],
      ['mkdir mode -1', (api) => api.mkdir(at('made'), { mode: -1 })],
      ["mkdir recursive 'yes'", (api) => api.mkdir(at('made'), { recursive: 'yes' as never })],
      ['mkdir recursive', (api) => api.mkdir(at('a', 'b', 'c'), { recursive: true })],
      ['mkdir recursive, exists', (api) => api.mkdir(at('dir'), { recursive: true })],
      ['mkdir recursive, under a file', (api) => api.mkdir(at('file', 'x', 'y'), { recursive: true })],
      ['mkdir existing', (api) => api.mkdir(at('dir'))],
      ['mkdir 42', (api) => api.mkdir(42 as never)],
      ['rm a file', (api) => api.rm(at('file'))],
      ['rm a directory', (api) => api.rm(at('dir'))],
      ['rm a directory, recursive', (api) => api.rm(at('dir'), { recursive: true })],
      ['rm missing', (api) => api.rm(at('missing'))],
      ['rm missing, force', (api) => api.rm(at('missing'), { force: true })],
      ['rm options 5', (api) => api.rm(at('file'), 5 as never)],
      ["rm force 'x'", (api) => api.rm(at('file'), { force: 'x' as never })],
      ['rm retryDelay -1', (api) => api.rm(at('file'), { retryDelay: -1 })],
      ['rm maxRetries 1.5', (api) => api.rm(at('file'), { maxRetries: 1.5 })],
      ['rm null options', (api) => api.rm(at('file'), null as never)],
      ['rm 42', (api) => api.rm(42 as never)],
      ['rmdir', (api) => api.rmdir(at('dir'))],
      ['rmdir a file', (api) => api.rmdir(at('file'))],
      ['rmdir options 5', (api) => api.rmdir(at('dir'), 5 as never)],
      ["rmdir recursive 'x'", (api) => api.rmdir(at('dir'), { recursive: 'x' as never })],
      ['unlink', (api) => api.unlink(at('file'))],
      ['unlink a directory', (api) => api.unlink(at('dir'))],
      ['unlink 42', (api) => api.unlink(42 as never)],
      ['rename', (api) => api.rename(at('file'), at('moved'))],
      ['rename 42', (api) => api.rename(42 as never, at('moved'))],
      ['rename to 42', (api) => api.rename(at('file'), 42 as never)],
      ['rename missing', (api) => api.rename(at('missing'), at('moved'))],
      ['link', (api) => api.link(at('file'), at('hard'))],
      ['link 42', (api) => api.link(42 as never, at('hard'))],
      ['link existing', (api) => api.link(at('file'), at('dir'))],
      ['symlink', (api) => api.symlink('file', at('soft'))],
      ['symlink type 5', (api) => api.symlink('file', at('soft'), 5 as never)],
      ['symlink 42', (api) => api.symlink(42 as never, at('soft'))],
      ['symlink existing', (api) => api.symlink('file', at('dir'))],
      ['truncate', (api) => api.truncate(at('file'), 4)],
      ['truncate -1', (api) => api.truncate(at('file'), -1)],
      ["truncate 'x'", (api) => api.truncate(at('file'), 'x' as never)],
      ["truncate missing 'x'", (api) => api.truncate(at('missing'), 'x' as never)],
      ['truncate 1.5', (api) => api.truncate(at('file'), 1.5)],
      ['truncate a directory', (api) => api.truncate(at('dir'))],
      ['mkdtemp 5', (api) => api.mkdtemp(5 as never)],
      ['mkdtemp NUL', (api) => api.mkdtemp(at('x\u0000'))],
      ['mkdtemp bad encoding', (api) => api.mkdtemp(at('x'), 'nope' as never)],
    ]
    for (const [label, call] of cases) await same(label, call)
  })

  it('mkdtemp: a new 0o700 directory named prefix + six letters or digits, in the encoding asked for; errors as node:fs', async () => {
    for (const api of [ours, fsp] as unknown as Api[]) {
      const made = await api.mkdtemp(at('tmp-'))
      expect(made).toMatch(new RegExp(`^${at('tmp-')}[A-Za-z0-9]{6}$`))
      expect(fs.statSync(made).mode & 0o777).toBe(0o700)
      const asBuffer = (await api.mkdtemp(Buffer.from(at('buf-')) as never, 'buffer')) as unknown as Buffer
      expect(Buffer.isBuffer(asBuffer) && fs.statSync(asBuffer).isDirectory()).toBe(true)
      const asHex = (await api.mkdtemp(at('hex-'), 'hex')) as string
      expect(fs.statSync(Buffer.from(asHex, 'hex').toString()).isDirectory()).toBe(true)
      const failed = errorFacts(await api.mkdtemp(at('missing', 'x')).catch((err: unknown) => err))
      expect([failed.code, failed.syscall, String(failed.path).slice(0, -6), String(failed.message).slice(0, -7)]).toEqual([
        'ENOENT',
        'mkdtemp',
        at('missing', 'x'),
        `ENOENT: no such file or directory, mkdtemp '${at('missing', 'x')}`,
      ])
    }
  })
})

describe('mkdtempDisposable', () => {
  it('a temp directory that remove() and disposal delete with what it holds, as node:fs/promises (Node.js 24) has it', async () => {
    const apis = [ours, ...('mkdtempDisposable' in fsp ? [fsp] : [])] as unknown as (typeof ours)[]
    for (const api of apis) {
      const made = await api.mkdtempDisposable(at('d-'))
      expect(Object.getPrototypeOf(made)).toBe(null)
      expect(Object.keys(made)).toEqual(['path', 'remove'])
      fs.writeFileSync(join(made.path as string, 'inside'), 'x')
      await made.remove()
      expect(fs.existsSync(made.path as string)).toBe(false)
      await made.remove()
      const disposed = await api.mkdtempDisposable(at('e-'))
      await disposed[Symbol.asyncDispose]()
      expect(fs.existsSync(disposed.path as string)).toBe(false)
    }
    if ('mkdtempDisposable' in fsp) await same('mkdtempDisposable 5', (api) => (api as unknown as typeof ours).mkdtempDisposable(5 as never))
    else expect(await outcome(() => ours.mkdtempDisposable(5 as never))).toEqual(await outcome(() => fsp.mkdtemp(5 as never)))
  })
})

describe('FileHandle methods', () => {
  it('arguments: the same results and errors', async () => {
    const cases: [string, (h: fsp.FileHandle) => unknown][] = [
      ['read()', (h) => h.read()],
      ['read(null)', (h) => h.read(null as never)],
      ['read([])', (h) => h.read([] as never)],
      ["read('x')", (h) => h.read('x' as never)],
      ['read({ buffer: null })', (h) => h.read({ buffer: null } as never)],
      ['read({ buffer: 5, length: 1 })', (h) => h.read({ buffer: 5, length: 1 } as never)],
      ['read(buf, 0, 5)', (h) => h.read(Buffer.alloc(4), 0, 5)],
      ['read(buf, -1)', (h) => h.read(Buffer.alloc(4), -1)],
      ['read(buf, 1.5)', (h) => h.read(Buffer.alloc(4), 1.5)],
      ['read(buf, 0, -1)', (h) => h.read(Buffer.alloc(4), 0, -1)],
      ['read(buf, 5, 0)', (h) => h.read(Buffer.alloc(4), 5, 0)],
      ['read(empty)', (h) => h.read(Buffer.alloc(0))],
      ['read(empty, 0, 1)', (h) => h.read(Buffer.alloc(0), 0, 1)],
      ['read(buf, 0, 2, -5)', (h) => h.read(Buffer.alloc(2), 0, 2, -5)],
      ['read(buf, 0, 2, 3n)', (h) => h.read(Buffer.alloc(2), 0, 2, 3n as never)],
      ['read(buf, 0, 2, 2 ** 53)', (h) => h.read(Buffer.alloc(2), 0, 2, 2 ** 53)],
      ["read(buf, 0, 2, '3')", (h) => h.read(Buffer.alloc(2), 0, 2, '3' as never)],
      ['read(buf, { position: 4 })', (h) => h.read(Buffer.alloc(2), { position: 4 } as never)],
      ['write(5)', (h) => h.write(5 as never)],
      ["write('abc', null, 'hex')", (h) => h.write('abc', null, 'hex')],
      ["write('ab', 0, 'nope')", (h) => h.write('ab', 0, 'nope' as never)],
      ["write('', 0)", (h) => h.write('', 0)],
      ["write('xy', -3)", (h) => h.write('xy', -3)],
      ['write(buf, 0, 5)', (h) => h.write(Buffer.alloc(4), 0, 5)],
      ['write(buf, 5)', (h) => h.write(Buffer.alloc(4), 5)],
      ['write(buf, 0, -1)', (h) => h.write(Buffer.alloc(4), 0, -1)],
      ['write(buf, null)', (h) => h.write(Buffer.from('zz'), null)],
      ['write(buf, 0, 2, 1.5)', (h) => h.write(Buffer.from('zz'), 0, 2, 1.5)],
      ['write(buf, 0, 2, 3n)', (h) => h.write(Buffer.from('zz'), 0, 2, 3n as never)],
      ['write(empty, 5)', (h) => h.write(Buffer.alloc(0), 5)],
      ["readv('x')", (h) => h.readv('x' as never)],
      ['readv([1])', (h) => h.readv([1] as never)],
      ['readv([], -2)', (h) => h.readv([], -2)],
      ['readv([buf], -2)', (h) => h.readv([Buffer.alloc(3)], -2)],
      ['writev([buf], 2)', (h) => h.writev([Buffer.from('WV')], 2)],
      ['writev({})', (h) => h.writev({} as never)],
      ["truncate('x')", (h) => h.truncate('x' as never)],
      ['truncate(-3)', (h) => h.truncate(-3)],
      ["chmod('x')", (h) => h.chmod('x')],
      ['chmod()', (h) => (h.chmod as () => Promise<void>)()],
      ['chmod(0o600)', (h) => h.chmod(0o600)],
      ['chown(-2, 0)', (h) => h.chown(-2, 0)],
      ["chown(0, 'x')", (h) => h.chown(0, 'x' as never)],
      ['utimes({}, 0)', (h) => h.utimes({} as never, 0)],
      ['utimes(1, 2)', (h) => h.utimes(1, 2)],
      ['stat(null)', (h) => h.stat(null as never)],
      ['stat({ bigint: 1 })', (h) => h.stat({ bigint: 1 } as never)],
      ['readFile(5)', (h) => h.readFile(5 as never)],
      ["readFile('nope')", (h) => h.readFile('nope' as never)],
      ['writeFile(5)', (h) => h.writeFile(5 as never)],
      ["writeFile('x', { flush: 'yes' })", (h) => h.writeFile('x', { flush: 'yes' } as never)],
      ["writeFile('x', { flush: null })", (h) => h.writeFile('x', { flush: null } as never)],
      ["appendFile('x', 5)", (h) => h.appendFile('x', 5 as never)],
      ['sync()', (h) => h.sync()],
      ['datasync()', (h) => h.datasync()],
    ]
    for (const [label, call] of cases) {
      await same(label, async (api) => {
        const handle = await api.open(at('file'), 'r+')
        try {
          return await call(handle)
        } finally {
          await handle.close()
        }
      })
    }
  })

  it('a closed handle: every method rejects with EBADF naming the call, as node:fs does', async () => {
    const calls: [string, (h: fsp.FileHandle) => Promise<unknown>][] = [
      ['read', (h) => h.read()],
      ['write', (h) => h.write('x')],
      ['readv', (h) => h.readv([])],
      ['writev', (h) => h.writev([])],
      ['stat', (h) => h.stat()],
      ['truncate', (h) => h.truncate()],
      ['sync', (h) => h.sync()],
      ['datasync', (h) => h.datasync()],
      ['readFile', (h) => h.readFile()],
      ['writeFile', (h) => h.writeFile('x')],
      ['appendFile', (h) => h.appendFile('x')],
      ['chmod', (h) => h.chmod(0o600)],
      ['chown', (h) => h.chown(0, 0)],
      ['utimes', (h) => h.utimes(1, 1)],
    ]
    for (const [label, call] of calls) {
      await same(label, async (api) => {
        const handle = await api.open(at('file'))
        await handle.close()
        return call(handle)
      })
    }
  })

  it('a method called on something else rejects (it does not throw), as node:fs/promises FileHandle methods do', async () => {
    const mine = await ours.open(at('..', 'x'), 'w')
    const theirs = await fsp.open(at('..', 'y'), 'w')
    for (const name of ['stat', 'read', 'write', 'readFile', 'writeFile', 'truncate', 'sync', 'chmod'] as const) {
      const a = await outcome(() => (ours.FileHandle.prototype[name] as (...args: unknown[]) => unknown).call({}))
      const b = await outcome(() => ((Object.getPrototypeOf(theirs) as Record<string, (...args: unknown[]) => unknown>)[name]).call({}))
      expect([name, Object.keys(a)]).toEqual([name, Object.keys(b)])
      expect([name, Object.keys(a)]).toEqual([name, ['rejected']])
    }
    await mine.close()
    await theirs.close()
    fs.rmSync(at('..', 'x'))
    fs.rmSync(at('..', 'y'))
  })
})
