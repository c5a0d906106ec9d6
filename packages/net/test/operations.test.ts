// @module-tag ring
import * as nodeNet from 'node:net'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import { BufferRing, bufferGroup } from '@iouring/buffers'
import { AF_INET, AF_UNIX, IORING_OP_SEND_ZC, IORING_RECV_MULTISHOT, RECVSEND_FLAGS, SOCK_STREAM, SOL_SOCKET, SO_PASSCRED, SO_RCVBUF, SO_REUSEADDR } from '@iouring/ops'
import { availability } from '@iouring/native'
import { skipIfUnsupported, skipUnless } from '@iouring/tooling/skip'
import { SocketOperations, sockets } from '@iouring/net'
import { kernelAtLeast, registerFilesSparse, requireFlags } from '@iouring/register'
import { closed, connected, listening, readAll, tempDir } from './helpers.js'

const available = availability().available
const probeRing = available ? new IoUring({ entries: 1 }) : undefined
const zeroCopySupported = probeRing?.operations.supports(IORING_OP_SEND_ZC) === true
await probeRing?.dispose()
if (available && !zeroCopySupported) console.log("skipping sendZc: IORING_OP_SEND_ZC needs Linux 6.0 (not in this kernel's probe)")

describe('socket operations on a ring', () => {
  let ring: IoUring
  let ops: SocketOperations
  let temp: ReturnType<typeof tempDir>
  beforeEach(() => {
    ring = new IoUring({ entries: 64 })
    ops = sockets(ring)
    temp = tempDir()
  })
  afterEach(async () => {
    await ring.dispose()
    temp.cleanup()
  })

  /** A listening TCP socket on 127.0.0.1 made with the operations, and its port. */
  async function tcpListener(): Promise<{ fd: number; port: number }> {
    const fd = await ops.socket(AF_INET, SOCK_STREAM)
    await ops.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1)
    await ops.bind(fd, { address: '127.0.0.1', port: 0 })
    await ops.listen(fd, 16)
    const address = ops.getsockname(fd) as nodeNet.AddressInfo
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' })
    return { fd, port: address.port }
  }

  it('socket, bind, listen, accept, connect, send, recv, shutdown, close: bytes and addresses', async () => {
    const { fd: listener, port } = await tcpListener()
    const client = await ops.socket(AF_INET, SOCK_STREAM)
    const [accepted] = await Promise.all([ops.accept(listener), ops.connect(client, { address: '127.0.0.1', port })])
    expect(accepted.fd).toBeGreaterThan(0)
    expect(accepted.address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' })
    expect(accepted.address).toEqual(ops.getsockname(client))
    expect(ops.getpeername(accepted.fd)).toEqual(ops.getsockname(client))
    expect(await ops.send(client, Buffer.from('over the ring'))).toBe(13)
    const buffer = Buffer.alloc(64)
    expect(await ops.recv(accepted.fd, buffer)).toBe(13)
    expect(buffer.subarray(0, 13).toString()).toBe('over the ring')
    await ops.shutdown(client, 'write')
    expect(await ops.recv(accepted.fd, buffer)).toBe(0) // the peer's end
    for (const fd of [client, accepted.fd, listener]) expect(await ops.close(fd)).toBe(0)
    await expect(ops.recv(client, buffer)).rejects.toMatchObject({ code: 'EBADF', syscall: 'recv' })
  })

  it('acceptMultishot and recvMultishot (copied and lent) on a buffer ring', async (ctx) => {
    // Multishot receive (6.0) is the newest of the three (multishot accept and buffer rings: 5.19).
    skipIfUnsupported(ctx, () => requireFlags(RECVSEND_FLAGS, 'IORING_', IORING_RECV_MULTISHOT))
    const { fd: listener, port } = await tcpListener()
    const accepts = ops.acceptMultishot(listener)
    const peers = [nodeNet.connect(port, '127.0.0.1'), nodeNet.connect(port, '127.0.0.1')]
    const fds: number[] = []
    for await (const fd of accepts) {
      fds.push(fd)
      if (fds.length === 2) break
    }
    const group = new BufferRing(ring, { entries: 8, size: 4096 })
    peers[0].end('copied bytes')
    const copied: Buffer[] = []
    for await (const chunk of ops.recvMultishot(fds[0], group)) copied.push(chunk)
    expect(Buffer.concat(copied).toString()).toBe('copied bytes')
    peers[1].end('lent bytes')
    const text: string[] = []
    for await (const lease of ops.recvMultishot(fds[1], group, { take: 'lend' })) {
      text.push(lease.buffer.toString())
      lease.release()
      expect(lease.buffer.length).toBe(0) // detached: a released view cannot be read by mistake
    }
    expect(text.join('')).toBe('lent bytes')
    // The end of each stream gave its buffer back: all 8 are the kernel's again, by its own count (6.8).
    if (kernelAtLeast('6.8')) expect(group.status().ready).toBe(8)
    expect(group.stats.available).toBe(8)
    for (const fd of [...fds, listener]) closeSync(fd)
  })

  it('recvMultishot with bundle: one completion takes as many buffers as the waiting data fills, copied as one chunk or lent one lease per buffer', async (ctx) => {
    skipUnless(ctx, ring.features.has('RECVSEND_BUNDLE'), 'IORING_RECVSEND_BUNDLE (IORING_FEAT_RECVSEND_BUNDLE)', '6.10')
    const { fd: listener, port } = await tcpListener()
    const group = new BufferRing(ring, { entries: 64, size: 4096 })
    const data = randomBytes(48 * 1024 + 100)
    /** A connection whose peer has written `data` before the receive starts, then ended. */
    async function waiting(): Promise<number> {
      const [{ fd }, peer] = await Promise.all([ops.accept(listener), connected(port)])
      await new Promise<void>((resolve) => peer.end(data, resolve))
      return fd
    }

    const copied = await waiting()
    const chunks: Buffer[] = []
    for await (const chunk of ops.recvMultishot(copied, group, { bundle: true })) chunks.push(chunk)
    expect(Buffer.concat(chunks).equals(data)).toBe(true)
    // 48 KiB waited in the socket: one completion took more than one 4 KiB buffer.
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeGreaterThan(4096)

    const lent = await waiting()
    const completions: number[][] = []
    const parts: Buffer[] = []
    for await (const leases of ops.recvMultishot(lent, group, { bundle: true, take: 'lend' })) {
      completions.push(leases.map((lease) => lease.buffer.length))
      for (const lease of leases) parts.push(Buffer.from(lease.buffer))
      for (const lease of leases) lease.release()
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true)
    // Every buffer of a completion but its last is full.
    for (const lengths of completions) expect(lengths.slice(0, -1).every((length) => length === 4096)).toBe(true)
    expect(Math.max(...completions.map((lengths) => lengths.length))).toBeGreaterThan(1)

    // Every buffer went back, by the kernel's count and the group's; the end of a stream took none.
    expect([group.status().ready, group.stats.available, group.stats.lent]).toEqual([64, 64, 0])
    for (const fd of [copied, lent, listener]) closeSync(fd)
  })

  it('recvMultishot refuses bundle with legacy provided buffers and with a group that consumes buffers incrementally', async (ctx) => {
    skipUnless(ctx, ring.features.has('RECVSEND_BUNDLE'), 'IORING_RECVSEND_BUNDLE (IORING_FEAT_RECVSEND_BUNDLE)', '6.10')
    expect(() => ops.recvMultishot(0, new BufferRing(ring, { entries: 1, size: 1 }), { bundle: 'yes' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    const legacy = await bufferGroup(ring, { entries: 4, size: 1024, legacy: true })
    expect(() => ops.recvMultishot(0, legacy, { bundle: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('needs a BufferRing') }))
    const incremental = skipIfUnsupported(ctx, () => new BufferRing(ring, { entries: 4, size: 1024, incremental: true }))
    expect(() => ops.recvMultishot(0, incremental, { bundle: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('incrementally') }))
    expect(ring.pending).toBe(0)
  })

  it('accept and acceptMultishot with direct: connections land in the registered file table', async (ctx) => {
    skipIfUnsupported(ctx, () => registerFilesSparse(ring, 4))
    const { fd: listener, port } = await tcpListener()
    const peers: nodeNet.Socket[] = []
    const [accepted] = await Promise.all([ops.accept(listener, { direct: true }), peers.push(nodeNet.connect(port, '127.0.0.1'))])
    expect(accepted).toMatchObject({ fd: 0, address: { address: '127.0.0.1', family: 'IPv4' } })
    const slots: number[] = []
    const accepts = ops.acceptMultishot(listener, { direct: true })
    peers.push(nodeNet.connect(port, '127.0.0.1'), nodeNet.connect(port, '127.0.0.1'))
    for await (const slot of accepts) {
      slots.push(slot)
      if (slots.length === 2) break
    }
    expect(slots.sort()).toEqual([1, 2])
    // Each slot is the accepted connection: bytes sent through it reach the peers, in turn.
    for (const slot of [accepted.fd, ...slots]) {
      expect(await ring.write(ring.fixedFile(slot), Buffer.from(`slot ${slot}`))).toBe(6)
      expect(await ring.closeDirect(slot)).toBe(0)
    }
    const received = await Promise.all(peers.map((peer) => readAll(peer)))
    expect(received.map((data) => data.toString()).sort()).toEqual(['slot 0', 'slot 1', 'slot 2'])
    closeSync(listener)
  })

  it('passes an open fd over a Unix socket (SCM_RIGHTS)', async () => {
    const file = join(temp.dir, 'passed.txt')
    writeFileSync(file, 'what the receiver reads through the passed fd')
    const path = join(temp.dir, 'pass.sock')
    const listener = await ops.socket(AF_UNIX, SOCK_STREAM)
    await ops.bind(listener, { path })
    await ops.listen(listener)
    const sender = await ops.socket(AF_UNIX, SOCK_STREAM)
    const [{ fd: receiver }] = await Promise.all([ops.accept(listener), ops.connect(sender, { path })])
    const passed = openSync(file, 'r')
    expect(await ops.sendmsg(sender, { buffers: [Buffer.from('fd')], control: [{ kind: 'rights', fds: [passed] }] })).toBe(2)
    closeSync(passed)
    const message = await ops.recvmsg(receiver, [Buffer.alloc(8)], { controlLength: 64 })
    expect(message.bytes).toBe(2)
    const rights = message.control.find((entry) => entry.kind === 'rights')
    expect(rights).toBeDefined()
    const [fd] = (rights as { fds: number[] }).fds
    expect(readFileSync(fd, 'utf8')).toBe('what the receiver reads through the passed fd')
    for (const f of [fd, sender, receiver, listener]) closeSync(f)
  })

  it('passes the sender\'s credentials over a Unix socket (SCM_CREDENTIALS, with SO_PASSCRED on the receiver)', async () => {
    const path = join(temp.dir, 'cred.sock')
    const listener = await ops.socket(AF_UNIX, SOCK_STREAM)
    await ops.bind(listener, { path })
    await ops.listen(listener)
    const sender = await ops.socket(AF_UNIX, SOCK_STREAM)
    const [{ fd: receiver }] = await Promise.all([ops.accept(listener), ops.connect(sender, { path })])
    await ops.setsockopt(receiver, SOL_SOCKET, SO_PASSCRED, 1)
    const me = { pid: process.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }
    await ops.sendmsg(sender, { buffers: [Buffer.from('c')], control: [{ kind: 'credentials', ...me }] })
    const message = await ops.recvmsg(receiver, [Buffer.alloc(1)], { controlLength: 64 })
    expect(message.control).toEqual([{ kind: 'credentials', ...me }])
    for (const f of [sender, receiver, listener]) closeSync(f)
  })

  it.skipIf(!zeroCopySupported)('sendZc keeps its buffer until the notification and resolves to the bytes sent', async () => {
    const server = nodeNet.createServer()
    const port = await listening(server)
    const received = new Promise<Buffer>((resolve) =>
      server.once('connection', (socket) => {
        const chunks: Buffer[] = []
        socket.on('data', (chunk) => chunks.push(chunk))
        socket.on('end', () => resolve(Buffer.concat(chunks)))
      }),
    )
    const fd = await ops.socket(AF_INET, SOCK_STREAM)
    await ops.connect(fd, { address: '127.0.0.1', port })
    const data = Buffer.alloc(1024 * 1024, 0x61)
    const sent = ops.sendZc(fd, data)
    globalThis.gc?.()
    expect(await sent).toBe(data.length)
    await ops.shutdown(fd, 'write')
    expect((await received).equals(data)).toBe(true)
    closeSync(fd)
    await closed(server)
  })

  it('socket options through the ring, and a clear error for a bad fd', async () => {
    const fd = await ops.socket(AF_INET, SOCK_STREAM)
    await ops.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 65536)
    expect(await ops.getsockopt(fd, SOL_SOCKET, SO_RCVBUF)).toBe(2 * 65536) // the kernel doubles it (socket(7))
    await expect(ops.getsockopt(12345, SOL_SOCKET, SO_RCVBUF)).rejects.toMatchObject({ code: 'EBADF' })
    closeSync(fd)
  })

  it('an accept with a signal or a timeout', async () => {
    const { fd: listener } = await tcpListener()
    const controller = new AbortController()
    const pending = ops.accept(listener, { signal: controller.signal })
    controller.abort('no one came')
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', cause: 'no one came' })
    await expect(ops.accept(listener, { timeout: 20 })).rejects.toMatchObject({ code: 'ETIMEDOUT', syscall: 'accept' })
    closeSync(listener)
  })
})
