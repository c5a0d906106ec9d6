// @module-tag ring
import { fstatSync, closeSync, readSync, writeSync, constants } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TEST_TIMEOUT_MS } from '@iouring/tooling/timeouts'
import { IoUring, availability, systemError } from '@iouring/core'
import { IORING_CQE_F_MORE, IORING_OP_SOCKET, POLLIN, prepPollMultishot } from '@iouring/ops'
import { readText, socket, watchReadable } from './fixtures/third-party-ops.js'
import { emptyPipe, forceGc, tempDir } from './helpers.js'

const AF_UNIX = 1
const SOCK_STREAM = 1
const ECANCELED = -125

function probeSocket(): boolean {
  const ring = new IoUring({ entries: 1 })
  const supported = ring.operations.supports(IORING_OP_SOCKET)
  void ring.dispose()
  return supported
}

describe('ring.operations: operations added from outside core', () => {
  let ring: IoUring
  let temp: ReturnType<typeof tempDir>
  beforeEach(() => {
    ring = new IoUring({ entries: 8 })
    temp = tempDir()
  })
  afterEach(async () => {
    await ring.dispose()
    temp.cleanup()
  })

  // Where io_uring is denied this file is skipped (tag 'ring') and nothing is probed.
  const socketSupported = availability().available && probeSocket()
  if (availability().available && !socketSupported) console.log('skipping the socket extension test: IORING_OP_SOCKET needs Linux 5.19 (not in this kernel\'s probe)')

  it.skipIf(!socketSupported)('a promise operation: IORING_OP_SOCKET makes a real socket fd', async () => {
    const fd = await socket(ring, AF_UNIX, SOCK_STREAM)
    expect(fstatSync(fd).mode & constants.S_IFMT).toBe(constants.S_IFSOCK)
    closeSync(fd)
    // The kernel's errors come back as system errors naming the operation.
    await expect(socket(ring, 12345, SOCK_STREAM)).rejects.toMatchObject({ code: 'EAFNOSUPPORT', syscall: 'socket' })
  })

  it('a mapped result: the ring keeps the buffer alive until the CQE, through forced collections', async () => {
    const fd = emptyPipe(temp.dir)
    const text = readText(ring, fd, 64)
    expect(ring.pending).toBe(1)
    forceGc()
    writeSync(fd, 'hello from outside core')
    expect(await text).toBe('hello from outside core')
    closeSync(fd)
  })

  it('a callback request: every CQE of a multishot poll, the slot freed at the last', async () => {
    const fd = emptyPipe(temp.dir)
    const events: [number, number][] = []
    let ended: () => void
    const done = new Promise<void>((resolve) => (ended = resolve))
    let got: () => void
    let gotOne = new Promise<void>((resolve) => (got = resolve))
    const userData = watchReadable(ring, fd, (res, flags) => {
      events.push([res, flags])
      if (flags & IORING_CQE_F_MORE) got()
      else ended()
    })
    expect(ring.pending).toBe(1)
    for (let i = 0; i < 3; i++) {
      writeSync(fd, 'x')
      await gotOne
      gotOne = new Promise<void>((resolve) => (got = resolve))
      readSync(fd, Buffer.alloc(1))
    }
    ring.operations.cancel(userData)
    await done
    expect(events.slice(0, 3).map(([res, flags]) => [res & POLLIN, flags & IORING_CQE_F_MORE])).toEqual([
      [POLLIN, IORING_CQE_F_MORE],
      [POLLIN, IORING_CQE_F_MORE],
      [POLLIN, IORING_CQE_F_MORE],
    ])
    const [res, flags] = events[events.length - 1]
    expect(res).toBe(ECANCELED)
    expect(flags & IORING_CQE_F_MORE).toBe(0)
    expect(systemError(res, 'poll').code).toBe('ECANCELED')
    expect(ring.pending).toBe(0)
    closeSync(fd)
  })

  it("a stream whose map throws: the consumer gets the error, the request is cancelled, the event loop sees nothing", async () => {
    const fd = emptyPipe(temp.dir)
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown) => uncaught.push(err)
    process.on('uncaughtException', onUncaught)
    const ops = ring.operations
    const at = ops.prepare()
    prepPollMultishot(ops.sqes, at, fd, POLLIN)
    let events = 0
    const stream = ops.startMultishot(at, 'poll', undefined, undefined, (res) => {
      if (++events === 2) throw Object.assign(new Error('cannot account for this completion'), { code: 'ERR_TEST_MAP' })
      return res
    })
    writeSync(fd, 'x')
    const first = await stream.next()
    expect(first.value & POLLIN).toBe(POLLIN)
    readSync(fd, Buffer.alloc(1))
    writeSync(fd, 'y')
    await expect(stream.next()).rejects.toMatchObject({ code: 'ERR_TEST_MAP' })
    // The cancel's completion ends the request: its slot is free again.
    for (let i = 0; i < 100 && ring.pending > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    process.off('uncaughtException', onUncaught)
    expect([ring.pending, events, uncaught.length]).toEqual([0, 2, 0])
    closeSync(fd)
  })

  it('refuses work on a disposed ring and unknown opcodes clearly', async () => {
    const other = new IoUring({ entries: 2 })
    await other.dispose()
    expect(() => other.operations.prepare()).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
    expect(() => ring.operations.require(255)).toThrow(expect.objectContaining({ code: 'ERR_IOURING_UNSUPPORTED_OP' }))
    expect(() => ring.operations.startCallback(ring.operations.prepare(), 'nop', undefined, 42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })
})

describe('ring.operations.refRequest', () => {
  // In a child: a pending multishot poll keeps the process alive until it is
  // unref'ed. An unref'ed timer fires only in a process something else keeps
  // alive: it prints ' alive' and ends the poll, so the child exits either way.
  const script = (unref: boolean) => `
    const { IoUring } = require('@iouring/core')
    const { prepPollMultishot } = require('@iouring/ops')
    const { pipe } = require('@iouring/native')
    const ring = new IoUring({ entries: 4 })
    const [r] = pipe()
    const ops = ring.operations
    const at = ops.prepare()
    prepPollMultishot(ops.sqes, at, r, 1)
    const userData = ops.startCallback(at, 'poll', undefined, () => {})
    ${unref ? 'ops.refRequest(userData, false)' : ''}
    process.stdout.write('armed ' + ring.pending)
    setTimeout(() => { process.stdout.write(' alive'); ops.cancel(userData) }, 100).unref()
  `

  it('an unref\'ed request lets the process exit; a ref\'ed one keeps it alive', () => {
    const run = (unref: boolean) => spawnSync(process.execPath, ['-e', script(unref)], { cwd: import.meta.dirname, encoding: 'utf8', timeout: TEST_TIMEOUT_MS })
    const unrefed = run(true)
    expect([unrefed.stdout, unrefed.status]).toEqual(['armed 1', 0])
    const refed = run(false)
    expect([refed.stdout, refed.status]).toEqual(['armed 1 alive', 0])
  })
})
