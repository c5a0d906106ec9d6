// @module-tag ring
// FileHandle beyond read and write: the 'close' event, streams, readLines,
// readableWebStream, Symbol.asyncDispose, the finalizer, and the default
// export, each compared with node:fs/promises's on the same file.
import { EventEmitter } from 'node:events'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import oursDefault, * as ours from '@iouring/core/fs'
import { defaultRing } from '@iouring/core'
import { forceGc, tempDirPerTest } from './helpers.js'
import { randomFile } from './files-helpers.js'

const at = tempDirPerTest()

type Handle = ours.FileHandle | fsp.FileHandle

/** Everything `stream` emits as data, and the events around it, in order. */
function collect(stream: NodeJS.ReadableStream & EventEmitter): Promise<{ chunks: (string | Buffer)[]; events: string[] }> {
  return new Promise((resolve, reject) => {
    const chunks: (string | Buffer)[] = []
    const events: string[] = []
    stream.on('data', (chunk: string | Buffer) => chunks.push(chunk))
    for (const name of ['end', 'close', 'open', 'ready']) stream.on(name, () => events.push(name))
    stream.on('error', reject)
    stream.on('close', () => resolve({ chunks, events }))
  })
}

/** Completions the thread's ring has delivered so far. */
const completions = (): number => defaultRing().stats.completions

describe('FileHandle is an EventEmitter', () => {
  it("emits 'close' once, during the close() call, as node:fs's does; close is an own property that works detached", async () => {
    fs.writeFileSync(at('f'), 'x')
    for (const api of [ours, fsp] as unknown as (typeof fsp)[]) {
      const handle = await api.open(at('f'))
      const log: string[] = []
      ;(handle as unknown as EventEmitter).on('close', () => log.push('close'))
      const { close } = handle
      const closing = close()
      log.push('returned')
      await closing
      await handle.close()
      expect([api === fsp ? 'node' : 'ours', log, Object.hasOwn(handle, 'close')]).toEqual([api === fsp ? 'node' : 'ours', ['close', 'returned'], true])
    }
    expect((await ours.open(at('f'))) instanceof EventEmitter).toBe(true)
  })

  it('Symbol.asyncDispose closes the handle and resolves to undefined', async () => {
    fs.writeFileSync(at('f'), 'x')
    const handle = await ours.open(at('f'))
    const fd = handle.fd
    let closed = 0
    handle.on('close', () => closed++)
    expect(await handle[Symbol.asyncDispose]()).toBe(undefined)
    expect([handle.fd, closed]).toEqual([-1, 1])
    expect(() => fs.fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }))
  })
})

describe('createReadStream, createWriteStream, readLines', () => {
  it('createReadStream with start, end, highWaterMark and encoding: the chunks node:fs gives, read through the ring', async () => {
    const data = randomFile(at('f'), 300_000)
    const optionsList = [undefined, { start: 10, end: 99 }, { highWaterMark: 1000, start: 5 }, { encoding: 'hex' as const, end: 4000 }, { start: 299_990 }, { start: 300_000 }]
    for (const options of optionsList) {
      const results = []
      for (const api of [ours, fsp] as unknown as (typeof fsp)[]) {
        const handle = await api.open(at('f'))
        const before = completions()
        const result = await collect(handle.createReadStream(options))
        const viaRing = completions() - before
        results.push({ result, viaRing })
        await handle.close()
      }
      const [mine, theirs] = results
      const label = JSON.stringify(options)
      expect([label, mine.result.chunks.map((c) => c.length)]).toEqual([label, theirs.result.chunks.map((c) => c.length)])
      expect([label, mine.result.chunks.join('')]).toEqual([label, theirs.result.chunks.join('')])
      expect([label, mine.result.events]).toEqual([label, theirs.result.events])
      // Every read of ours went through the ring; node:fs's did not.
      expect(mine.viaRing).toBeGreaterThanOrEqual(mine.result.chunks.length)
      expect(theirs.viaRing).toBe(0)
    }
    expect(Buffer.concat((await collect((await ours.open(at('f'))).createReadStream())).chunks as Buffer[]).equals(data)).toBe(true)
  })

  it('a read stream from the current position, without autoClose, keeps the handle open; closing the handle closes the stream', async () => {
    fs.writeFileSync(at('f'), 'abcdefghij')
    for (const api of [ours, fsp] as unknown as (typeof fsp)[]) {
      const handle = await api.open(at('f'))
      await handle.read(Buffer.alloc(3), 0, 3, null)
      const chunks: Buffer[] = []
      for await (const chunk of handle.createReadStream({ autoClose: false })) chunks.push(chunk as Buffer)
      expect([Buffer.concat(chunks).toString(), handle.fd >= 0]).toEqual(['defghij', true])
      // A stream still reading when the handle closes is closed with it, and the close waits for it.
      const fifo = at(`fifo-${api === fsp ? 'node' : 'ours'}`)
      execFileSync('mkfifo', [fifo])
      const fifoHandle = await api.open(fifo, fs.constants.O_RDWR)
      const stream = fifoHandle.createReadStream()
      const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()))
      stream.resume()
      await new Promise((resolve) => setImmediate(resolve))
      const closing = fifoHandle.close()
      // Unblock the pending read so that the close can complete.
      fs.writeFileSync(fifo, 'x')
      await closing
      await closed
      expect(fifoHandle.fd).toBe(-1)
      await handle.close()
    }
  })

  it('createWriteStream with start and flush writes the file node:fs writes, through the ring', async () => {
    for (const options of [undefined, { start: 4 }, { flush: true }, { encoding: 'hex' as const }]) {
      const files: Buffer[] = []
      for (const api of [ours, fsp] as unknown as (typeof fsp)[]) {
        const path = at(api === fsp ? 'node' : 'ours')
        fs.writeFileSync(path, '0123456789')
        const handle = await api.open(path, 'r+')
        const before = completions()
        const stream = handle.createWriteStream(options)
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject)
          stream.write('6162')
          stream.write(Buffer.from('cd'))
          stream.end('ef', () => resolve())
        })
        await new Promise<void>((resolve) => stream.on('close', () => resolve()))
        if (api !== fsp) expect(completions() - before).toBeGreaterThanOrEqual(2)
        expect(handle.fd).toBe(-1)
        files.push(fs.readFileSync(path))
      }
      expect([JSON.stringify(options), files[0].toString('latin1')]).toEqual([JSON.stringify(options), files[1].toString('latin1')])
    }
  })

  it('readLines gives the lines node:fs gives (\\n, \\r\\n, no final newline), with the stream options', async () => {
    fs.writeFileSync(at('f'), 'one\ntwo\r\nthree\n\nlast')
    for (const options of [undefined, { start: 4 }, { start: 1, end: 9 }]) {
      const lines: string[][] = []
      for (const api of [ours, fsp] as unknown as (typeof fsp)[]) {
        const handle = await api.open(at('f'))
        const got: string[] = []
        for await (const line of handle.readLines(options)) got.push(line)
        lines.push(got)
        await handle.close()
      }
      expect([JSON.stringify(options), lines[0]]).toEqual([JSON.stringify(options), lines[1]])
    }
  })

  it("refuses the 'fs' option as node:fs does, and a stream of a closed handle", async () => {
    fs.writeFileSync(at('f'), 'x')
    for (const call of [(h: Handle) => h.createReadStream({ fs: {} } as never), (h: Handle) => h.createWriteStream({ fs: {} } as never)]) {
      const mine = await ours.open(at('f'))
      const theirs = await fsp.open(at('f'))
      const a = (() => { try { call(mine) } catch (err) { return [(err as { code: string }).code, (err as Error).message] } })()
      const b = (() => { try { call(theirs) } catch (err) { return [(err as { code: string }).code, (err as Error).message] } })()
      expect(a).toEqual(b)
      await mine.close()
      await theirs.close()
      const c = (() => { try { mine.createReadStream() } catch (err) { return [(err as { code: string }).code, (err as Error).message] } })()
      const d = (() => { try { theirs.createReadStream() } catch (err) { return [(err as { code: string }).code, (err as Error).message] } })()
      expect(c).toEqual(d)
    }
  })

  it('a stream reading a large file while collections are forced delivers every byte', async () => {
    const data = randomFile(at('big'), 8 << 20)
    const handle = await ours.open(at('big'))
    const chunks: Buffer[] = []
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 })) {
      chunks.push(chunk as Buffer)
      forceGc()
    }
    expect(Buffer.concat(chunks).equals(data)).toBe(true)
    expect(handle.fd).toBe(-1)
  })
})

describe('readableWebStream', () => {
  async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
    const parts: Uint8Array[] = []
    for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part)
    return Buffer.concat(parts)
  }

  it('gives the file from the current position, byte streams with BYOB readers, through the ring', async () => {
    const data = randomFile(at('f'), 100_000)
    const mine = await ours.open(at('f'))
    const theirs = await fsp.open(at('f'))
    await mine.read(Buffer.alloc(7), 0, 7, null)
    await theirs.read(Buffer.alloc(7), 0, 7, null)
    const before = completions()
    expect((await readAll(mine.readableWebStream())).equals(await readAll(theirs.readableWebStream({ type: 'bytes' } as never)))).toBe(true)
    expect(completions() - before).toBeGreaterThan(1)
    await mine.close()
    await theirs.close()
    const handle = await ours.open(at('f'))
    const reader = handle.readableWebStream().getReader({ mode: 'byob' })
    const first = await reader.read(new Uint8Array(1000))
    expect(Buffer.from(first.value!).equals(data.subarray(0, 1000))).toBe(true)
    reader.releaseLock()
    await handle.close()
  })

  it('once per handle, and not on a closed or closing handle: ERR_INVALID_STATE with node:fs messages', async () => {
    fs.writeFileSync(at('f'), 'x')
    const facts = (call: () => unknown): unknown => {
      try {
        call()
        return 'no error'
      } catch (err) {
        return [(err as { code: string }).code, (err as Error).message]
      }
    }
    for (const step of ['locked', 'closing', 'closed'] as const) {
      const results = []
      for (const api of [ours, fsp] as unknown as (typeof fsp)[]) {
        const handle = await api.open(at('f'))
        if (step === 'locked') handle.readableWebStream()
        if (step === 'closing') {
          await handle.read()
          void handle.read().catch(() => {})
          void handle.close()
        }
        if (step === 'closed') await handle.close()
        results.push(facts(() => handle.readableWebStream()))
        await handle.close()
      }
      expect([step, results[0]]).toEqual([step, results[1]])
    }
  })

  it('closing the handle ends the stream for its reader, and the close completes', async () => {
    fs.writeFileSync(at('f'), 'x'.repeat(100_000))
    for (const api of [ours, fsp] as unknown as (typeof fsp)[]) {
      const handle = await api.open(at('f'))
      const reader = handle.readableWebStream({ type: 'bytes' } as never).getReader()
      expect((await reader.read()).done).toBe(false)
      await handle.close()
      let result = await reader.read()
      while (!result.done) result = await reader.read()
      expect([api === fsp ? 'node' : 'ours', result.done, handle.fd]).toEqual([api === fsp ? 'node' : 'ours', true, -1])
    }
  })
})

describe('a FileHandle left open', () => {
  it('is closed when collected, with the warnings node:fs gives for its own', async () => {
    fs.writeFileSync(at('f'), 'x')
    const warnings: string[] = []
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message)
    }
    process.on('warning', onWarning)
    try {
      for (const api of [fsp, ours] as unknown as (typeof fsp)[]) {
        warnings.length = 0
        const fd = await (async () => (await api.open(at('f'))).fd)()
        // Collections until the finalizer has run (it runs after a collection, as a task), at most 100.
        for (let i = 0; i < 100 && !warnings.some((w) => w.includes(`descriptor ${fd} `)); i++) {
          forceGc()
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
        expect(warnings).toContain(`Closing file descriptor ${fd} on garbage collection`)
        // Closed: the fd no longer names the file (its number may already be another file's).
        const target = (() => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`) } catch { return 'closed' } })()
        expect(target).not.toBe(at('f'))
      }
    } finally {
      process.off('warning', onWarning)
    }
  })

  it("a fresh process: the same warnings, in order, with the same names and codes (DEP0137 once)", () => {
    fs.writeFileSync(at('f'), 'x')
    const script = `
      const fs = await import(process.argv[1])
      const warnings = []
      process.on('warning', (w) => warnings.push([w.name, w.code, w.message]))
      const fds = []
      for (let k = 0; k < 2; k++) fds.push(await (async () => (await fs.open(${JSON.stringify(at('f'))})).fd)())
      for (let i = 0; i < 100 && warnings.length < 3; i++) {
        globalThis.gc()
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      console.log(JSON.stringify(warnings.map(([name, code, message]) => [name, code, message.replace(/descriptor \\d+/, 'descriptor N')])))`
    const run = (module: string): unknown =>
      JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--no-warnings', '--input-type=module', '-e', script, module], { encoding: 'utf8', cwd: join(import.meta.dirname ?? '.', '..') }))
    const theirs = run('node:fs/promises')
    expect(run('@iouring/core/fs')).toEqual(theirs)
    expect((theirs as string[][]).map(([name]) => name)).toEqual(['Warning', 'DeprecationWarning', 'Warning'])
  })

  it('is not closed while an operation of it is in flight, even with no reference left to it', async () => {
    const fifo = at('fifo')
    execFileSync('mkfifo', [fifo])
    const reading = (async () => {
      const handle = await ours.open(fifo, fs.constants.O_RDWR)
      return { fd: handle.fd, read: handle.read(Buffer.alloc(5), 0, 5, null) }
    })()
    const { fd, read } = await reading
    for (let i = 0; i < 5; i++) {
      forceGc()
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    expect(fs.fstatSync(fd).isFIFO()).toBe(true)
    fs.writeFileSync(fifo, 'hello')
    expect((await read).buffer.toString()).toBe('hello')
  })
})

describe("Node.js APIs that take only node:fs's own FileHandle, and what works instead (README)", () => {
  it('fs.createReadStream({ fd: handle }) and node:fs/promises readFile(handle) refuse ours; handle.createReadStream, { fd: handle.fd } and our readFile work', async () => {
    fs.writeFileSync(at('f'), 'contents')
    const handle = await ours.open(at('f'))
    expect(() => fs.createReadStream(at('f'), { fd: handle as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(await fsp.readFile(handle as never).catch((err: { code: string }) => err.code)).toBe('ERR_INVALID_ARG_TYPE')
    expect(await ours.readFile(handle, 'utf8')).toBe('contents')
    const viaFd: Buffer[] = []
    for await (const chunk of fs.createReadStream(at('f'), { fd: handle.fd, start: 0, autoClose: false })) viaFd.push(chunk as Buffer)
    expect(Buffer.concat(viaFd).toString()).toBe('contents')
    await handle.close()
  })

  it("http2's respondWithFD(handle) refuses ours; respondWithFD(handle.fd) serves the file", async () => {
    const data = randomFile(at('f'), 50_000)
    const http2 = await import('node:http2')
    const handle = await ours.open(at('f'))
    const refused: string[] = []
    const server = http2.createServer()
    server.on('stream', (stream) => {
      try {
        stream.respondWithFD(handle as never)
      } catch (err) {
        refused.push((err as { code: string }).code)
        stream.respondWithFD(handle.fd, { 'content-type': 'application/octet-stream' })
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const client = http2.connect(`http://127.0.0.1:${(server.address() as { port: number }).port}`)
    const body = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = []
      const request = client.request({ ':path': '/' })
      request.on('data', (chunk: Buffer) => parts.push(chunk))
      request.on('end', () => resolve(Buffer.concat(parts)))
      request.on('error', reject)
    })
    client.close()
    await new Promise((resolve) => server.close(resolve))
    await handle.close()
    expect(refused).toEqual(['ERR_INVALID_ARG_TYPE'])
    expect(body.equals(data)).toBe(true)
  })
})

describe('the default export', () => {
  it('import fs from: the same functions under the same names as node:fs/promises (and mkdtempDisposable, which Node.js has from 24 on)', () => {
    const theirs = Object.keys((fsp as unknown as { default: object }).default)
    const expected = [...new Set([...theirs, 'mkdtempDisposable'])].sort()
    expect(Object.keys(oursDefault).sort()).toEqual(expected)
    expect(oursDefault.readFile).toBe(ours.readFile)
    expect(oursDefault.constants).toBe(fs.constants)
  })

  it('through require() as well: .default and the named functions', () => {
    const out = execFileSync(process.execPath, ['-e', "const fs = require('@iouring/core/fs'); console.log(fs.default.readFile === fs.readFile, typeof fs.default.open)"], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname ?? '.', '..'),
    })
    expect(out.trim()).toBe('true function')
  })
})
