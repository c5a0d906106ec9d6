// @module-tag ring
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import { TEST_TIMEOUT_MS } from '@iouring/tooling/timeouts'
import { skipUnless } from '@iouring/tooling/skip'
import { kernelAtLeast } from '@iouring/register'
import { emptyPipe, forceGc, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

const coreEntry = createRequire(import.meta.url).resolve('@iouring/core')

describe('memory safety', () => {
  it('a buffer the caller dropped stays alive through forced GCs until its read completes, with the right bytes', async () => {
    const pipe = emptyPipe(dir)
    const ring = new IoUring({ entries: 4 })
    const finalized: string[] = []
    const registry = new FinalizationRegistry((name: string) => finalized.push(name))
    let weak!: WeakRef<ArrayBuffer>
    let pending!: Promise<number>
    ;(() => {
      // Only a 10-byte window of the memory goes to the ring; the ring must
      // keep the whole ArrayBuffer alive through that view.
      const memory = new ArrayBuffer(1 << 16)
      new Uint8Array(memory).fill(0xee)
      weak = new WeakRef(memory)
      registry.register(memory, 'read buffer')
      pending = ring.read(pipe, new Uint8Array(memory, 100, 10))
    })()
    for (let i = 0; i < 5; i++) {
      forceGc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(finalized).toEqual([])
    expect(weak.deref()).toBeDefined()
    writeSync(pipe, 'ten bytes!')
    expect(await pending).toBe(10)
    const memory = weak.deref()
    expect(memory).toBeDefined()
    const bytes = new Uint8Array(memory!)
    expect(Buffer.from(bytes.subarray(100, 110)).toString()).toBe('ten bytes!')
    expect(bytes[99]).toBe(0xee)
    expect(bytes[110]).toBe(0xee)
    await ring.dispose()
    closeSync(pipe)
  })

  it('the iovec array and buffers of a pending readv survive forced GCs', async () => {
    const pipe = emptyPipe(dir)
    const ring = new IoUring({ entries: 4 })
    let weakA!: WeakRef<Buffer>
    let weakB!: WeakRef<Buffer>
    const pending = (() => {
      const a = Buffer.alloc(3)
      const b = Buffer.alloc(4)
      weakA = new WeakRef(a)
      weakB = new WeakRef(b)
      return ring.readv(pipe, [a, b])
    })()
    for (let i = 0; i < 5; i++) {
      forceGc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    writeSync(pipe, 'abcdefg')
    expect(await pending).toBe(7)
    expect(weakA.deref()!.toString() + weakB.deref()!.toString()).toBe('abcdefg')
    await ring.dispose()
    closeSync(pipe)
  })
})

describe('memory safety of named operations', () => {
  it('2,000 stats started at once, with forced GCs while they run, each return their own file\'s Stats', async () => {
    const ring = new IoUring({ entries: 64 })
    const names = Array.from({ length: 2000 }, (_, i) => join(dir, `f${i}`))
    names.forEach((name, i) => writeFileSync(name, 'x'.repeat(i % 97)))
    // Built in a closure so that only the slots hold the encoded paths and statx buffers.
    const pending = (() => names.map((name) => ring.stat(Buffer.from(name))))()
    for (let i = 0; i < 3; i++) {
      forceGc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    const stats = await Promise.all(pending)
    stats.forEach((s, i) => {
      const expected = statSync(names[i])
      expect([s.ino, s.size]).toEqual([expected.ino, expected.size])
    })
    // A failure names its path, decoded from the slot after GCs as well.
    const missing = ring.stat(join(dir, 'missing'))
    forceGc()
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT', syscall: 'stat', path: join(dir, 'missing') })
    await ring.dispose()
  })
})

describe('threads and processes', () => {
  it('a ring in a worker thread works, independently of the main thread', async () => {
    const path = join(dir, 'w')
    writeFileSync(path, 'from the main thread')
    const source = `
      const { parentPort, workerData } = require('node:worker_threads')
      const fs = require('node:fs')
      const { IoUring, defaultRing } = require(workerData.core)
      ;(async () => {
        const ring = defaultRing()
        const fd = fs.openSync(workerData.path, 'r+')
        const buf = Buffer.alloc(20)
        const n = await ring.read(fd, buf, 0)
        await ring.write(fd, Buffer.from('WORKER'), 0)
        const own = new IoUring({ entries: 2 })
        const nop = await own.nop()
        await own.dispose()
        fs.closeSync(fd)
        parentPort.postMessage({ n, text: buf.toString(), nop, fd: ring.params.fd })
      })()
    `
    const worker = new Worker(source, { eval: true, workerData: { core: coreEntry, path } })
    const message = await new Promise<{ n: number; text: string; nop: number }>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    expect(message).toMatchObject({ n: 20, text: 'from the main thread', nop: 0 })
    // The worker's default ring is still open: the thread must exit anyway.
    const code = await new Promise((resolve) => worker.once('exit', resolve))
    expect(code).toBe(0)
    const ring = new IoUring({ entries: 2 })
    const check = Buffer.alloc(6)
    const fd = openSync(path, 'r')
    await ring.read(fd, check, 0)
    closeSync(fd)
    await ring.dispose()
    expect(check.toString()).toBe('WORKER')
  })

  it('terminating a worker with a read pending tears its ring down cleanly', async () => {
    const pipe = join(dir, 'fifo-w')
    emptyPipe(dir, 'fifo-w')
    const source = `
      const { parentPort, workerData } = require('node:worker_threads')
      const fs = require('node:fs')
      const { defaultRing } = require(workerData.core)
      const fd = fs.openSync(workerData.pipe, 'r+')
      defaultRing().read(fd, Buffer.alloc(8)).catch(() => {})
      parentPort.postMessage('pending')
    `
    const worker = new Worker(source, { eval: true, workerData: { core: coreEntry, pipe } })
    expect(await new Promise((resolve) => worker.once('message', resolve))).toBe('pending')
    expect(await worker.terminate()).toBe(1)
  })

  it('terminating 20 workers with reads, a timeout and a multishot poll in flight leaves the process up and no ring fd behind', (ctx) => {
    // Before 5.19 teardown cannot cancel them (IORING_ASYNC_CANCEL_ANY) and waits 5 s a worker for
    // requests that never complete (see the core README): 20 workers outlast the test's timeout.
    skipUnless(ctx, kernelAtLeast('5.19'), 'teardown that cancels what is in flight (IORING_ASYNC_CANCEL_ANY)', '5.19')
    // In a child process: a crash there fails this test instead of the run.
    const child = runChild(`
      const fs = require('node:fs')
      const { Worker } = require('node:worker_threads')
      const ringFds = () => fs.readdirSync('/proc/self/fd').filter((fd) => { try { return fs.readlinkSync('/proc/self/fd/' + fd) === 'anon_inode:[io_uring]' } catch { return false } }).length
      const source = \`
        const { parentPort, workerData } = require('node:worker_threads')
        const fs = require('node:fs')
        const { IoUring, defaultRing, POLLIN } = require(workerData.core)
        const fd = fs.openSync(workerData.pipe, 'r+')
        let own
        try {
          own = new IoUring({ entries: 8, setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
        } catch {
          own = new IoUring({ entries: 8 }) // a kernel before 6.1: no DEFER_TASKRUN
        }
        for (const ring of [defaultRing(), own]) {
          for (let i = 0; i < 4; i++) ring.read(fd, Buffer.alloc(8)).catch(() => {})
          ring.timeout(60_000).catch(() => {})
          ;(async () => { try { for await (const _ of ring.pollMultishot(fd, POLLIN)) {} } catch {} })()
        }
        parentPort.postMessage('in flight')
      \`
      require('node:child_process').execFileSync('mkfifo', [process.env.DIR + '/fifo-t'])
      ;(async () => {
        const before = ringFds()
        const codes = []
        for (let i = 0; i < 20; i++) {
          const worker = new Worker(source, { eval: true, workerData: { core: process.env.CORE, pipe: process.env.DIR + '/fifo-t' } })
          await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject) })
          codes.push(await worker.terminate())
        }
        console.log(JSON.stringify({ before, after: ringFds(), codes: [...new Set(codes)] }))
      })()
    `)
    expect(child.stderr).toBe('')
    expect(child.signal).toBeNull()
    expect(child.status).toBe(0)
    expect(JSON.parse(child.stdout)).toEqual({ before: 0, after: 0, codes: [1] })
  })

  // A synchronous wait, so bounded: by the tests' own timeout (longer on a slow machine, see the preset).
  function runChild(script: string) {
    return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: TEST_TIMEOUT_MS, env: { ...process.env, CORE: coreEntry, DIR: dir } })
  }

  it('a process whose only ring is idle exits by itself', () => {
    const child = runChild(`
      const { IoUring, defaultRing } = require(process.env.CORE)
      const ring = new IoUring()
      ring.nop().then(async (r) => { await defaultRing().nop(); console.log('nop', r) })
    `)
    expect(child.signal).toBeNull()
    expect(child.status).toBe(0)
    expect(child.stdout).toBe('nop 0\n')
  })

  it('a pending operation keeps the process alive until it completes; unref() lets it go', () => {
    const script = (unref: boolean) => `
      const fs = require('node:fs')
      const { execFileSync } = require('node:child_process')
      const { IoUring } = require(process.env.CORE)
      const path = require('node:path').join(process.env.DIR, 'fifo-${unref}')
      execFileSync('mkfifo', [path])
      const fd = fs.openSync(path, 'r+')
      const ring = new IoUring()
      ${unref ? 'ring.unref()' : ''}
      const buf = Buffer.alloc(5)
      ring.read(fd, buf).then((n) => console.log('read', n, buf.toString()))
      // An unref'ed timer: it only fires if something else keeps the loop alive.
      setTimeout(() => fs.writeSync(fd, 'hello'), 100).unref()
    `
    const kept = runChild(script(false))
    expect(kept.status).toBe(0)
    expect(kept.stdout).toBe('read 5 hello\n')
    const released = runChild(script(true))
    expect(released.status).toBe(0)
    expect(released.stdout).toBe('')
  })
})
