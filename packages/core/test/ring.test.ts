// @module-tag ring
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TEST_TIMEOUT_MS } from '@iouring/tooling/timeouts'
import { IoUring, defaultRing } from '@iouring/core'
import { IORING_SETUP_CLAMP, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, SETUP_FLAGS } from '@iouring/ops'
import { kernelAtLeast, parseKernelVersion } from '@iouring/register'
import { setupError } from '../src/setup.js'
import { emptyPipe, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
let ring: IoUring

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  ring = new IoUring({ entries: 64 })
})

afterEach(async () => {
  await ring.dispose()
  cleanup()
})

describe('setup and teardown', () => {
  it('reports the parameters and features the kernel gave', () => {
    expect(ring.params.sqEntries).toBe(64)
    expect(ring.params.cqEntries).toBe(128)
    expect(ring.params.fd).toBeGreaterThan(2)
    expect(ring.features.has('NODROP')).toBe(true)
    expect(ring.features.has('SINGLE_MMAP')).toBe(true)
    expect(ring.params.features).toContain('NODROP')
  })

  it('rounds entries up to a power of two and honours cqEntries and named setup flags', async () => {
    const r = new IoUring({ entries: 5, cqEntries: 100, setup: ['CLAMP'] })
    expect(r.params.sqEntries).toBe(8)
    expect(r.params.cqEntries).toBe(128)
    expect(r.params.setup).toEqual(expect.arrayContaining(['CQSIZE', 'CLAMP']))
    await r.dispose()
  })

  it('defaults to SINGLE_ISSUER + COOP_TASKRUN where the kernel has them; setup or flags from the caller replace them', async () => {
    // By the versions that added them: an independent check of the probing setup does.
    const expected = SETUP_FLAGS.filter((flag) => (flag.name === 'SINGLE_ISSUER' || flag.name === 'COOP_TASKRUN') && kernelAtLeast(flag.since))
    expect(ring.params.setup.filter((name) => name === 'SINGLE_ISSUER' || name === 'COOP_TASKRUN').sort()).toEqual(expected.map((flag) => flag.name).sort())
    const plain = new IoUring({ setup: [] })
    expect(plain.params.setup).not.toContain('SINGLE_ISSUER')
    expect(plain.params.setup).not.toContain('COOP_TASKRUN')
    // A stat goes to an io-wq worker; its completion must wake this idle event loop.
    const stats = await ring.stat(dir)
    expect(stats.isDirectory()).toBe(true)
    await plain.dispose()
  })

  it('a setup flag the kernel lacks is ERR_IOURING_UNSUPPORTED_OP naming the flag and the version that added it', async () => {
    const deferred = (() => {
      try {
        return new IoUring({ setup: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] })
      } catch (err) {
        return err
      }
    })()
    if (kernelAtLeast('6.1')) {
      expect(deferred).toBeInstanceOf(IoUring)
      await (deferred as IoUring).dispose()
    } else {
      expect(deferred).toMatchObject({ code: 'ERR_IOURING_UNSUPPORTED_OP', since: '6.1', message: expect.stringContaining('IORING_SETUP_DEFER_TASKRUN') })
    }
    // The mapping itself, for a kernel older than the flags asked for; other errors stay system errors.
    const flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CLAMP
    expect(setupError(-22, flags, parseKernelVersion('5.10.0-46-amd64'))).toMatchObject({
      code: 'ERR_IOURING_UNSUPPORTED_OP',
      since: '6.1',
      message: 'IORING_SETUP_DEFER_TASKRUN is not supported by this kernel (5.10.0-46-amd64); it needs Linux 6.1 or newer',
    })
    expect(setupError(-22, flags, parseKernelVersion('6.1.0'))).toMatchObject({ code: 'EINVAL', errno: -22, syscall: 'io_uring_setup' })
    expect(setupError(-24, flags, parseKernelVersion('5.10.0'))).toMatchObject({ code: 'EMFILE', syscall: 'io_uring_setup' })
  })

  it('probes once at creation which opcodes the kernel supports', async () => {
    const { OPCODES } = await import('@iouring/ops')
    const probe = ring.probe()
    expect(probe).toBe(ring.probe())
    expect(probe.lastOp).toBeGreaterThanOrEqual(OPCODES.find((op) => op.name === 'READ')!.value)
    expect(probe.supports('NOP')).toBe(true)
    expect(probe.supports('READ')).toBe(true)
    expect(probe.supports(0)).toBe(true)
    expect(probe.supports('NOT_AN_OPCODE')).toBe(false)
    expect(probe.supports(probe.lastOp + 1)).toBe(false)
  })

  it('refuses bad options synchronously with ERR_* codes', () => {
    expect(() => new IoUring({ entries: 'x' as unknown as number })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => new IoUring({ entries: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => new IoUring({ setup: ['NOT_A_FLAG' as never] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    const bad: [Record<string, unknown>, string, string][] = [
      [{ setup: ['SQPOLL'], sqThreadIdle: 'x' }, 'ERR_INVALID_ARG_TYPE', 'The "options.sqThreadIdle" property must be of type number. Received type string (\'x\')'],
      [{ setup: ['SQPOLL'], sqThreadIdle: -1 }, 'ERR_OUT_OF_RANGE', 'options.sqThreadIdle'],
      [{ setup: ['SQPOLL', 'SQ_AFF'], sqThreadCpu: 1.5 }, 'ERR_OUT_OF_RANGE', 'options.sqThreadCpu'],
      [{ setup: ['ATTACH_WQ'], wqFd: -3 }, 'ERR_OUT_OF_RANGE', 'options.wqFd'],
      [{ wqFd: '3' }, 'ERR_INVALID_ARG_TYPE', 'options.wqFd'],
      [{ cqEntries: 0 }, 'ERR_OUT_OF_RANGE', 'options.cqEntries'],
      [{ cqEntries: 2 ** 20 }, 'ERR_OUT_OF_RANGE', 'options.cqEntries'],
      [{ registerRingFd: 'no' }, 'ERR_INVALID_ARG_TYPE', 'options.registerRingFd'],
    ]
    for (const [options, code, text] of bad) {
      expect(() => new IoUring(options as never)).toThrow(expect.objectContaining({ code, message: expect.stringContaining(text) }))
    }
  })

  it('counts what an SQPOLL ring\'s kernel thread submitted', async () => {
    const sqpoll = new IoUring({ entries: 8, setup: ['SQPOLL'], sqThreadIdle: 50 })
    expect(await Promise.all(Array.from({ length: 20 }, () => sqpoll.nop()))).toEqual(new Array(20).fill(0))
    expect(sqpoll.stats.submitted).toBe(20)
    expect(sqpoll.stats.completions).toBe(20)
    await sqpoll.dispose()
    expect(sqpoll.stats.submitted).toBe(20)
  })

  it('a disposed ring refuses new work, detaches its mapped memory, and disposes idempotently', async () => {
    const r = new IoUring({ entries: 4 })
    expect(await r.nop()).toBe(0)
    const sqes = r.sqes
    await r.dispose()
    await r.dispose()
    expect(r.closed).toBe(true)
    expect(() => r.nop()).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
    expect(() => r.getSqe()).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
    expect(sqes.buffer.byteLength).toBe(0)
    expect(() => sqes.getUint8(0)).toThrow(TypeError)
  })

  it('supports await using (Symbol.asyncDispose)', async () => {
    const r = new IoUring({ entries: 4 })
    await r[Symbol.asyncDispose]()
    expect(r.closed).toBe(true)
  })

  it('defaultRing() returns one ring per thread, recreated after dispose', async () => {
    const a = defaultRing()
    // Its CQ holds 10,000 completions at once (a stat of 10,000 files) before the kernel's overflow list.
    expect([a.params.sqEntries, a.params.cqEntries]).toEqual([256, 16384])
    // Compare identities directly: printing a disposed ring touches its detached views.
    expect(defaultRing() === a).toBe(true)
    await a.dispose()
    const b = defaultRing()
    expect(b === a).toBe(false)
    expect(await b.nop()).toBe(0)
    await b.dispose()
  })
})

describe('operations', () => {
  it('nop resolves to 0', async () => {
    expect(await ring.nop()).toBe(0)
  })

  it('write then read at positions returns the bytes written', async () => {
    const path = join(dir, 'f')
    const fd = openSync(path, 'w+')
    try {
      const data = Buffer.from('hello, io_uring!')
      expect(await ring.write(fd, data, 0)).toBe(data.length)
      expect(await ring.write(fd, Buffer.from('XY'), 7n)).toBe(2)
      expect(readFileSync(path, 'latin1')).toBe('hello, XY_uring!')
      const into = new Uint8Array(5)
      expect(await ring.read(fd, into, 7)).toBe(5)
      expect(Buffer.from(into).toString()).toBe('XY_ur')
    } finally {
      closeSync(fd)
    }
  })

  it('position -1 (the default) uses and advances the file position', async () => {
    const path = join(dir, 'f')
    const fd = openSync(path, 'w+')
    try {
      await ring.write(fd, Buffer.from('abc'))
      await ring.write(fd, Buffer.from('def'), -1)
      expect(readFileSync(path, 'latin1')).toBe('abcdef')
      const a = Buffer.alloc(2)
      expect(await ring.read(fd, a, 0)).toBe(2)
      expect(a.toString()).toBe('ab')
    } finally {
      closeSync(fd)
    }
  })

  it('reads into any ArrayBufferView: a DataView and a Float64Array window of a larger buffer', async () => {
    const path = join(dir, 'f')
    const bytes = Buffer.alloc(64)
    for (let i = 0; i < 64; i++) bytes[i] = i
    writeFileSync(path, bytes)
    const fd = openSync(path, 'r')
    try {
      const backing = new ArrayBuffer(64)
      const view = new DataView(backing, 8, 16)
      expect(await ring.read(fd, view, 0)).toBe(16)
      expect(Array.from(new Uint8Array(backing, 8, 16))).toEqual(Array.from(bytes.subarray(0, 16)))
      expect(new Uint8Array(backing, 0, 8).every((b) => b === 0)).toBe(true)
      const floats = new Float64Array(4).subarray(1, 3)
      expect(await ring.read(fd, floats, 32)).toBe(16)
      expect(Array.from(new Uint8Array(floats.buffer, 8, 16))).toEqual(Array.from(bytes.subarray(32, 48)))
    } finally {
      closeSync(fd)
    }
  })

  it('readv and writev scatter and gather in order', async () => {
    const path = join(dir, 'v')
    const fd = openSync(path, 'w+')
    try {
      const n = await ring.writev(fd, [Buffer.from('one-'), new Uint8Array(0), Buffer.from('two-'), Buffer.from('three')], 0)
      expect(n).toBe(13)
      expect(readFileSync(path, 'latin1')).toBe('one-two-three')
      const a = Buffer.alloc(3)
      const b = Buffer.alloc(6)
      expect(await ring.readv(fd, [a, b], 2)).toBe(9)
      expect(a.toString() + '|' + b.toString()).toBe('e-t|wo-thr')
    } finally {
      closeSync(fd)
    }
  })

  it('fsync and fdatasync complete with 0', async () => {
    const fd = openSync(join(dir, 's'), 'w')
    try {
      await ring.write(fd, Buffer.from('durable'), 0)
      expect(await ring.fsync(fd)).toBe(0)
      expect(await ring.fsync(fd, { datasync: true })).toBe(0)
    } finally {
      closeSync(fd)
    }
  })

  it('a read at end of file resolves to 0', async () => {
    writeFileSync(join(dir, 'e'), 'ab')
    const fd = openSync(join(dir, 'e'), 'r')
    try {
      expect(await ring.read(fd, Buffer.alloc(8), 2)).toBe(0)
    } finally {
      closeSync(fd)
    }
  })
})

describe('errors', () => {
  it('a kernel failure rejects with a Node-style system error', async () => {
    const fd = openSync(join(dir, 'x'), 'w')
    closeSync(fd)
    const err = await ring.read(fd, Buffer.alloc(4), 0).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ code: 'EBADF', errno: -9, syscall: 'read' })
    expect((err as Error).message).toBe('EBADF: bad file descriptor, read')
  })

  it('writing to a read-only fd rejects with EBADF from write, fsync on a pipe with EINVAL', async () => {
    writeFileSync(join(dir, 'ro'), 'x')
    const fd = openSync(join(dir, 'ro'), 'r')
    const pipe = emptyPipe(dir)
    try {
      await expect(ring.write(fd, Buffer.from('y'), 0)).rejects.toMatchObject({ code: 'EBADF', syscall: 'write' })
      await expect(ring.fsync(pipe, { datasync: true })).rejects.toMatchObject({ code: 'EINVAL', syscall: 'fdatasync' })
    } finally {
      closeSync(fd)
      closeSync(pipe)
    }
  })

  it('wrong argument types throw synchronously and submit nothing', () => {
    const before = ring.stats.submitted
    expect(() => ring.read('3' as unknown as number, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.read(-1, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.read(0, [1, 2] as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.read(0, Buffer.alloc(1), -2)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.read(0, Buffer.alloc(1), 1.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => ring.read(0, Buffer.alloc(1), '0' as unknown as number)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => ring.writev(0, [Buffer.alloc(1), 'x' as unknown as Uint8Array])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    ring.submit()
    expect(ring.stats.submitted).toBe(before)
    expect(ring.pending).toBe(0)
  })

  it('refuses a detached buffer and a resizable one before submitting', () => {
    const buffer = new ArrayBuffer(8)
    const view = new Uint8Array(buffer)
    structuredClone(buffer, { transfer: [buffer] })
    expect(() => ring.read(0, view)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    const resizable = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(8, { maxByteLength: 16 })
    expect(() => ring.read(0, new Uint8Array(resizable))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(ring.pending).toBe(0)
  })
})

describe('batching and queueing', () => {
  it('work one ring\'s completions start on another ring of the thread is submitted, whichever loop hook ran first', () => {
    // Each ring flushes in its own prepare hook; an inline completion reaped
    // in one ring's hook may start work on a ring whose hook already ran. In a
    // process with nothing else to wake its loop, unsubmitted work would
    // never complete: the child would be killed, not print its count.
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { IoUring } from '@iouring/core'
      const one = new IoUring({ entries: 8 })
      const two = new IoUring({ entries: 8 })
      let done = 0
      for (let i = 0; i < 100; i++) done += (await one.nop()) + (await two.nop()) + 2
      await Promise.all([one.dispose(), two.dispose()])
      console.log(done)`], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8', timeout: TEST_TIMEOUT_MS })
    expect(result.stderr).toBe('')
    expect(result.stdout.trim()).toBe('200')
  })

  it('operations prepared in one tick go to the kernel in one io_uring_enter', async () => {
    await ring.nop()
    const before = ring.stats
    const results = await Promise.all(Array.from({ length: 50 }, () => ring.nop()))
    const after = ring.stats
    expect(results).toEqual(new Array(50).fill(0))
    expect(after.submitted - before.submitted).toBe(50)
    expect(after.enterCalls - before.enterCalls).toBe(1)
    expect(after.completions - before.completions).toBe(50)
  })

  it('more operations than the SQ holds are all submitted, none dropped', async () => {
    const small = new IoUring({ entries: 4, cqEntries: 8 })
    try {
      const results = await Promise.all(Array.from({ length: 1000 }, () => small.nop()))
      expect(results.length).toBe(1000)
      expect(results.every((r) => r === 0)).toBe(true)
      expect(small.stats.submitted).toBe(1000)
      expect(small.stats.completions).toBe(1000)
    } finally {
      await small.dispose()
    }
  })

  it('20,000 concurrent reads on a ring of 16 entries all return the right bytes', async () => {
    const count = 20_000
    const path = join(dir, 'big')
    const content = Buffer.alloc(count * 8)
    for (let i = 0; i < count; i++) content.writeDoubleLE(i, i * 8)
    writeFileSync(path, content)
    const fd = openSync(path, 'r')
    const small = new IoUring({ entries: 16 })
    try {
      const buffers = Array.from({ length: count }, () => new Float64Array(1))
      const order = Array.from({ length: count }, (_, i) => (i * 7919) % count)
      const sizes = await Promise.all(order.map((i) => small.read(fd, buffers[i], i * 8)))
      expect(sizes.every((n) => n === 8)).toBe(true)
      const wrong = buffers.findIndex((b, i) => b[0] !== i)
      expect(wrong).toBe(-1)
      expect(small.stats.completions).toBe(count)
    } finally {
      await small.dispose()
      closeSync(fd)
    }
  })
})

describe('dispose', () => {
  it('cancels a read pending on an empty pipe: it rejects with ECANCELED, then the ring closes', async () => {
    const pipe = emptyPipe(dir)
    const r = new IoUring({ entries: 4 })
    try {
      const pending = r.read(pipe, Buffer.alloc(16)).catch((e: unknown) => e)
      const settled = r.nop()
      expect(await settled).toBe(0)
      expect(r.pending).toBe(1)
      await r.dispose()
      expect(await pending).toMatchObject({ code: 'ECANCELED', errno: -125, syscall: 'read' })
      expect(r.pending).toBe(0)
      // Nothing read the pipe: the bytes written now are still there.
      writeSync(pipe, 'still here')
      const check = new IoUring({ entries: 2 })
      const buf = Buffer.alloc(10)
      expect(await check.read(pipe, buf)).toBe(10)
      expect(buf.toString()).toBe('still here')
      await check.dispose()
    } finally {
      closeSync(pipe)
    }
  })
})
