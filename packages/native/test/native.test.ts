// @module-tag ring
import { closeSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as native from '@iouring/native'
import { skipUnless } from '@iouring/tooling/skip'

// Exercises the addon through its public surface only: setup, the mapped
// rings, enter, register, address, close. SQEs are written by hand here
// (IORING_OP_NOP is opcode 0) so this package's tests need nothing else.
const SQE_USER_DATA = 32
const IORING_ENTER_GETEVENTS = 1
const IORING_REGISTER_PROBE = 8
const IORING_SETUP_SINGLE_ISSUER = 1 << 12
const IORING_SETUP_DEFER_TASKRUN = 1 << 13

/**
 * Counts a request in flight, as @iouring/core does while it has any: the
 * addon then holds onWake strongly (an idle ring's, only weakly).
 */
function hold(ring: native.RingDescription): void {
  new Int32Array(ring.control)[native.CONTROL.PENDING] = 1
  native.updateRef(ring.handle)
}

function open(entries = 8, flags = 0) {
  const wakes: number[] = []
  const ring = native.setup({ entries, flags }, (status) => wakes.push(status))
  if (typeof ring === 'number') throw native.systemError(ring, 'io_uring_setup')
  hold(ring)
  return { ring, wakes }
}

/** Publishes `count` NOPs (user_data 1, 2, ...) at the SQ tail; the loop's flush submits them. */
function publishNops(ring: native.RingDescription, count: number): void {
  const sq = new Uint32Array(ring.sqRing)
  const mask = sq[ring.sqOff.ringMask / 4]
  const array = new Uint32Array(ring.sqRing, ring.sqOff.array, ring.sqEntries)
  const sqes = new DataView(ring.sqes)
  let tail = sq[ring.sqOff.tail / 4]
  for (let i = 0; i < count; i++, tail++) {
    const at = (tail & mask) * 64
    new Uint8Array(ring.sqes, at, 64).fill(0)
    sqes.setInt32(at + 4, -1, true)
    sqes.setUint32(at + SQE_USER_DATA, i + 1, true)
    array[tail & mask] = tail & mask
  }
  Atomics.store(sq, ring.sqOff.tail / 4, tail)
}

const loopIterations = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Whether this kernel takes IORING_SETUP_DEFER_TASKRUN (Linux 6.1): io_uring_setup answers EINVAL where not. */
function deferTaskrunSupported(): boolean {
  const ring = native.setup({ entries: 2, flags: IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN }, () => {})
  if (typeof ring === 'number') return false
  native.close(ring.handle)
  return true
}

describe('@iouring/native', () => {
  it('sets up a ring and maps the SQ ring, CQ ring and SQE array with their offsets', () => {
    const { ring } = open(8)
    expect(ring.sqEntries).toBe(8)
    expect(ring.cqEntries).toBe(16)
    expect(ring.sqes.byteLength).toBe(8 * 64)
    const sq = new Uint32Array(ring.sqRing)
    expect(sq[ring.sqOff.ringEntries / 4]).toBe(8)
    expect(sq[ring.sqOff.ringMask / 4]).toBe(7)
    const cq = new Uint32Array(ring.cqRing)
    expect(cq[ring.cqOff.ringEntries / 4]).toBe(16)
    expect(ring.cqRing.byteLength).toBeGreaterThanOrEqual(ring.cqOff.cqes + 16 * 16)
    native.close(ring.handle)
  })

  it('round-trips NOPs written into the mapped SQE array through enter', () => {
    const { ring } = open(8)
    const sq = new Uint32Array(ring.sqRing)
    new Uint32Array(ring.sqRing, ring.sqOff.array, 8).forEach((_, i, a) => (a[i] = i))
    const sqes = new DataView(ring.sqes)
    for (let i = 0; i < 3; i++) {
      new Uint8Array(ring.sqes, i * 64, 64).fill(0)
      sqes.setInt32(i * 64 + 4, -1, true)
      sqes.setUint32(i * 64 + SQE_USER_DATA, 100 + i, true)
    }
    Atomics.store(sq, ring.sqOff.tail / 4, 3)
    expect(native.enter(ring.handle, 3, 3, IORING_ENTER_GETEVENTS)).toBe(3)
    const cq = new Uint32Array(ring.cqRing)
    expect(Atomics.load(cq, ring.cqOff.tail / 4)).toBe(3)
    const userData = [0, 1, 2].map((i) => cq[ring.cqOff.cqes / 4 + i * 4])
    const results = [0, 1, 2].map((i) => new Int32Array(ring.cqRing)[ring.cqOff.cqes / 4 + i * 4 + 2])
    expect(userData).toEqual([100, 101, 102])
    expect(results).toEqual([0, 0, 0])
    native.close(ring.handle)
  })

  it('submit() flushes what was published past the kernel head and counts it in the control block', () => {
    const { ring } = open(4)
    const sq = new Uint32Array(ring.sqRing)
    new Uint32Array(ring.sqRing, ring.sqOff.array, 4).forEach((_, i, a) => (a[i] = i))
    new Uint8Array(ring.sqes).fill(0)
    Atomics.store(sq, ring.sqOff.tail / 4, 2)
    expect(native.submit(ring.handle)).toBe(2)
    expect(native.submit(ring.handle)).toBe(0)
    const stats = new Float64Array(ring.control)
    expect(stats[native.CONTROL.SUBMITTED]).toBe(2)
    expect(stats[native.CONTROL.ENTER_CALLS]).toBe(1)
    native.close(ring.handle)
  })

  it('calls onWake from the event loop when CQEs are posted', async () => {
    const { ring, wakes } = open(4)
    const sq = new Uint32Array(ring.sqRing)
    new Uint32Array(ring.sqRing, ring.sqOff.array, 4).forEach((_, i, a) => (a[i] = i))
    new Uint8Array(ring.sqes).fill(0)
    Atomics.store(sq, ring.sqOff.tail / 4, 1)
    native.submit(ring.handle)
    // The NOP's CQE makes the ring fd readable; the loop's poll on it calls onWake.
    while (wakes.length === 0) await new Promise((resolve) => setImmediate(resolve))
    expect(wakes.length).toBeGreaterThanOrEqual(1)
    expect(wakes[0]).toBe(0)
    native.close(ring.handle)
  })

  it('register() passes the argument buffer: IORING_REGISTER_PROBE fills it', () => {
    const { ring } = open(2)
    const probe = new Uint8Array(16 + 256 * 8)
    expect(native.register(ring.handle, IORING_REGISTER_PROBE, probe, 256)).toBe(0)
    // last_op (Linux 5.6 already knows IORING_OP_EPOLL_CTL, 29), then ops_len: every opcode up to last_op.
    expect(probe[0]).toBeGreaterThanOrEqual(29)
    expect(probe[1]).toBe(probe[0] + 1)
    expect(native.register(ring.handle, 9999, null, 0)).toBe(-22) // EINVAL
    native.close(ring.handle)
  })

  it('register() refuses an argument buffer shorter than what the kernel reads or writes there', () => {
    const IORING_REGISTER_FILES = 2
    const IORING_REGISTER_RESTRICTIONS = 11
    const IORING_REGISTER_IOWQ_MAX_WORKERS = 19
    const IORING_REGISTER_SYNC_CANCEL = 24
    const IORING_REGISTER_RESIZE_RINGS = 33
    const { ring } = open(2)
    const tooShort = expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })
    // A probe for 256 opcodes writes 16 + 256 * 8 bytes.
    const probe = new Uint8Array(16 + 255 * 8)
    expect(() => native.register(ring.handle, IORING_REGISTER_PROBE, probe, 256)).toThrow(tooShort)
    expect(probe.every((byte) => byte === 0)).toBe(true)
    expect(() => native.register(ring.handle, IORING_REGISTER_FILES, new Int32Array(3), 4)).toThrow(tooShort)
    expect(() => native.register(ring.handle, IORING_REGISTER_RESTRICTIONS, new Uint8Array(16), 2)).toThrow(tooShort)
    expect(() => native.register(ring.handle, IORING_REGISTER_IOWQ_MAX_WORKERS, new Uint32Array(1), 2)).toThrow(tooShort)
    expect(() => native.register(ring.handle, IORING_REGISTER_SYNC_CANCEL, new Uint8Array(32), 1)).toThrow(tooShort)
    expect(() => native.register(ring.handle, 99, new Uint8Array(64), 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => native.register(ring.handle, IORING_REGISTER_RESIZE_RINGS, new Uint8Array(120), 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    // Long enough is passed on: the kernel fills exactly what it was asked for.
    const exact = new Uint8Array(16 + 4 * 8 + 8).fill(0)
    expect(native.register(ring.handle, IORING_REGISTER_PROBE, exact, 4)).toBe(0)
    expect(exact[16 + 3 * 8]).toBe(3) // ops[3].op
    expect(exact.subarray(16 + 4 * 8).every((byte) => byte === 0)).toBe(true)
    native.close(ring.handle)
  })

  it('addressOf() gives distinct, offset-consistent addresses and caches per buffer', () => {
    const buffer = new ArrayBuffer(64)
    const base = native.addressOf(buffer)
    expect(base).toBeGreaterThan(0)
    expect(native.addressOf(new Uint8Array(buffer, 10))).toBe(base + 10)
    expect(native.addressOf(new DataView(buffer, 3, 4))).toBe(base + 3)
    expect(native.addressOf(new Float64Array(buffer, 8))).toBe(base + 8)
    expect(native.addressOf(new Uint8Array(8))).not.toBe(base)
    expect(() => native.addressOf({} as ArrayBuffer)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })

  it('setup failures come back as -errno and become Node-style system errors', () => {
    const ret = native.setup({ entries: 0 }, () => {})
    expect(ret).toBe(-22)
    const err = native.systemError(ret as number, 'io_uring_setup')
    expect(err).toMatchObject({ code: 'EINVAL', errno: -22, syscall: 'io_uring_setup' })
    expect(err.message).toBe('EINVAL: invalid argument, io_uring_setup')
    expect(native.systemError(2, 'open', { path: '/nope' }).message).toBe("ENOENT: no such file or directory, open '/nope'")
  })

  it('a DEFER_TASKRUN ring gets a registered eventfd, a plain ring none; IORING_REGISTER_EVENTFD then finds the slot taken', async (ctx) => {
    skipUnless(ctx, deferTaskrunSupported(), 'IORING_SETUP_DEFER_TASKRUN', '6.1')
    const IORING_REGISTER_EVENTFD = 4
    const EBUSY = -16
    const plain = open(2).ring
    expect(native.ringEventfd(plain.handle)).toBe(-1)
    native.close(plain.handle)
    const ring = native.setup({ entries: 2, flags: IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN }, () => {})
    if (typeof ring === 'number') throw native.systemError(ring, 'io_uring_setup')
    const evfd = native.ringEventfd(ring.handle)
    expect(evfd).toBeGreaterThan(2)
    expect(readlinkSync(`/proc/self/fd/${evfd}`)).toBe('anon_inode:[eventfd]')
    const other = native.eventfd(0, native.EFD.CLOEXEC)
    expect(native.register(ring.handle, IORING_REGISTER_EVENTFD, new Int32Array([other]), 1)).toBe(EBUSY)
    closeSync(other)
    native.close(ring.handle)
    // The eventfd is closed with its watcher, in the loop's close phase.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const now = (() => {
      try {
        return readlinkSync(`/proc/self/fd/${evfd}`)
      } catch {
        return 'closed'
      }
    })()
    expect(now).not.toBe('anon_inode:[eventfd]')
  })

  it('a DEFER_TASKRUN ring driven by the event loop alone gets its io-wq and timer completions', async (ctx) => {
    skipUnless(ctx, deferTaskrunSupported(), 'IORING_SETUP_DEFER_TASKRUN', '6.1')
    const IORING_OP_TIMEOUT = 11
    const IOSQE_ASYNC = 1 << 4
    const ETIME = -62
    const wakes: number[] = []
    const ring = native.setup({ entries: 4, flags: IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN }, (status) => wakes.push(status))
    if (typeof ring === 'number') throw native.systemError(ring, 'io_uring_setup')
    hold(ring)
    try {
      const sq = new Uint32Array(ring.sqRing)
      new Uint32Array(ring.sqRing, ring.sqOff.array, 4).forEach((_, i, a) => (a[i] = i))
      new Uint8Array(ring.sqes).fill(0)
      const sqes = new DataView(ring.sqes)
      // A NOP punted to an io-wq worker, and a 10 ms timeout (an hrtimer):
      // both complete as task work that only this thread can run.
      sqes.setUint8(1, IOSQE_ASYNC)
      sqes.setInt32(4, -1, true)
      sqes.setUint32(SQE_USER_DATA, 1, true)
      const timespec = new BigInt64Array([0n, 10_000_000n])
      sqes.setUint8(64, IORING_OP_TIMEOUT)
      sqes.setInt32(64 + 4, -1, true)
      sqes.setBigUint64(64 + 16, BigInt(native.addressOf(timespec)), true)
      sqes.setUint32(64 + 24, 1, true)
      sqes.setUint32(64 + SQE_USER_DATA, 2, true)
      // libuv adds the ring fd to epoll in the loop's next poll phase (two
      // check phases have one between them); after that only a wake-up
      // reports the completions.
      for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve))
      // Published only: the loop's prepare hook submits them, and nothing
      // here enters the ring to wait.
      Atomics.store(sq, ring.sqOff.tail / 4, 2)
      const cq = new Uint32Array(ring.cqRing)
      for (let waited = 0; Atomics.load(cq, ring.cqOff.tail / 4) < 2 && waited < 2000; waited += 5) {
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      expect(Atomics.load(cq, ring.cqOff.tail / 4)).toBe(2)
      const cqes = [0, 1].map((i) => [cq[ring.cqOff.cqes / 4 + i * 4], new Int32Array(ring.cqRing)[ring.cqOff.cqes / 4 + i * 4 + 2]])
      expect(cqes.sort()).toEqual([[1, 0], [2, ETIME]])
      expect(wakes.length).toBeGreaterThanOrEqual(1)
      expect(wakes.every((status) => status === 0)).toBe(true)
      expect(timespec[1]).toBe(10_000_000n) // and the kernel's timespec stayed alive until its CQE
    } finally {
      native.close(ring.handle)
    }
  })

  it('a flush the kernel refuses reaches onWake once, not every loop iteration, until more is published', async () => {
    const IORING_SETUP_R_DISABLED = 1 << 6
    const IORING_REGISTER_ENABLE_RINGS = 12
    const EBADFD = -77
    const { ring, wakes } = open(4, IORING_SETUP_R_DISABLED)
    const control = new Int32Array(ring.control)
    expect(control[native.CONTROL.DISABLED]).toBe(1)
    publishNops(ring, 1)
    await loopIterations(50)
    expect(wakes).toEqual([EBADFD])
    expect(control[native.CONTROL.FLUSH_ERR]).toBe(EBADFD)
    expect(native.register(ring.handle, IORING_REGISTER_ENABLE_RINGS, null, 0)).toBe(0)
    expect(control[native.CONTROL.DISABLED]).toBe(0)
    // Publishing more makes the loop try again: both NOPs go in and complete.
    publishNops(ring, 1)
    const cq = new Uint32Array(ring.cqRing)
    for (let i = 0; i < 1000 && Atomics.load(cq, ring.cqOff.tail / 4) < 2; i++) await loopIterations(1)
    expect(Atomics.load(cq, ring.cqOff.tail / 4)).toBe(2)
    expect(wakes[0]).toBe(EBADFD)
    expect(wakes.slice(1).every((status) => status === 0)).toBe(true)
    native.close(ring.handle)
  })

  it('close() detaches the mapped buffers; the handle is refused afterwards', () => {
    const { ring } = open(2)
    const view = new Uint32Array(ring.sqRing)
    native.close(ring.handle)
    expect(ring.sqRing.byteLength).toBe(0)
    expect(ring.sqes.byteLength).toBe(0)
    expect(view.length).toBe(0)
    expect(() => native.submit(ring.handle)).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
    expect(() => native.close(ring.handle)).toThrow(expect.objectContaining({ code: 'ERR_IOURING_CLOSED' }))
    expect(() => native.submit({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })

  it('epollCreate() returns a working epoll fd', async () => {
    const { fstatSync } = await import('node:fs')
    const fd = native.epollCreate()
    expect(fd).toBeGreaterThan(2)
    expect(fstatSync(fd).isFile()).toBe(false)
    expect(readlinkSync(`/proc/self/fd/${fd}`)).toBe('anon_inode:[eventpoll]')
    closeSync(fd)
  })

  it('pipe() returns a working pipe, close-on-exec by default; bad flags come back as -errno', async () => {
    const { closeSync, readFileSync, readSync, writeSync, readlinkSync } = await import('node:fs')
    const fds = native.pipe()
    if (typeof fds === 'number') throw new Error(`pipe() failed: ${fds}`)
    const [r, w] = fds
    expect(readlinkSync(`/proc/self/fd/${r}`)).toMatch(/^pipe:/)
    expect(readlinkSync(`/proc/self/fd/${w}`)).toBe(readlinkSync(`/proc/self/fd/${r}`))
    // FD_CLOEXEC shows in the 'flags' line of fdinfo: O_CLOEXEC is 02000000.
    const flags = (fd: number): number => parseInt(/flags:\s+(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8)
    expect(flags(r) & 0o2000000).toBe(0o2000000)
    expect(writeSync(w, Buffer.from('through'))).toBe(7)
    const buf = Buffer.alloc(16)
    expect(buf.toString('utf8', 0, readSync(r, buf))).toBe('through')
    closeSync(r)
    closeSync(w)
    const plain = native.pipe(0) as [number, number]
    expect(flags(plain[0]) & 0o2000000).toBe(0)
    plain.forEach((fd) => closeSync(fd))
    expect(native.pipe(0x40000000)).toBe(-22)
  })

  it('credentials() reads the ids and groups /proc/self/status shows; a short array gets the ids and the length it needs', async () => {
    const { readFileSync } = await import('node:fs')
    const { spawnSync } = await import('node:child_process')
    const status = readFileSync('/proc/self/status', 'utf8')
    const line = (name: string): number[] => new RegExp(`^${name}:(.*)$`, 'm').exec(status)![1].trim().split(/\s+/).filter(Boolean).map(Number)
    const words = new Uint32Array(64)
    const used = native.credentials(words)
    const groups = line('Groups')
    expect(used).toBe(7 + groups.length)
    // Uid:/Gid: are real, effective, saved and filesystem ids.
    expect([...words.subarray(0, 7)]).toEqual([...line('Uid').slice(0, 3), ...line('Gid').slice(0, 3), groups.length])
    expect([...words.subarray(7, used)]).toEqual(groups)
    expect(native.credentials(new Uint32Array(6))).toBe(-22)
    expect(native.credentials(new Int32Array(8) as unknown as Uint32Array)).toBe(-22)
    if (process.getuid!() !== 0) {
      console.warn('credentials() with supplementary groups: skipped; it needs root, to set them in a child process')
      return
    }
    // A child with three groups: 7 words are room for the ids only.
    const script = `process.setgroups([5, 6, 7]); const n = require(${JSON.stringify(join(__dirname, '..'))});
      const short = new Uint32Array(7), long = new Uint32Array(10);
      console.log(JSON.stringify([n.credentials(short), [...short], n.credentials(long), [...long]]))`
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    expect(child.stderr).toBe('')
    const [shortUsed, short, longUsed, long] = JSON.parse(child.stdout) as [number, number[], number, number[]]
    expect(shortUsed).toBe(10)
    expect(short).toEqual([...words.subarray(0, 6), 3])
    expect(longUsed).toBe(10)
    expect(long).toEqual([...words.subarray(0, 6), 3, 5, 6, 7])
  })

  it('setPipeSize() sets a pipe\'s capacity (F_SETPIPE_SZ) and reports it; -errno for what is not a pipe', async () => {
    const { closeSync, openSync } = await import('node:fs')
    const [r, w] = native.pipe() as [number, number]
    expect(native.setPipeSize(w, 256 * 1024)).toBe(256 * 1024)
    // Rounded up to a power-of-two number of pages.
    expect(native.setPipeSize(r, 100000)).toBe(128 * 1024)
    closeSync(r)
    closeSync(w)
    const file = openSync(process.execPath, 'r')
    expect(native.setPipeSize(file, 65536)).toBe(-9) // EBADF: not a pipe
    closeSync(file)
    expect(native.setPipeSize(987654, 65536)).toBe(-9)
  })

  it('wrong argument types throw synchronously', () => {
    expect(() => native.setup(null as never, () => {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => native.setup({}, null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })
})
