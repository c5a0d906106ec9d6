// @module-tag ring
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { IoUring } from '@iouring/core'
import {
  CANCEL_FLAGS,
  CLD_EXITED,
  EPOLLIN,
  IORING_ASYNC_CANCEL_ALL,
  IORING_ASYNC_CANCEL_ANY,
  IORING_ASYNC_CANCEL_FD,
  IORING_ASYNC_CANCEL_FD_FIXED,
  IORING_ASYNC_CANCEL_OP,
  POLLIN,
  POLLOUT,
} from '@iouring/ops'
import { epollCreate, pipe as pipe2, systemError } from '@iouring/native'
import { kernelAtLeast, registerFiles, registerFilesSparse, requireFlags } from '@iouring/register'
import { skipIfUnsupported, skipUnless } from '@iouring/tooling/skip'
import { emptyPipe, needsOps, needsRegisterOp, tempDir } from './helpers.js'

const coreEntry = createRequire(import.meta.url).resolve('@iouring/core')
const settle = () => new Promise((resolve) => setTimeout(resolve, 30))

let dir: string
let cleanup: () => void
let ring: IoUring
let pipe: number

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  ring = new IoUring({ entries: 32 })
  pipe = emptyPipe(dir)
})
afterEach(async () => {
  await ring.dispose()
  closeSync(pipe)
  cleanup()
})

describe('polling', () => {
  it('pollAdd on an empty pipe resolves with POLLIN once a byte is written', async () => {
    let done = false
    const polled = ring.pollAdd(pipe, POLLIN).then((revents) => ((done = true), revents))
    await settle()
    expect(done).toBe(false)
    writeSync(pipe, 'x')
    expect((await polled) & POLLIN).toBe(POLLIN)
    expect(await ring.pollAdd(pipe, POLLOUT)).toBe(POLLOUT)
  })

  it('pollMultishot yields each readiness and stops cleanly on break: no CQE afterwards', async () => {
    const stream = ring.pollMultishot(pipe, POLLIN)
    const seen: number[] = []
    setTimeout(() => writeSync(pipe, 'a'), 10)
    for await (const revents of stream) {
      seen.push(revents)
      readFileSyncFrom(pipe, 1)
      if (seen.length === 3) break
      setTimeout(() => writeSync(pipe, 'b'), 10)
    }
    expect(seen).toEqual([POLLIN, POLLIN, POLLIN])
    await settle()
    expect(ring.pending).toBe(0)
    const after = ring.stats.completions
    writeSync(pipe, 'c')
    await settle()
    expect(ring.stats.completions).toBe(after)
    expect(stream.stopped).toBe(true)
  })

  it('level-triggered mode keeps reporting data left unread, one poll per pull', async () => {
    writeSync(pipe, 'unread')
    const before = ring.stats.submitted
    let count = 0
    for await (const revents of ring.pollMultishot(pipe, POLLIN, { level: true })) {
      expect(revents & POLLIN).toBe(POLLIN)
      if (++count === 5) break
    }
    expect(count).toBe(5)
    expect(ring.stats.submitted - before).toBe(5)
    expect(ring.pending).toBe(0)
    // Edge-triggered (the default) reports data already there once, then waits for more.
    const edge = ring.pollMultishot(pipe, POLLIN)
    expect(await edge.next()).toEqual({ value: POLLIN, done: false })
    let more = false
    const next = edge.next().then(() => (more = true))
    await settle()
    expect(more).toBe(false)
    writeSync(pipe, '!')
    await next
    await edge.return()
  })

  it('pollUpdate changes the events; pollRemove cancels with ECANCELED', async () => {
    const polled = ring.pollAdd(pipe, POLLIN)
    expect(await ring.pollUpdate(polled, POLLOUT)).toBe(0)
    expect(await polled).toBe(POLLOUT)
    const waiting = ring.pollAdd(pipe, POLLIN)
    expect(await ring.pollRemove(waiting)).toBe(0)
    await expect(waiting).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'poll' })
    expect(() => ring.pollRemove(Promise.resolve(1))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
  })
})

describe('timeouts', () => {
  it('a 50 ms timeout fires after at least 50 ms and resolves to 0', async () => {
    const started = performance.now()
    expect(await ring.timeout(50)).toBe(0)
    expect(performance.now() - started).toBeGreaterThanOrEqual(49.5)
    expect(await ring.timeout({ sec: 0, nsec: 1_000_000 })).toBe(0)
  })

  it('a removed timeout rejects with ECANCELED; an updated one fires at its new time', async () => {
    const long = ring.timeout(60_000)
    expect(await ring.timeoutRemove(long)).toBe(0)
    await expect(long).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'timeout' })
    const started = performance.now()
    const moved = ring.timeout(60_000)
    expect(await ring.timeoutUpdate(moved, 20)).toBe(0)
    expect(await moved).toBe(0)
    expect(performance.now() - started).toBeLessThan(60_000)
  })

  it('count: a timeout completes once that many other completions were posted', async () => {
    const counted = ring.timeout(60_000, { count: 2 })
    await ring.nop()
    await ring.nop()
    expect(await counted).toBe(0)
  })

  it('absolute timeouts on the realtime and boottime clocks', async () => {
    const now = Date.now() + 20
    expect(await ring.timeout({ sec: Math.floor(now / 1000), nsec: (now % 1000) * 1e6 }, { absolute: true, clock: 'realtime' })).toBe(0)
    expect(await ring.timeout(5, { clock: 'boottime' })).toBe(0)
    expect(() => ring.timeout(5, { clock: 'tai' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.timeout(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
  })

  it('timeoutMultishot yields 1, 2, 3 and ends after count expiries', async (ctx) => {
    const seen: number[] = []
    for await (const n of skipIfUnsupported(ctx, () => ring.timeoutMultishot(5, { count: 3 }))) seen.push(n)
    expect(seen).toEqual([1, 2, 3])
    expect(ring.pending).toBe(0)
  })

  it('etimeSuccess: an expired timeout in a chain lets the next step run', async (ctx) => {
    const plain = await ring.chain((r) => [r.timeout(1), r.nop()])
    expect(plain[0]).toEqual({ status: 'fulfilled', value: 0 })
    expect((plain[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ECANCELED' })
    const success = await skipIfUnsupported(ctx, () => ring.chain((r) => [r.timeout(1, { etimeSuccess: true }), r.nop()]))
    expect(success).toEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'fulfilled', value: 0 },
    ])
  })

  it('the poll event bits are exported by core as well', async () => {
    const core = await import('@iouring/core')
    expect(core.POLLIN).toBe(POLLIN)
    expect(core.EPOLLIN).toBe(EPOLLIN)
  })

  it('sleep() waits through the ring', async () => {
    const started = performance.now()
    await ring.sleep(20)
    expect(performance.now() - started).toBeGreaterThanOrEqual(19.5)
  })

  it('a linked timeout cancels a stuck read, which rejects with ETIMEDOUT', async () => {
    const started = performance.now()
    const err = await ring.read(pipe, Buffer.alloc(4), -1, { timeout: 30 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ETIMEDOUT', errno: -110, syscall: 'read' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(29.5)
    // A read that completes in time is unaffected by its timeout.
    writeSync(pipe, 'fast')
    const buf = Buffer.alloc(4)
    expect(await ring.read(pipe, buf, -1, { timeout: 5_000 })).toBe(4)
    expect(buf.toString()).toBe('fast')
  })

  it('submitAndWait waits no longer than timeoutMs', (ctx) => {
    const started = performance.now()
    expect(skipIfUnsupported(ctx, () => ring.submitAndWait(1, { timeoutMs: 20 }))).toBe(0)
    expect(performance.now() - started).toBeGreaterThanOrEqual(19.5)
  })
})

describe('cancellation', () => {
  it('an abort cancels a read pending on an empty pipe with an AbortError carrying the reason', async () => {
    const controller = new AbortController()
    const pending = ring.read(pipe, Buffer.alloc(8), -1, { signal: controller.signal })
    await settle()
    const reason = new Error('user gave up')
    controller.abort(reason)
    const err = await pending.catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason })
    expect(ring.pending).toBe(0)
    // The pipe's data was not consumed by the cancelled read.
    writeSync(pipe, 'kept')
    const buf = Buffer.alloc(4)
    expect(await ring.read(pipe, buf)).toBe(4)
    expect(buf.toString()).toBe('kept')
  })

  it('one signal shared by many operations: one abort cancels them all, with no listener-leak warning', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    const controller = new AbortController()
    const reads = Array.from({ length: 20 }, () => ring.read(pipe, Buffer.alloc(1), -1, { signal: controller.signal }))
    const done = await Promise.all(Array.from({ length: 50 }, () => ring.nop({ signal: controller.signal })))
    expect(done.every((r) => r === 0)).toBe(true)
    await settle()
    controller.abort('stop')
    const results = await Promise.allSettled(reads)
    expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).name === 'AbortError')).toBe(true)
    await settle()
    process.off('warning', onWarning)
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    expect(ring.pending).toBe(0)
  })

  it('an already-aborted signal rejects without submitting anything', async () => {
    const before = ring.stats.submitted
    const err = await ring.nop({ signal: AbortSignal.abort('no') }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'AbortError', cause: 'no' })
    ring.submit()
    expect(ring.stats.submitted).toBe(before)
    expect(() => ring.nop({ signal: {} as AbortSignal })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })

  it('an abort stops a multishot stream with an AbortError', async (ctx) => {
    const controller = new AbortController()
    const stream = skipIfUnsupported(ctx, () => ring.timeoutMultishot(5, { signal: controller.signal }))
    let n = 0
    const err = await (async () => {
      for await (const _ of stream) if (++n === 2) controller.abort('enough')
    })().catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'AbortError', cause: 'enough' })
    await settle()
    expect(ring.pending).toBe(0)
  })

  it('cancel() by stream, by fd (all), and any', async (ctx) => {
    // Cancelled from outside, a stream throws ECANCELED, as a promise rejects.
    const stream = ring.pollMultishot(pipe, POLLIN)
    expect(await ring.cancel(stream)).toBe(1)
    await expect(stream.next()).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'poll' })

    // Known before anything is left pending: the flags below are this kernel's.
    skipIfUnsupported(ctx, () => requireFlags(CANCEL_FLAGS, 'IORING_ASYNC_CANCEL_', IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY))
    const reads = [ring.read(pipe, Buffer.alloc(1)), ring.read(pipe, Buffer.alloc(1))]
    await settle()
    expect(await ring.cancel(undefined, { fd: pipe, all: true })).toBe(2)
    for (const r of reads) await expect(r).rejects.toMatchObject({ code: 'ECANCELED' })

    const other = ring.read(pipe, Buffer.alloc(1))
    await settle()
    expect(await ring.cancel(undefined, { any: true, all: true })).toBeGreaterThanOrEqual(1)
    await expect(other).rejects.toMatchObject({ code: 'ECANCELED' })
    await expect(ring.cancel(123456)).rejects.toMatchObject({ code: 'ENOENT', syscall: 'cancel' })
  })

  it('poll and cancel take a registered file wherever they take an fd', async (ctx) => {
    const flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED | IORING_ASYNC_CANCEL_OP | IORING_ASYNC_CANCEL_ALL
    skipIfUnsupported(ctx, () => requireFlags(CANCEL_FLAGS, 'IORING_ASYNC_CANCEL_', flags))
    registerFiles(ring, [pipe])
    const polled = ring.pollAdd(ring.fixedFile(0), POLLIN)
    const read = ring.read(ring.fixedFile(0), Buffer.alloc(1))
    await settle()
    expect(await ring.cancel(undefined, { fd: ring.fixedFile(0), op: 'READ', all: true })).toBe(1)
    await expect(read).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'read' })
    writeSync(pipe, 'p')
    expect(await polled).toBe(POLLIN)
  })

  it('cancelSync cancels a pending read before it returns', async (ctx) => {
    needsRegisterOp(ctx, 'REGISTER_SYNC_CANCEL')
    const pending = ring.read(pipe, Buffer.alloc(1))
    await settle()
    // The count, or 0 where the kernel had to wait for the read to stop (a FIFO read in an io-wq worker).
    expect([0, 1]).toContain(ring.cancelSync(undefined, { fd: pipe, all: true, timeoutMs: 1000 }))
    await expect(pending).rejects.toMatchObject({ code: 'ECANCELED' })
    expect(() => ring.cancelSync(999999, { timeoutMs: 10 })).toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })

  it('a slow consumer overflows the stream bound: the request is cancelled, queued values come first', async (ctx) => {
    const stream = skipIfUnsupported(ctx, () => ring.timeoutMultishot(1, { highWaterMark: 3 }))
    await new Promise((resolve) => setTimeout(resolve, 60))
    const got: number[] = []
    const err = await (async () => {
      for await (const n of stream) got.push(n)
    })().catch((e: unknown) => e)
    expect(got).toEqual([1, 2, 3])
    expect(err).toMatchObject({ code: 'ERR_IOURING_STREAM_OVERFLOW' })
    await settle()
    expect(ring.pending).toBe(0)
  })
})

describe('chains', () => {
  it('a linked write then fsync run in order; each step reports its result', async () => {
    const fd = openSync(join(dir, 'chain'), 'w+')
    const data = Buffer.from('linked!')
    const results = await ring.chain((r) => [r.write(fd, data, 0), r.fsync(fd), r.read(fd, Buffer.alloc(7), 0)])
    expect(results).toEqual([
      { status: 'fulfilled', value: 7 },
      { status: 'fulfilled', value: 0 },
      { status: 'fulfilled', value: 7 },
    ])
    expect(readFileSync(join(dir, 'chain'), 'latin1')).toBe('linked!')
    closeSync(fd)
  })

  it('a step that resolves to something other than a number (fstat) gives its own value, typed as its promise', async () => {
    const fd = openSync(join(dir, 'chain-stat'), 'w+')
    writeFileSync(join(dir, 'chain-stat'), 'twelve bytes')
    const buffer = Buffer.alloc(64)
    const [read, stat] = await ring.chain((r) => [r.read(fd, buffer, 0), r.fstat(fd)], { hard: true })
    expect(read).toEqual({ status: 'fulfilled', value: 12 })
    expect(stat.status === 'fulfilled' && [stat.value.size, stat.value.isFile()]).toEqual([12, true])
    expect(buffer.toString('latin1', 0, 12)).toBe('twelve bytes')
    closeSync(fd)
  })

  it('a chain whose build throws after a direct open into a chosen slot: the throw, and no unhandled rejection', async (ctx) => {
    skipIfUnsupported(ctx, () => registerFilesSparse(ring, 4))
    const unhandled: unknown[] = []
    const listener = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', listener)
    onTestFinished(() => void process.off('unhandledRejection', listener))
    const detached = new Uint8Array(8)
    structuredClone(detached.buffer, { transfer: [detached.buffer] })
    expect(() => ring.chain((r) => [r.openatDirect(-100, join(dir, 'never'), 'w', 0o666, 2), r.write(r.fixedFile(2), detached)])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_STATE' }),
    )
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(unhandled).toEqual([])
    expect(existsSync(join(dir, 'never'))).toBe(false)
  })

  it('a chain whose first step fails cancels the rest with ECANCELED; a hard chain goes on', async () => {
    // A write into a pipe nobody reads fails when it runs (EPIPE; Node ignores SIGPIPE). Older
    // kernels (5.10) find a bad fd or a read on a write-only one while preparing the SQE,
    // and a failure there ends even a hard chain.
    const ends = pipe2()
    if (typeof ends === 'number') throw systemError(ends, 'pipe2')
    const [readEnd, broken] = ends
    closeSync(readEnd)
    onTestFinished(() => closeSync(broken))
    const soft = await ring.chain((r) => [r.write(broken, Buffer.from('x')), r.nop(), r.nop()])
    expect(soft.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect((soft[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'EPIPE', syscall: 'write' })
    expect((soft[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ECANCELED' })
    expect((soft[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ECANCELED' })
    const hard = await ring.chain((r) => [r.write(broken, Buffer.from('x')), r.nop()], { hard: true })
    expect(hard.map((s) => s.status)).toEqual(['rejected', 'fulfilled'])
  })

  it('skipSuccess steps post no CQE and still resolve when the chain ends', async (ctx) => {
    const fd = openSync(join(dir, 'skip'), 'w+')
    onTestFinished(() => closeSync(fd))
    const before = ring.stats.completions
    const results = await skipIfUnsupported(ctx, () => ring.chain((r) => [r.write(fd, Buffer.from('ab'), 0, { skipSuccess: true }), r.nop()]))
    expect(results).toEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'fulfilled', value: 0 },
    ])
    expect(ring.stats.completions - before).toBe(1)
    expect(readFileSync(join(dir, 'skip'), 'latin1')).toBe('ab')
    expect(() => ring.nop({ skipSuccess: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
  })

  it('a process whose last work was a chain of skipSuccess steps exits by itself: nothing is left counted in flight', async (ctx) => {
    await skipIfUnsupported(ctx, () => ring.chain((r) => [r.nop({ skipSuccess: true }), r.nop()]))
    const core = createRequire(import.meta.url).resolve('@iouring/core')
    const script = `
      const { IoUring } = require(${JSON.stringify(core)})
      const ring = new IoUring({ entries: 8 })
      ring.chain((r) => [r.nop({ skipSuccess: true }), r.nop({ skipSuccess: true }), r.nop()]).then((steps) => console.log(steps.map((s) => s.status).join()))`
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 })
    expect(result.signal).toBe(null)
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toBe('fulfilled,fulfilled,fulfilled')
  })

  it('a skipSuccess step that fails ends a soft chain: the steps after it, which post no CQE, reject with ECANCELED', async (ctx) => {
    const ends = pipe2()
    if (typeof ends === 'number') throw systemError(ends, 'pipe2')
    const [readEnd, broken] = ends
    closeSync(readEnd)
    onTestFinished(() => closeSync(broken))
    const file = join(dir, 'skip-short')
    writeFileSync(file, 'ab')
    const fd = openSync(file, 'r')
    onTestFinished(() => closeSync(fd))
    const before = ring.stats.completions
    const failed = await skipIfUnsupported(ctx, () =>
      ring.chain((r) => [r.nop({ skipSuccess: true }), r.write(broken, Buffer.from('x'), -1, { skipSuccess: true }), r.nop({ skipSuccess: true }), r.nop()]),
    )
    expect(failed.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected'])
    expect((failed[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'EPIPE', syscall: 'write' })
    expect((failed[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ECANCELED' })
    expect((failed[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'ECANCELED' })
    // Only the failed write posted a CQE.
    expect(ring.stats.completions - before).toBe(1)
    // A short read breaks a soft link too: it posts its count, the rest nothing.
    const short = await ring.chain((r) => [r.read(fd, Buffer.alloc(8), 0, { skipSuccess: true }), r.nop()])
    expect(short[0]).toEqual({ status: 'fulfilled', value: 2 })
    expect((short[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ECANCELED' })
    // A hard link goes on past the failure, and its last step ends it.
    const hard = await ring.chain((r) => [r.write(broken, Buffer.from('x'), -1, { skipSuccess: true }), r.nop({ skipSuccess: true }), r.nop()], { hard: true })
    expect(hard.map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled'])
    expect(ring.closed).toBe(false)
    expect(await ring.nop()).toBe(0)
  })

  it('a step with a linked timeout inside a chain; drain and async are accepted on any operation', async () => {
    writeSync(pipe, 'z')
    const results = await ring.chain((r) => [r.read(pipe, Buffer.alloc(1), -1, { timeout: 1000 }), r.nop({ drain: true })])
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'fulfilled', value: 0 },
    ])
    expect(await ring.nop({ async: true })).toBe(0)
    expect(await ring.nop({ drain: true })).toBe(0)
  })

  it('chains started in one tick reach the kernel in the one io_uring_enter of that tick, with what was written before them', async () => {
    const before = ring.stats
    const [alone, first, second] = await Promise.all([
      ring.nop(),
      ring.chain((r) => [r.nop(), r.nop()]),
      ring.chain((r) => [r.nop(), r.nop()], { hard: true }),
    ])
    expect(alone).toBe(0)
    expect([...first, ...second].map((step) => step.status === 'fulfilled' && step.value)).toEqual([0, 0, 0, 0])
    expect(ring.stats.submitted - before.submitted).toBe(5)
    expect(ring.stats.enterCalls - before.enterCalls).toBe(1)
  })

  it('a chain that needs the room of SQEs written before it: those are submitted first, and the chain still runs whole, in order', async () => {
    const small = new IoUring({ entries: 4 })
    const fd = openSync(join(dir, 'chain-room'), 'w+')
    const before = small.stats
    const earlier = [small.nop(), small.nop(), small.nop()]
    const buffer = Buffer.alloc(4)
    const steps = small.chain((r) => [r.write(fd, Buffer.from('room'), 0), r.fsync(fd), r.read(fd, buffer, 0), r.nop()])
    // The three NOPs went to the kernel to make room; the chain is still unpublished.
    expect(small.stats.submitted - before.submitted).toBe(3)
    expect(await Promise.all(earlier)).toEqual([0, 0, 0])
    expect((await steps).map((step) => step.status === 'fulfilled' && step.value)).toEqual([4, 0, 4, 0])
    expect(buffer.toString('latin1')).toBe('room')
    expect(small.stats.submitted - before.submitted).toBe(7)
    closeSync(fd)
    await small.dispose()
  })

  it('a chain longer than the SQ is refused and nothing of it is submitted', async () => {
    const small = new IoUring({ entries: 4 })
    const before = small.stats.submitted
    expect(() => small.chain((r) => Array.from({ length: 5 }, () => r.nop()))).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(small.pending).toBe(0)
    expect(await small.nop()).toBe(0)
    expect(small.stats.submitted - before).toBe(1)
    await small.dispose()
  })
})

describe('ring messages', () => {
  it('msgRing posts value and data to another ring: onMessage, then messages()', async (ctx) => {
    needsOps(ctx, 'MSG_RING')
    const other = new IoUring({ entries: 4 })
    const got: [number, number][] = []
    other.onMessage = (value, data) => got.push([value, data])
    expect(await ring.msgRing(other, 42, { data: 2 ** 40 + 7 })).toBe(0)
    await settle()
    expect(got).toEqual([[42, 2 ** 40 + 7]])
    other.onMessage = undefined
    const iterator = other.messages()
    await ring.msgRing(other, -5, { data: 1 })
    expect(await iterator.next()).toEqual({ value: { value: -5, data: 1 }, done: false })
    await other.dispose()
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
  })

  it('msgRingFd passes a registered file to another ring, which reads it through its own table', async (ctx) => {
    needsOps(ctx, 'MSG_RING')
    skipUnless(ctx, kernelAtLeast('6.0'), 'IORING_MSG_SEND_FD', '6.0')
    const path = join(dir, 'passed')
    writeFileSync(path, 'passed between rings')
    const fd = openSync(path, 'r')
    const other = new IoUring({ entries: 4 })
    try {
      registerFiles(ring, [fd])
      registerFilesSparse(other, 4)
      const landed: [number, number][] = []
      other.onMessage = (value, data) => landed.push([value, data])
      expect(await ring.msgRingFd(other, 0, 2, { data: 77 })).toBe(0)
      await settle()
      // A send into a named slot posts 0 on the target; 'alloc' posts the slot it chose.
      expect(landed).toEqual([[0, 77]])
      const buf = Buffer.alloc(6)
      expect(await other.read(other.fixedFile(2), buf, 0)).toBe(6)
      expect(buf.toString()).toBe('passed')
      // With 'alloc', both the sender's result and the target's message carry the chosen slot.
      const slot = await ring.msgRingFd(other, 0, 'alloc')
      await settle()
      expect(landed.length).toBe(2)
      expect(landed[1][0]).toBe(slot)
      expect([0, 1, 3]).toContain(slot)
      expect(await other.read(other.fixedFile(slot), buf, 7)).toBe(6)
      expect(buf.toString()).toBe('betwee')
    } finally {
      await other.dispose()
      closeSync(fd)
    }
  })

  it('rings in two worker threads exchange messages', async (ctx) => {
    needsOps(ctx, 'MSG_RING')
    const source = `
      const { parentPort, workerData } = require('node:worker_threads')
      const { IoUring } = require(workerData.core)
      const ring = new IoUring({ entries: 4 })
      parentPort.once('message', async (peerFd) => {
        const it = ring.messages()
        const { value: message } = await it.next()
        await ring.msgRing(peerFd, message.value * 2, { data: 99 })
        await it.return()
        await ring.dispose()
      })
      parentPort.postMessage(ring.params.fd)
    `
    const a = new Worker(source, { eval: true, workerData: { core: coreEntry } })
    const b = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads')
      const { IoUring } = require(workerData.core)
      const ring = new IoUring({ entries: 4 })
      parentPort.once('message', async (peerFd) => {
        const it = ring.messages()
        await ring.msgRing(peerFd, 21, { data: 1 })
        const { value } = await it.next()
        parentPort.postMessage(value)
        await it.return()
        await ring.dispose()
      })
      parentPort.postMessage(ring.params.fd)
    `, { eval: true, workerData: { core: coreEntry } })
    // Listening from the start: A exits as soon as it has answered, often
    // before B's reply reaches this thread, and a late listener misses it.
    const exits = Promise.all([new Promise((r) => a.once('exit', r)), new Promise((r) => b.once('exit', r))])
    const [fdA, fdB] = await Promise.all([new Promise((r) => a.once('message', r)), new Promise((r) => b.once('message', r))])
    a.postMessage(fdB)
    b.postMessage(fdA)
    const reply = await new Promise((r) => b.once('message', r))
    expect(reply).toEqual({ value: 42, data: 99 })
    expect(await exits).toEqual([0, 0])
  })
})

describe('epoll', () => {
  it('epollCtl registers a pipe and epollWait reports it with its data once readable', async (ctx) => {
    needsOps(ctx, 'EPOLL_CTL', 'EPOLL_WAIT')
    const epfd = epollCreate()
    expect(epfd).toBeGreaterThan(0)
    try {
      expect(await ring.epollCtl(epfd, 'add', pipe, EPOLLIN, 0x1234_5678_9abcn)).toBe(0)
      let ready = false
      const waiting = ring.epollWait(epfd, 8).then((events) => ((ready = true), events))
      await settle()
      expect(ready).toBe(false)
      writeSync(pipe, 'e')
      expect(await waiting).toEqual([{ events: EPOLLIN, data: 0x1234_5678_9abcn }])
      expect(await ring.epollCtl(epfd, 'del', pipe)).toBe(0)
      await expect(ring.epollCtl(epfd, 'del', pipe)).rejects.toMatchObject({ code: 'ENOENT', syscall: 'epoll_ctl' })
    } finally {
      closeSync(epfd)
    }
  })
})

describe('futexes and child processes', () => {
  it('a futex wake on the main thread releases a futexWait in a worker thread', async (ctx) => {
    needsOps(ctx, 'FUTEX_WAIT', 'FUTEX_WAKE')
    const shared = new Int32Array(new SharedArrayBuffer(8))
    const worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads')
      const { IoUring } = require(workerData.core)
      const ring = new IoUring({ entries: 4 })
      const word = workerData.shared
      const waiting = ring.futexWait(word, 1, 0)
      parentPort.postMessage('waiting')
      waiting.then(async (r) => { parentPort.postMessage({ woke: r, value: Atomics.load(word, 1) }); await ring.dispose() })
    `, { eval: true, workerData: { core: coreEntry, shared } })
    expect(await new Promise((r) => worker.once('message', r))).toBe('waiting')
    await settle()
    Atomics.store(shared, 1, 7)
    let woken = 0
    for (let i = 0; i < 50 && woken === 0; i++) {
      woken = await ring.futexWake(shared, 1, 1)
      if (woken === 0) await settle()
    }
    expect(woken).toBe(1)
    expect(await new Promise((r) => worker.once('message', r))).toEqual({ woke: 0, value: 7 })
  })

  it('futexWait rejects with EAGAIN when the word already differs; futexWaitv reports which word woke it', async (ctx) => {
    needsOps(ctx, 'FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_WAITV')
    const shared = new Int32Array(new SharedArrayBuffer(16))
    shared[0] = 5
    await expect(ring.futexWait(shared, 0, 4)).rejects.toMatchObject({ code: 'EAGAIN', syscall: 'futex_wait' })
    expect(() => ring.futexWait(shared, 0, '5' as unknown as number)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.futexWait(shared, 0, 2 ** 32)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.futexWaitv([{ view: shared, index: 0, expected: 1.5 }])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    const waitv = ring.futexWaitv([
      { view: shared, index: 2, expected: 0 },
      { view: shared, index: 3, expected: 0 },
    ])
    await settle()
    expect(await ring.futexWake(shared, 3)).toBe(1)
    expect(await waitv).toBe(1)
  })

  it('waitid reports a child that exited, without reaping it from Node', async (ctx) => {
    needsOps(ctx, 'WAITID')
    const child = spawn('sh', ['-c', 'sleep 0.05; exit 3'])
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const info = await ring.waitid('pid', child.pid!, { exited: true, nowait: true })
    expect(info).toMatchObject({ pid: child.pid, code: CLD_EXITED, status: 3, signo: 17 })
    expect(await exited).toBe(3)
  })

  it('refuses bad arguments synchronously, before anything is submitted', () => {
    expect(() => ring.waitid('proc' as never, 1)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: "The argument 'idtype' must be one of: 'pid', 'pgid', 'pidfd', 'all'. Received 'proc'" }),
    )
    expect(() => ring.waitid('toString' as never, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.waitid('pid', -1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.waitid('pid', 1, null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.sleep(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.epollWait(0, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.epollCtl(0, 'constructor' as never, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => ring.pipe(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.sendfile(1, -2)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.sendfile(1, 0, { signal: {} as AbortSignal })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(ring.pending).toBe(0)
  })

  it('sleep resolves to undefined once the time has passed', async () => {
    expect(await ring.sleep(1)).toBeUndefined()
  })

  it('waitid on a process that is not a child rejects with ECHILD, named as Node names it', async (ctx) => {
    needsOps(ctx, 'WAITID')
    await expect(ring.waitid('pid', 1)).rejects.toMatchObject({ code: 'ECHILD', errno: -10, syscall: 'waitid', message: 'ECHILD: no child processes, waitid' })
  })
})

function readFileSyncFrom(fd: number, n: number): void {
  const buf = Buffer.alloc(n)
  readSync(fd, buf)
}
