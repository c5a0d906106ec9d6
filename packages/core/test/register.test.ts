// @module-tag ring
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import * as native from '@iouring/native'
import { AT_FDCWD, IORING_FILE_INDEX_ALLOC, O_RDONLY, OPCODES, prepOpenatDirect, prepRead, setPersonality, setUserData } from '@iouring/ops'
import {
  cloneBuffers,
  enableRings,
  kernelAtLeast,
  registerBuffers,
  registerEventfd,
  registerFilesSparse,
  registerPersonality,
  registerRestrictions,
  registrations,
  setFileAllocRange,
  syncCancel,
  unregisterBuffers,
  unregisterEventfd,
  updateBuffers,
} from '@iouring/register'
import { skipUnless } from '@iouring/tooling/skip'
import { emptyPipe, needsRegisterOp, tempDir } from './helpers.js'

let dir: string
let cleanup: () => void
const rings: IoUring[] = []
const fds: number[] = []

function ring(options: ConstructorParameters<typeof IoUring>[0] = { entries: 16 }): IoUring {
  const r = new IoUring(options)
  rings.push(r)
  return r
}

function fileWith(name: string, text: string): number {
  writeFileSync(join(dir, name), text)
  const fd = openSync(join(dir, name), 'r')
  fds.push(fd)
  return fd
}

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})

afterEach(async () => {
  for (const r of rings.splice(0)) await r.dispose()
  for (const fd of fds.splice(0)) closeSync(fd)
  cleanup()
})

describe('@iouring/register on an IoUring', () => {
  it("ring.probe() is @iouring/register's probe, and unsupported opcodes are refused by it", () => {
    const r = ring()
    const probe = r.probe() as ReturnType<IoUring['probe']> & { opcodes: readonly string[] }
    expect(probe.supports('READ_FIXED')).toBe(true)
    expect(probe.opcodes).toEqual(OPCODES.filter((op) => probe.supports(op.value)).map((op) => op.name))
    expect(r.features.has('NODROP')).toBe(true)
  })

  it('an eventfd becomes readable when a promise operation completes', async () => {
    const r = ring()
    const efd = native.eventfd(0, native.EFD.NONBLOCK | native.EFD.CLOEXEC)
    fds.push(efd)
    registerEventfd(r, efd)
    expect(() => readSync(efd, Buffer.alloc(8))).toThrow(expect.objectContaining({ code: 'EAGAIN' }))
    await r.nop()
    const counter = Buffer.alloc(8)
    expect(readSync(efd, counter)).toBe(8)
    expect(counter.readBigUInt64LE()).toBeGreaterThanOrEqual(1n)
    unregisterEventfd(r)
  })

  it('restrictions: a disabled ring with an allow-list, enabled, fails a forbidden opcode with EACCES', async () => {
    const r = ring({ entries: 8, setup: ['R_DISABLED'] })
    expect(r.params.setup).toContain('R_DISABLED')
    const fd = fileWith('data', 'allowed')
    registerRestrictions(r, { sqeOps: ['NOP', 'READ'], registerOps: ['REGISTER_PROBE'] })
    enableRings(r)
    expect(await r.nop()).toBe(0)
    const buf = Buffer.alloc(7)
    expect(await r.read(fd, buf, 0)).toBe(7)
    expect(buf.toString()).toBe('allowed')
    await expect(r.write(fd, buf, 0)).rejects.toMatchObject({ code: 'EACCES', errno: -13, syscall: 'write' })
    await expect(r.fsync(fd)).rejects.toMatchObject({ code: 'EACCES', syscall: 'fsync' })
    expect(() => registerBuffers(r, [buf])).toThrow(expect.objectContaining({ code: 'EACCES', opcode: 'REGISTER_BUFFERS' }))
  })

  it('a personality id is returned and usable in an SQE: reads still work', () => {
    const r = ring()
    const fd = fileWith('data', 'personal')
    const id = registerPersonality(r)
    expect(id).toBeGreaterThan(0)
    const buf = Buffer.alloc(8)
    const at = r.getSqe()
    prepRead(r.sqes, at, fd, native.addressOf(buf), 8, 0)
    setPersonality(r.sqes, at, id)
    setUserData(r.sqes, at, 77)
    r.submitAndWait(1)
    const cqes: [number, number][] = []
    r.forEachCqe((userData, res) => cqes.push([userData, res]))
    expect(cqes).toEqual([[77, 8]])
    expect(buf.toString()).toBe('personal')
  })

  it('syncCancel() cancels a pending FIFO read: its promise rejects with ECANCELED', async (ctx) => {
    needsRegisterOp(ctx, 'REGISTER_SYNC_CANCEL')
    const r = ring()
    const pipe = emptyPipe(dir)
    fds.push(pipe)
    const pending = r.read(pipe, Buffer.alloc(4))
    r.submit()
    expect(syncCancel(r, { fd: pipe }, 1000)).toBe(0)
    await expect(pending).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'read' })
    expect(r.pending).toBe(0)
  })

  it('cloneBuffers(): a second ring reads into the first ring\'s registered buffers', async (ctx) => {
    if (!kernelAtLeast('6.12')) {
      console.warn('cloneBuffers: skipped; IORING_REGISTER_CLONE_BUFFERS needs Linux 6.12')
      return ctx.skip()
    }
    const src = ring()
    const dst = ring()
    const fd = fileWith('data', 'shared pages')
    const buf = Buffer.alloc(12)
    registerBuffers(src, [buf])
    cloneBuffers(dst, src)
    expect(registrations(dst).buffers).toEqual([buf])
    expect(await dst.readFixed(fd, 0, 0, 12, 0)).toBe(12)
    expect(buf.toString()).toBe('shared pages')
    // Dropping the source table leaves the clone working.
    unregisterBuffers(src)
    buf.fill(0)
    expect(await dst.readFixed(fd, 0, 7, 5, 7)).toBe(5)
    expect(buf.toString('latin1', 7)).toBe('pages')
  })

  it('file alloc range: a direct open lands in the range and reads through ring.fixedFile()', async (ctx) => {
    if (!kernelAtLeast('6.0')) {
      console.warn('setFileAllocRange: skipped; IORING_REGISTER_FILE_ALLOC_RANGE needs Linux 6.0')
      return ctx.skip()
    }
    const r = ring()
    fileWith('direct', 'opened into slot 3')
    registerFilesSparse(r, 4)
    setFileAllocRange(r, 3, 1)
    const path = Buffer.from(join(dir, 'direct') + '\0')
    const at = r.getSqe()
    prepOpenatDirect(r.sqes, at, AT_FDCWD, native.addressOf(path), O_RDONLY, 0, IORING_FILE_INDEX_ALLOC)
    setUserData(r.sqes, at, 5)
    r.submitAndWait(1)
    let slot = -1
    r.forEachCqe((_userData, res) => (slot = res))
    expect(slot).toBe(3)
    const buf = Buffer.alloc(18)
    expect(await r.read(r.fixedFile(3), buf, 0)).toBe(18)
    expect(buf.toString()).toBe('opened into slot 3')
  })

  it('tag CQEs of removed buffers reach the low-level handler, not the promise operations', async (ctx) => {
    const r = ring()
    skipUnless(ctx, r.features.has('RSRC_TAGS'), 'buffer tags (IORING_FEAT_RSRC_TAGS)', '5.13')
    const seen: [number, number][] = []
    r.onCqe = (userData, res) => seen.push([userData, res])
    registerBuffers(r, [Buffer.alloc(8)], { tags: [4242] })
    // Replacing the buffer removes the tagged one. (Unregistering the table posts
    // its tags only from 6.13.) 6.1 posts the tag from a kernel worker, a little later.
    updateBuffers(r, 0, [Buffer.alloc(8)])
    while (seen.length === 0) await r.nop()
    expect(seen).toEqual([[4242, 0]])
  })
})

// As root, CAP_IPC_LOCK exempts io_uring from memlock accounting, so the
// child drops it (setpriv) and gets a small RLIMIT_MEMLOCK (prlimit).
function memlockTools(): string | undefined {
  const probe = spawnSync('setpriv', ['--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', 'prlimit', '--memlock=1048576', 'true'], { encoding: 'utf8' })
  if (probe.error !== undefined) return `setpriv/prlimit not runnable: ${probe.error.message}`
  if (probe.status !== 0) return `setpriv/prlimit failed (${probe.status}): ${probe.stderr.trim()}`
  return undefined
}

const noTools = memlockTools()

describe('RLIMIT_MEMLOCK', () => {
  if (noTools !== undefined) console.warn(`memlock test skipped: ${noTools} (util-linux setpriv and prlimit are needed)`)

  it.skipIf(noTools !== undefined)('registering more than RLIMIT_MEMLOCK allows fails clearly (ENOMEM, named) and leaves the ring usable', () => {
    const limit = 1 << 20
    const child = fileURLToPath(new URL('./fixtures/memlock-child.mjs', import.meta.url))
    const result = spawnSync(
      'setpriv',
      ['--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', 'prlimit', `--memlock=${limit}`, process.execPath, child, String(limit), join(dir, 'data')],
      { encoding: 'utf8' },
    )
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const out = JSON.parse(result.stdout.trim().split('\n').pop() as string)
    expect(out.capIpcLock).toBe(0)
    expect(out.memlock).toBe(String(limit))
    expect(out.error).toMatchObject({ code: 'ENOMEM', errno: -12, syscall: 'io_uring_register', opcode: 'REGISTER_BUFFERS' })
    expect(out.error.message).toBe(
      'ENOMEM: not enough memory, io_uring_register IORING_REGISTER_BUFFERS (registered buffers are pinned and count against RLIMIT_MEMLOCK, 1024 KiB here, unless the process has CAP_IPC_LOCK)',
    )
    expect(out).toMatchObject({ nop: 0, read: 11, text: 'still works', fixed: 5, fixedText: 'still' })
  })
})
