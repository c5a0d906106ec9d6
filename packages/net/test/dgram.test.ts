// @module-tag ring
import dgram from 'node:dgram'
import { once } from 'node:events'
import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { IoUring } from '@iouring/core'
import * as native from '@iouring/native'
import { IPPROTO_IP, IPPROTO_IPV6, SOL_SOCKET } from '@iouring/ops'
import { kernelAtLeast } from '@iouring/register'
import { createSocket, setDatagramBuffers, type RemoteInfo, type UdpSocket } from '@iouring/net'
import { shape } from './helpers.js'

type Family = 'udp4' | 'udp6'
/** A socket of either implementation, typed as node:dgram's: the tests call both the same way. */
type AnySocket = dgram.Socket
type Make = (type: Family | dgram.SocketOptions) => AnySocket
/** What the helpers need of a socket of either implementation. */
type Endpoint = NodeJS.EventEmitter & {
  bind(port?: number, address?: string): unknown
  address(): { address: string; family: string; port: number }
  close(callback?: () => void): unknown
}

const HOST = { udp4: '127.0.0.1', udp6: '::1' } as const
const implementations: [string, Make][] = [
  ['node:dgram', (type) => dgram.createSocket(type as dgram.SocketOptions)],
  ['@iouring/net', (type) => createSocket(type as Family) as unknown as AnySocket],
]

// A multishot recvmsg, which the UDP socket receives with, is Linux 6.0.
const MULTISHOT_RECVMSG = kernelAtLeast('6.0')
if (!MULTISHOT_RECVMSG) console.log('UDP tests skipped: the UDP socket receives with multishot IORING_OP_RECVMSG, which needs Linux 6.0 or newer')

// Every socket a test makes, closed after it.
const open = new Set<Endpoint>()
function track<T extends Endpoint>(socket: T): T {
  open.add(socket)
  socket.once('close', () => open.delete(socket))
  return socket
}
afterEach(async () => {
  await Promise.all([...open].map((socket) => new Promise((resolve) => {
    try {
      socket.close(() => resolve(undefined))
    } catch {
      resolve(undefined) // closed already, by its ring
    }
  })))
})

function udp(type: Family | Parameters<typeof createSocket>[0], listener?: (message: Buffer, rinfo: RemoteInfo) => void): UdpSocket {
  return track(createSocket(type, listener))
}

/** Binds `socket` (to `host`, or every address) and resolves to its port. */
async function bound(socket: Endpoint, host?: string, port = 0): Promise<number> {
  socket.bind(port, host)
  await once(socket, 'listening')
  return socket.address().port
}

function closed(socket: Endpoint): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()))
}

/** The error `run` throws, in the fields node sets. */
function thrown(run: () => unknown): Record<string, unknown> {
  try {
    run()
  } catch (err) {
    return shape(err)
  }
  throw new Error('did not throw')
}

/** The next datagram `socket` receives. */
async function nextMessage(socket: Endpoint): Promise<[Buffer, RemoteInfo]> {
  const [message, rinfo] = await once(socket, 'message')
  return [message as Buffer, rinfo as RemoteInfo]
}

/** Datagrams the kernel dropped on the socket bound to `port` (/proc/net/udp's `drops` column): its receive buffer was full. */
function kernelDrops(family: Family, port: number): number {
  const table = readFileSync(family === 'udp4' ? '/proc/net/udp' : '/proc/net/udp6', 'utf8').split('\n').slice(1)
  const line = table.find((row) => row.trim().split(/\s+/)[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`))
  return Number(line?.trim().split(/\s+/).at(-1) ?? NaN)
}

/** A DataView of `text`'s bytes. */
function viewOf(text: string): DataView {
  const bytes = Buffer.from(text)
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest('hex')

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: datagrams both ways', () => {
  it.each(['udp4', 'udp6'] as const)('%s: 100,000 datagrams arrive, each once, none lost', async (family) => {
    const total = 100_000
    // At most this many unanswered: far below what the receive buffer holds, so the kernel drops none.
    const window = 256
    const host = HOST[family]
    const receiver = udp({ type: family, recvBufferSize: 4 << 20 })
    const port = await bound(receiver, host)
    const sender = udp(family)
    await bound(sender, host)
    const seen = new Uint8Array(total)
    let sent = 0
    let received = 0
    let duplicates = 0
    const senders = new Set<string>()
    await new Promise<void>((resolve) => {
      const pump = () => {
        for (; sent < total && sent - received < window; sent++) {
          const datagram = Buffer.alloc(64, sent & 0xff)
          datagram.writeUInt32LE(sent, 0)
          sender.send(datagram, port, host)
        }
      }
      receiver.on('message', (message: Buffer, rinfo: RemoteInfo) => {
        const sequence = message.readUInt32LE(0)
        if (seen[sequence]) duplicates++
        seen[sequence] = 1
        senders.add(`${rinfo.address} ${rinfo.port} ${rinfo.size} ${message[63] === (sequence & 0xff)}`)
        if (++received === total) resolve()
        else pump()
      })
      pump()
    })
    expect(duplicates).toBe(0)
    expect(seen.every((bit) => bit === 1)).toBe(true)
    expect(kernelDrops(family, port)).toBe(0)
    expect([...senders]).toEqual([`${host} ${sender.address().port} 64 true`])
  })

  it.each([
    ['udp4', [0, 1, 1472, 9000, 65_507]],
    ['udp6', [0, 1, 1452, 9000, 65_527]],
  ] as const)('%s: sizes up to the largest datagram, byte for byte', async (family, sizes) => {
    const host = HOST[family]
    const receiver = udp(family)
    const port = await bound(receiver, host)
    const sender = udp(family)
    for (const size of sizes) {
      const data = randomBytes(size)
      const arrived = nextMessage(receiver)
      const [err, bytes] = await new Promise<[Error | null, number | undefined]>((resolve) => sender.send(data, port, host, (e, n) => resolve([e, n])))
      expect([err, bytes]).toEqual([null, size])
      const [message, rinfo] = await arrived
      expect(sha1(message)).toBe(sha1(data))
      expect(rinfo).toEqual({ address: host, family: family === 'udp4' ? 'IPv4' : 'IPv6', port: sender.address().port, size })
    }
  })

  it.each(['udp4', 'udp6'] as const)('%s: a datagram one byte too large fails with EMSGSIZE, as with node:dgram', async (family) => {
    const host = HOST[family]
    const receiver = udp(family)
    const port = await bound(receiver, host)
    const tooLarge = Buffer.alloc(family === 'udp4' ? 65_508 : 65_528)
    const errors = []
    for (const [, make] of implementations) {
      const sender = track(make(family))
      errors.push(await new Promise((resolve) => sender.send(tooLarge, port, host, (err) => resolve(shape(err)))))
    }
    expect(errors[1]).toEqual(errors[0])
    expect(errors[1]).toMatchObject({ code: 'EMSGSIZE', syscall: 'send', message: `send EMSGSIZE ${host}:${port}` })
  })

  it("send()'s forms, and a list of chunks sent as one datagram; rinfo as node:dgram's", async () => {
    const ours = udp('udp4')
    const port = await bound(ours, '127.0.0.1')
    const theirs = track(dgram.createSocket('udp4'))
    const theirPort = await bound(theirs, '127.0.0.1')
    const sender = udp('udp4')
    const sends: [string, (to: number, cb: (err: Error | null, bytes?: number) => void) => void][] = [
      ['hello', (to, cb) => sender.send('hello', to, '127.0.0.1', cb)],
      ['default address', (to, cb) => sender.send('default address', to, cb)],
      ['slice', (to, cb) => sender.send(Buffer.from('a slice!'), 2, 5, to, '127.0.0.1', cb)],
      ['typed', (to, cb) => sender.send(new Uint8Array(Buffer.from('typed')), to, '127.0.0.1', cb)],
      ['view', (to, cb) => sender.send(viewOf('view'), to, '127.0.0.1', cb)],
      ['one, two and three', (to, cb) => sender.send(['one, ', Buffer.from('two'), new Uint8Array(Buffer.from(' and ')), viewOf('three')], to, '127.0.0.1', cb)],
      ['', (to, cb) => sender.send([], to, '127.0.0.1', cb)],
    ]
    for (const [text, send] of sends) {
      const arrivals = Promise.all([nextMessage(ours), nextMessage(theirs)])
      const results = await Promise.all([port, theirPort].map((to) => new Promise((resolve) => send(to, (err, bytes) => resolve([err, bytes])))))
      expect(results).toEqual([[null, text.length], [null, text.length]])
      const [[message, rinfo], [theirMessage, theirRinfo]] = await arrivals
      expect(message.toString()).toBe(text)
      expect(theirMessage.toString()).toBe(text)
      expect(rinfo).toEqual(theirRinfo)
      expect(Object.keys(rinfo)).toEqual(['address', 'family', 'port', 'size'])
    }
  })

  it('a udp6 socket on :: hears IPv4 senders as IPv4-mapped addresses, as node:dgram does', async () => {
    const rinfos = []
    for (const [, make] of implementations) {
      const receiver = track(make('udp6'))
      const port = await bound(receiver, '::')
      const sender = track(dgram.createSocket('udp4'))
      await bound(sender, '127.0.0.1')
      sender.send('mapped', port, '127.0.0.1')
      const [message, rinfo] = await nextMessage(receiver)
      expect(message.toString()).toBe('mapped')
      rinfos.push({ ...rinfo, port: rinfo.port === sender.address().port })
    }
    expect(rinfos[1]).toEqual(rinfos[0])
    expect(rinfos[1]).toEqual({ address: '::ffff:127.0.0.1', family: 'IPv6', port: true, size: 6 })
  })

  it('send() binds a socket that is not bound yet, and address() then says where', async () => {
    const receiver = udp('udp4')
    const port = await bound(receiver, '127.0.0.1')
    const sender = udp('udp4')
    const listening = once(sender, 'listening')
    const sent = new Promise((resolve) => sender.send('first', port, '127.0.0.1', (err, bytes) => resolve([err, bytes])))
    const [message, rinfo] = await nextMessage(receiver)
    await listening
    expect(await sent).toEqual([null, 5])
    expect(message.toString()).toBe('first')
    expect(sender.address()).toEqual({ address: '0.0.0.0', family: 'IPv4', port: rinfo.port })
  })

  it('getSendQueueSize() and getSendQueueCount() count what the kernel has not taken yet', async () => {
    const receiver = udp('udp4')
    const port = await bound(receiver, '127.0.0.1')
    const sender = udp('udp4')
    await bound(sender, '127.0.0.1')
    const arrived = new Promise((resolve) => receiver.on('message', (message: Buffer) => message.length === 20 && resolve(undefined)))
    const done = new Promise((resolve) => sender.send(Buffer.alloc(100), port, '127.0.0.1', resolve))
    sender.send(Buffer.alloc(20), port, '127.0.0.1')
    expect([sender.getSendQueueSize(), sender.getSendQueueCount()]).toEqual([120, 2])
    await Promise.all([done, arrived])
    expect([sender.getSendQueueSize(), sender.getSendQueueCount()]).toEqual([0, 0])
  })

  it('datagrams larger than the receive buffers arrive cut, flagged rinfo.truncated (MSG_TRUNC)', async () => {
    const ring = new IoUring({ entries: 64 })
    try {
      expect(thrown(() => setDatagramBuffers(ring, { entries: 12 }))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
      expect(thrown(() => setDatagramBuffers(ring, { messageSize: -1 }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE' })
      setDatagramBuffers(ring, { entries: 8, messageSize: 1000 })
      const receiver = udp({ type: 'udp4', ring })
      const port = await bound(receiver, '127.0.0.1')
      expect(thrown(() => setDatagramBuffers(ring, { entries: 16 }))).toMatchObject({ code: 'ERR_INVALID_STATE' })
      expect(thrown(() => setDatagramBuffers(ring, { entries: 12 }))).toMatchObject({ code: 'ERR_INVALID_STATE' })
      const sender = udp('udp4')
      for (const size of [1000, 1001, 3000]) {
        const data = randomBytes(size)
        sender.send(data, port, '127.0.0.1')
        const [message, rinfo] = await nextMessage(receiver)
        expect(message.equals(data.subarray(0, 1000))).toBe(true)
        expect(rinfo.size).toBe(1000)
        expect(rinfo.truncated).toBe(size > 1000 ? true : undefined)
      }
      await closed(receiver)
    } finally {
      await ring.dispose()
    }
  })

  it('a burst far larger than the buffer ring: the receive is re-armed each time the buffers run out (ENOBUFS), and every datagram arrives', async () => {
    const ring = new IoUring({ entries: 64 })
    try {
      setDatagramBuffers(ring, { entries: 4, messageSize: 64 })
      const receiver = udp({ type: 'udp4', ring, recvBufferSize: 4 << 20 })
      const port = await bound(receiver, '127.0.0.1')
      // As many as the receive buffer holds (net.core.rmem_max caps the 4 MiB asked for; an
      // 8-byte datagram takes under 2 KiB of it), at most 2000: hundreds of times the ring.
      const total = Math.min(2000, Math.floor(receiver.getRecvBufferSize() / 2048))
      expect(total).toBeGreaterThan(100)
      const seen = new Set<number>()
      const all = new Promise<void>((resolve) => receiver.on('message', (message: Buffer) => {
        seen.add(message.readUInt32LE(0))
        if (seen.size === total) resolve()
      }))
      const sender = udp('udp4')
      await bound(sender, '127.0.0.1')
      // Sent in one turn of the event loop: they wait in the receive buffer while 4 buffers take them.
      for (let i = 0; i < total; i++) {
        const datagram = Buffer.alloc(8)
        datagram.writeUInt32LE(i, 0)
        sender.send(datagram, port, '127.0.0.1')
      }
      await all
      expect(kernelDrops('udp4', port)).toBe(0)
      await closed(receiver)
    } finally {
      await ring.dispose()
    }
  })

  it('payloads stay intact while the collector runs between sends (nothing the kernel reads is collected)', async () => {
    // Room for all 200 at once: they all go to the kernel in one io_uring_enter.
    const receiver = udp({ type: 'udp6', recvBufferSize: 4 << 20 })
    const port = await bound(receiver, '::1')
    const sender = udp('udp6')
    const expected = new Map<number, string>()
    const arrived = new Map<number, string>()
    const all = new Promise<void>((resolve) => receiver.on('message', (message: Buffer) => {
      arrived.set(message.readUInt16LE(0), sha1(message))
      if (arrived.size === 200) resolve()
    }))
    for (let i = 0; i < 200; i++) {
      // Chunks made and dropped at once: only the send keeps them.
      const chunks = [Buffer.alloc(2), randomBytes(100 + i), randomBytes(7)]
      chunks[0].writeUInt16LE(i)
      expected.set(i, sha1(Buffer.concat(chunks)))
      sender.send(chunks, port, '::1')
      if (i % 20 === 0) globalThis.gc?.()
    }
    globalThis.gc?.()
    await all
    expect(arrived).toEqual(expected)
  })
})

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: bind', () => {
  it.each(['udp4', 'udp6'] as const)("%s: every bind() form binds where node:dgram's does", async (family) => {
    const host = HOST[family]
    const forms: [string, (socket: AnySocket, done: () => void) => void][] = [
      ['bind()', (s) => s.bind()],
      ['bind(0)', (s) => s.bind(0)],
      ['bind(0, host)', (s) => s.bind(0, host)],
      ['bind(callback)', (s, done) => s.bind(done)],
      ['bind(0, callback)', (s, done) => s.bind(0, done)],
      ['bind(0, host, callback)', (s, done) => s.bind(0, host, done)],
      ['bind({ port, address, exclusive })', (s, done) => s.bind({ port: 0, address: host, exclusive: true }, done)],
      ['bind({})', (s) => s.bind({})],
    ]
    for (const [form, bind] of forms) {
      const results = []
      for (const [, make] of implementations) {
        const socket = track(make(family))
        let called = 0
        const order: string[] = []
        socket.on('listening', () => order.push('listening'))
        bind(socket, () => {
          called++
          order.push('callback')
        })
        order.push('returned')
        await once(socket, 'listening')
        const { address, family: addressFamily, port } = socket.address()
        results.push({ address, addressFamily, port: port > 0, called, order })
      }
      expect(results[1], form).toEqual(results[0])
    }
  })

  it('bind errors are emitted as node:dgram emits them: EADDRINUSE, EADDRNOTAVAIL, another family, a failed lookup', async () => {
    const holder = udp('udp4')
    const taken = await bound(holder, '127.0.0.1')
    const failingLookup = (host: string, _family: number, callback: (err: Error | null, address: string) => void) => {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host })
      process.nextTick(callback, err, '')
    }
    const cases: [Family | dgram.SocketOptions, (socket: AnySocket) => void][] = [
      ['udp4', (s) => s.bind(taken, '127.0.0.1')],
      ['udp4', (s) => s.bind({ port: taken, address: '127.0.0.1' })],
      ['udp4', (s) => s.bind(0, '192.0.2.123')],
      ['udp4', (s) => s.bind(0, '::1')],
      ['udp6', (s) => s.bind(0, '127.0.0.1')],
      [{ type: 'udp4', lookup: failingLookup as unknown as dgram.SocketOptions['lookup'] }, (s) => s.bind(0, 'nowhere.test')],
    ]
    for (const [type, bind] of cases) {
      const errors = []
      for (const [, make] of implementations) {
        const socket = track(make(type))
        const error = once(socket, 'error')
        bind(socket)
        errors.push(shape((await error)[0]))
      }
      expect(errors[1]).toEqual(errors[0])
    }
    // The message names the address and port, as node:dgram's does.
    const again = udp('udp4')
    again.bind(taken, '127.0.0.1')
    const [err] = await once(again, 'error')
    expect(shape(err)).toMatchObject({ message: `bind EADDRINUSE 127.0.0.1:${taken}`, code: 'EADDRINUSE', errno: -98, syscall: 'bind', address: '127.0.0.1', port: taken })
    // A bind that failed can be tried again.
    const port = await bound(again, '127.0.0.1')
    expect(port).toBeGreaterThan(0)
  })

  it('a host name is looked up (dns.lookup, or the lookup option with the family)', async () => {
    const viaDns = udp('udp4')
    await bound(viaDns, 'localhost')
    expect(viaDns.address().address).toBe('127.0.0.1')
    const asked: [string, number][] = []
    const custom = udp({
      type: 'udp6',
      lookup: (host, family, callback) => {
        asked.push([host, family])
        process.nextTick(callback, null, '::1', 6)
      },
    })
    await bound(custom, 'my-host')
    expect(custom.address().address).toBe('::1')
    // send() looks its destination up too, and datagrams sent while bind() waits for the lookup go after it.
    const receiver = udp('udp6')
    const port = await bound(receiver, '::1')
    const late = udp({ type: 'udp6', lookup: (_host, _family, callback) => setImmediate(callback, null, '::1', 6) })
    late.bind(0, 'later')
    late.send('queued', port, 'peer')
    const [message] = await nextMessage(receiver)
    expect(message.toString()).toBe('queued')
    expect(asked).toEqual([['my-host', 6]])
  })

  it('throws as node:dgram throws: a bad type, lookup or signal, bound twice, a host that is not a string', () => {
    const cases: (() => unknown)[] = [
      (() => createSocket('udp5' as Family)),
      (() => createSocket({ type: 'tcp' as Family })),
      (() => createSocket({ type: 'udp4', lookup: 5 as never })),
      (() => createSocket({ type: 'udp4', signal: 5 as never })),
    ]
    const nodeCases: (() => unknown)[] = [
      (() => dgram.createSocket('udp5' as Family)),
      (() => dgram.createSocket({ type: 'tcp' as Family })),
      (() => dgram.createSocket({ type: 'udp4', lookup: 5 as never })),
      (() => dgram.createSocket({ type: 'udp4', signal: 5 as never })),
    ]
    expect(cases.map(thrown)).toEqual(nodeCases.map(thrown))
    for (const [, make] of implementations) {
      const socket = track(make('udp4'))
      socket.bind(0, '127.0.0.1')
      expect(thrown(() => socket.bind(0))).toEqual({ name: 'Error', message: 'Socket is already bound', code: 'ERR_SOCKET_ALREADY_BOUND', errno: undefined, syscall: undefined, address: undefined, port: undefined })
      expect(thrown(() => track(make('udp4')).bind(0, 5 as unknown as string))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: 'The "hostname" argument must be of type string. Received type number (5)' })
    }
    // A port out of range throws here; node:dgram hands it to libuv, which fails later or binds another port.
    expect(thrown(() => udp('udp4').bind(70_000))).toMatchObject({ code: 'ERR_SOCKET_BAD_PORT', message: 'Port should be >= 0 and < 65536. Received type number (70000).' })
  })

  it('bind({ fd }) uses an open UDP socket, and refuses other descriptors as node:dgram does', async () => {
    const holder = track(dgram.createSocket('udp4'))
    await bound(holder, '127.0.0.1')
    const fd = native.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0)
    expect(native.bind(fd, new Uint8Array([2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(0)
    const adopted = udp('udp4')
    adopted.bind({ fd })
    await once(adopted, 'listening')
    const port = adopted.address().port
    holder.send('to the adopted fd', port, '127.0.0.1')
    const [message] = await nextMessage(adopted)
    expect(message.toString()).toBe('to the adopted fd')
    const errors = implementations.map(([, make]) => thrown(() => track(make('udp4')).bind({ fd: 1_000_000 })))
    expect(errors[1]).toEqual(errors[0])
    expect(errors[1]).toMatchObject({ code: 'ERR_INVALID_FD_TYPE', message: 'Unsupported fd type: UNKNOWN' })
  })

  it('reuseAddr and reusePort let a second socket bind the same port; ipv6Only leaves IPv4 to others', async () => {
    for (const option of ['reuseAddr', 'reusePort'] as const) {
      const first = udp({ type: 'udp4', [option]: true })
      const port = await bound(first, '127.0.0.1')
      const second = udp({ type: 'udp4', [option]: true })
      expect(await bound(second, '127.0.0.1', port)).toBe(port)
    }
    const only6 = udp({ type: 'udp6', ipv6Only: true })
    const port = await bound(only6, '::')
    const v4 = udp('udp4')
    expect(await bound(v4, '0.0.0.0', port)).toBe(port)
    // Without ipv6Only, '::' takes IPv4 too: the same bind fails, as with node:dgram.
    const errors = []
    for (const [, make] of implementations) {
      const dual = track(make('udp6'))
      const dualPort = await bound(dual, '::')
      const other = track(make('udp4'))
      other.bind(dualPort, '0.0.0.0')
      const [err] = await once(other, 'error')
      errors.push({ ...shape(err), port: err.port === dualPort, message: err.message === `bind EADDRINUSE 0.0.0.0:${dualPort}` })
    }
    expect(errors[1]).toEqual(errors[0])
  })
})

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: connect and disconnect', () => {
  it('a connected socket sends without an address, hears only its peer, and disconnects; errors as node:dgram', async () => {
    const peer = udp('udp4')
    const peerPort = await bound(peer, '127.0.0.1')
    const stranger = udp('udp4')
    await bound(stranger, '127.0.0.1')
    const results = []
    for (const [name, make] of implementations) {
      const socket = track(make('udp4'))
      const events: string[] = []
      socket.on('listening', () => events.push('listening'))
      socket.on('connect', () => events.push('connect'))
      const connected = new Promise<unknown[]>((resolve) => socket.connect(peerPort, '127.0.0.1', (...args: unknown[]) => resolve(args)))
      const whileConnecting = thrown(() => socket.connect(peerPort))
      expect(await connected).toEqual([])
      const remote = socket.remoteAddress()
      const port = socket.address().port
      // send() takes no destination now (send(msg, port) takes the port for a callback, and sends).
      const refused = [thrown(() => socket.send('x', 0, 1, peerPort, '127.0.0.1')), thrown(() => socket.send('x', 0, 1, peerPort)), thrown(() => socket.connect(peerPort))]
      let arrival = nextMessage(peer)
      const sent = await new Promise((resolve) => socket.send(['conn', 'ected'], (err, bytes) => resolve([err, bytes])))
      const [message, rinfo] = await arrival
      arrival = nextMessage(peer)
      const sliced = await new Promise((resolve) => (socket as UdpSocket).send(Buffer.from('xslicex'), 1, 5, (err, bytes) => resolve([err, bytes])))
      const [slice] = await arrival
      // Only the peer's datagrams arrive: the stranger's is dropped by the kernel, the peer's next one is not.
      stranger.send(`stranger to ${name}`, port, '127.0.0.1')
      peer.send(`peer to ${name}`, port, '127.0.0.1')
      const [heard] = await nextMessage(socket)
      socket.disconnect()
      const afterDisconnect = [thrown(() => socket.remoteAddress()), thrown(() => socket.disconnect()), thrown(() => socket.send('x'))]
      // Addresses again, at once.
      socket.send('after', peerPort, '127.0.0.1')
      const [after] = await nextMessage(peer)
      results.push({ events, whileConnecting, remote, refused, sent, message: message.toString(), fromSocket: rinfo.port === port, sliced, slice: slice.toString(), heard: heard.toString().replace(name, ''), afterDisconnect, after: after.toString() })
    }
    expect(results[1]).toEqual(results[0])
    expect(results[1]).toMatchObject({ events: ['listening', 'connect'], sent: [null, 9], message: 'connected', heard: 'peer to ' })
    expect(results[1].refused[0]).toMatchObject({ code: 'ERR_SOCKET_DGRAM_IS_CONNECTED', message: 'Already connected' })
    expect(results[1].afterDisconnect[0]).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED', message: 'Not connected' })
  })

  it('a peer with nothing bound: the ICMP error arrives as "recvmsg ECONNREFUSED", as with node:dgram; receiving goes on', async () => {
    const nobody = udp('udp4')
    const port = await bound(nobody, '127.0.0.1')
    await closed(nobody)
    const errors = []
    for (const [, make] of implementations) {
      const socket = track(make('udp4'))
      await new Promise((resolve) => socket.connect(port, '127.0.0.1', () => resolve(undefined)))
      const error = once(socket, 'error')
      socket.send('anyone?')
      errors.push(shape((await error)[0]))
      // Still receiving: after a disconnect (which lets go of a port the kernel chose), a reply from elsewhere arrives.
      socket.disconnect()
      const other = udp('udp4')
      const otherPort = await bound(other, '127.0.0.1')
      socket.send('ping', otherPort, '127.0.0.1')
      const [, from] = await nextMessage(other)
      const reply = nextMessage(socket)
      other.send('still here', from.port, '127.0.0.1')
      const [message] = await reply
      expect(message.toString()).toBe('still here')
    }
    expect(errors[1]).toEqual(errors[0])
    expect(errors[1]).toMatchObject({ message: 'recvmsg ECONNREFUSED', code: 'ECONNREFUSED', errno: -111, syscall: 'recvmsg' })
  })

  it('connect() throws and fails as node:dgram does', async () => {
    // Fails for 'nowhere'; the wildcard address an implicit bind looks up resolves to itself.
    const lookup = (host: string, _family: number, callback: (err: Error | null, address: string, family?: number) => void) => {
      if (host === 'nowhere') process.nextTick(callback, Object.assign(new Error('lookup failed'), { code: 'EAI_FAIL' }), '')
      else process.nextTick(callback, null, host, 4)
    }
    const results = []
    for (const [, make] of implementations) {
      const socket = track(make('udp4'))
      const sync = [thrown(() => socket.connect(0)), thrown(() => socket.connect(70_000)), thrown(() => socket.connect(1234, 5 as unknown as string))]
      const failing = track(make({ type: 'udp4', lookup: lookup as never }))
      const viaCallback = await new Promise((resolve) => failing.connect(1234, 'nowhere', resolve as () => void))
      const viaEvent = once(failing, 'error')
      failing.connect(1234, 'nowhere')
      const wrongFamily = track(make('udp4'))
      const familyError = await new Promise((resolve) => wrongFamily.connect(1234, '::1', resolve as () => void))
      results.push({ sync, viaCallback: shape(viaCallback), viaEvent: shape((await viaEvent)[0]), familyError: shape(familyError) })
    }
    expect(results[1]).toEqual(results[0])
    expect(results[1].sync[0]).toMatchObject({ code: 'ERR_SOCKET_BAD_PORT', message: 'Port should be > 0 and < 65536. Received type number (0).' })
    expect(results[1].familyError).toMatchObject({ message: 'connect EINVAL ::1:1234', code: 'EINVAL' })
  })
})

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: send() errors as node:dgram', () => {
  it('bad arguments throw the same errors', () => {
    const calls: ((socket: AnySocket) => unknown)[] = [
      (s) => s.send('x', 0, '127.0.0.1'),
      (s) => s.send('x', 70_000, '127.0.0.1'),
      (s) => (s as UdpSocket).send('x', undefined as unknown as number),
      (s) => s.send(5 as unknown as string, 1234, '127.0.0.1'),
      (s) => s.send([5] as unknown as string[], 1234, '127.0.0.1'),
      (s) => s.send('x', 1234, 5 as unknown as string),
      (s) => s.send(Buffer.alloc(3), 4, 1, 1234, '127.0.0.1'),
      (s) => s.send(Buffer.alloc(3), 1, 3, 1234, '127.0.0.1'),
      (s) => s.setTTL('5' as unknown as number),
      (s) => s.setMulticastTTL(null as unknown as number),
      (s) => s.setMulticastInterface(5 as unknown as string),
      (s) => s.addMembership(''),
      (s) => s.addSourceSpecificMembership(5 as unknown as string, '232.1.1.1'),
      (s) => s.addSourceSpecificMembership('127.0.0.1', 5 as unknown as string),
      (s) => s.setRecvBufferSize(-1),
      (s) => s.setSendBufferSize(1.5),
      (s) => s.remoteAddress(),
      (s) => s.disconnect(),
    ]
    const [theirs, ours] = implementations.map(([, make]) => {
      const socket = track(make('udp4'))
      return calls.map((call) => thrown(() => call(socket)))
    })
    expect(ours).toEqual(theirs)
  })

  it('a view whose memory could go away under the kernel is refused before anything is sent', () => {
    const socket = udp('udp4')
    const memory = new ArrayBuffer(8)
    const detached = new Uint8Array(memory)
    structuredClone(memory, { transfer: [memory] })
    const resizable = new (ArrayBuffer as unknown as new (size: number, options: { maxByteLength: number }) => ArrayBuffer)(8, { maxByteLength: 64 })
    expect(thrown(() => socket.send(detached, 1234, '127.0.0.1'))).toMatchObject({ code: 'ERR_INVALID_STATE' })
    expect(thrown(() => socket.send(['ok', new Uint8Array(resizable)], 1234, '127.0.0.1'))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
    expect(thrown(() => socket.send(new Uint8Array(resizable), 0, 4, 1234, '127.0.0.1'))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
    expect(socket.getSendQueueCount()).toBe(0)
  })

  it('a socket never bound: the option setters fail with EBADF, as node:dgram says', () => {
    const calls: ((socket: AnySocket) => unknown)[] = [
      (s) => s.address(),
      (s) => s.setBroadcast(true),
      (s) => s.setTTL(5),
      (s) => s.setTTL(0),
      (s) => s.setMulticastTTL(5),
      (s) => s.setMulticastLoopback(true),
      (s) => s.setMulticastInterface('127.0.0.1'),
      (s) => s.getRecvBufferSize(),
      (s) => s.setSendBufferSize(4096),
    ]
    const [theirs, ours] = implementations.map(([, make]) => {
      const socket = track(make('udp4'))
      return calls.map((call) => {
        try {
          call(socket)
          return 'no error'
        } catch (err) {
          return { ...shape(err), info: (err as { info?: unknown }).info }
        }
      })
    })
    expect(ours).toEqual(theirs)
    expect(ours[0]).toMatchObject({ message: 'getsockname EBADF', code: 'EBADF', errno: -9, syscall: 'getsockname' })
    expect(ours[7]).toMatchObject({ name: 'SystemError', code: 'ERR_SOCKET_BUFFER_SIZE', message: 'Could not get or set buffer size: uv_recv_buffer_size returned EBADF (bad file descriptor)' })
  })

  it('a closed socket: ERR_SOCKET_DGRAM_NOT_RUNNING', async () => {
    const calls: ((socket: AnySocket) => unknown)[] = [
      (s) => s.close(),
      (s) => s.send('x', 1234, '127.0.0.1'),
      (s) => s.address(),
      (s) => s.bind(),
      (s) => s.remoteAddress(),
      (s) => s.setMulticastInterface('127.0.0.1'),
      (s) => s.addMembership('239.1.1.1'),
    ]
    const results = []
    for (const [, make] of implementations) {
      const socket = track(make('udp4'))
      await bound(socket, '127.0.0.1')
      await closed(socket)
      results.push(calls.map((call) => thrown(() => call(socket))))
      expect(socket.ref()).toBe(socket)
      expect(socket.unref()).toBe(socket)
    }
    expect(results[1]).toEqual(results[0])
    expect(results[1][0]).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' })
  })

  it('failures reach the callback; without one they go unreported, except a failed lookup, which is an error event', async () => {
    const receiver = udp('udp6')
    const port = await bound(receiver, '::1')
    const lookup = (host: string, _family: number, callback: (err: Error | null, address: string, family?: number) => void) => {
      if (host === 'nowhere') process.nextTick(callback, Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }), '')
      else process.nextTick(callback, null, host, 6)
    }
    const results = []
    for (const [, make] of implementations) {
      const socket = track(make({ type: 'udp6', lookup: lookup as never }))
      socket.on('error', (err) => results.push(['error event', shape(err)]))
      const wrongFamily = await new Promise((resolve) => track(make('udp6')).send('x', port, '127.0.0.1', resolve))
      const notFound = await new Promise((resolve) => socket.send('x', port, 'nowhere', resolve))
      socket.send('x', port, 'nowhere')
      // Too large, no callback: nothing is reported; the next datagram goes out.
      const plain = track(make('udp6'))
      plain.on('error', (err) => results.push(['unexpected', shape(err)]))
      plain.send(Buffer.alloc(70_000), port, '::1')
      plain.send('next', port, '::1')
      const [message] = await nextMessage(receiver)
      results.push([shape(wrongFamily), shape(notFound), message.toString()])
    }
    expect(results.slice(2)).toEqual(results.slice(0, 2))
    expect(results[1]).toEqual([{ name: 'Error', message: `send EINVAL 127.0.0.1:${port}`, code: 'EINVAL', errno: -22, syscall: 'send', address: '127.0.0.1', port }, expect.objectContaining({ code: 'ENOTFOUND' }), 'next'])
  })
})

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: socket options', () => {
  const intOption = (socket: UdpSocket, level: number, name: number) => {
    const value = new Int32Array(1)
    expect(native.getsockopt(fdOf(socket), level, name, value)).toBe(4)
    return value[0]
  }

  it('setters return and fail as node:dgram\'s, and the kernel sees the values', async () => {
    const results = []
    for (const [, make] of implementations) {
      const socket = track(make('udp4'))
      await bound(socket, '127.0.0.1')
      const returned = [socket.setTTL(64), socket.setMulticastTTL(3), socket.setMulticastLoopback(false), socket.setBroadcast(true), socket.setMulticastInterface('127.0.0.1')]
      const failures = [
        () => socket.setTTL(0),
        () => socket.setTTL(256),
        () => socket.setMulticastTTL(256),
        () => socket.setMulticastTTL(-1),
        () => socket.setMulticastInterface('nonsense'),
        () => socket.setMulticastInterface('::1'),
      ].map(thrown)
      results.push({ returned, failures })
    }
    expect(results[1]).toEqual(results[0])
    expect(results[1].failures[0]).toMatchObject({ message: 'setTTL EINVAL', code: 'EINVAL', syscall: 'setTTL' })
    const socket = udp('udp4')
    await bound(socket, '127.0.0.1')
    socket.setTTL(17)
    socket.setMulticastTTL(5)
    socket.setBroadcast(true)
    socket.setMulticastLoopback(false)
    expect([intOption(socket, IPPROTO_IP, 2), intOption(socket, IPPROTO_IP, 33), intOption(socket, SOL_SOCKET, 6), intOption(socket, IPPROTO_IP, 34)]).toEqual([17, 5, 1, 0])
    const six = udp('udp6')
    await bound(six, '::1')
    six.setTTL(9)
    six.setMulticastTTL(4)
    expect([intOption(six, IPPROTO_IPV6, 16), intOption(six, IPPROTO_IPV6, 18)]).toEqual([9, 4])
  })

  it('buffer sizes: set, get and the createSocket options, as node:dgram', async () => {
    const results = []
    for (const [, make] of implementations) {
      const socket = track(make({ type: 'udp4', recvBufferSize: 100_000, sendBufferSize: 50_000 }))
      await bound(socket, '127.0.0.1')
      const fromOptions = [socket.getRecvBufferSize(), socket.getSendBufferSize()]
      const set = [socket.setRecvBufferSize(300_000), socket.setSendBufferSize(70_000), socket.setRecvBufferSize(0)]
      results.push({ fromOptions, set, after: [socket.getRecvBufferSize(), socket.getSendBufferSize()] })
    }
    expect(results[1]).toEqual(results[0])
    expect(results[1].fromOptions).toEqual([200_000, 100_000])
  })
})

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: multicast on loopback', () => {
  it('a group joined on 127.0.0.1 hears datagrams sent to it; after leaving, it does not', async () => {
    const group = '239.255.77.1'
    const receiver = udp({ type: 'udp4', reuseAddr: true })
    const port = await bound(receiver)
    receiver.addMembership(group, '127.0.0.1')
    const sender = udp('udp4')
    await bound(sender, '127.0.0.1')
    sender.setMulticastInterface('127.0.0.1')
    expect(sender.setMulticastLoopback(true)).toBe(true)
    sender.setMulticastTTL(1)
    sender.send('to the group', port, group)
    const [message, rinfo] = await nextMessage(receiver)
    expect(message.toString()).toBe('to the group')
    expect(rinfo).toEqual({ address: '127.0.0.1', family: 'IPv4', port: sender.address().port, size: 12 })
    receiver.dropMembership(group, '127.0.0.1')
    // Sent in order through one socket: had the group datagram arrived, it would come first.
    sender.send('to the group again', port, group)
    sender.send('directly', port, '127.0.0.1')
    const [next] = await nextMessage(receiver)
    expect(next.toString()).toBe('directly')
  })

  it('a source-specific group hears its source only', async () => {
    const group = '232.7.7.7'
    const receiver = udp({ type: 'udp4', reuseAddr: true })
    const port = await bound(receiver)
    const source = udp('udp4')
    await bound(source, '127.0.0.1')
    source.setMulticastInterface('127.0.0.1')
    receiver.addSourceSpecificMembership('127.0.0.1', group, '127.0.0.1')
    source.send('from the source', port, group)
    const [message] = await nextMessage(receiver)
    expect(message.toString()).toBe('from the source')
    receiver.dropSourceSpecificMembership('127.0.0.1', group, '127.0.0.1')
    source.send('after leaving', port, group)
    source.send('directly', port, '127.0.0.1')
    const [next] = await nextMessage(receiver)
    expect(next.toString()).toBe('directly')
  })

  it('membership errors are node:dgram\'s', async () => {
    const results = []
    for (const [, make] of implementations) {
      const socket = track(make('udp4'))
      await bound(socket, '127.0.0.1')
      socket.addMembership('239.1.2.3', '127.0.0.1')
      const six = track(make('udp6'))
      await bound(six, '::1')
      results.push([
        () => socket.addMembership('239.1.2.3', '127.0.0.1'),
        () => socket.dropMembership('239.9.9.9'),
        () => socket.addMembership('1.2.3.4'),
        () => socket.addMembership('nonsense'),
        () => socket.addMembership('ff02::1'),
        () => socket.addSourceSpecificMembership('127.0.0.1', '232.1.1.1', 'nonsense'),
        () => socket.dropSourceSpecificMembership('127.0.0.1', '232.1.1.1'),
        () => six.addMembership('ff02::1:3', '::%lo'),
        () => six.dropMembership('ff02::1:3', '::%lo'),
        () => six.dropMembership('ff02::1:3', '::%lo'),
      ].map((call) => {
        try {
          return call() ?? 'ok'
        } catch (err) {
          return shape(err)
        }
      }))
    }
    expect(results[1]).toEqual(results[0])
    expect(results[1][0]).toMatchObject({ message: 'addMembership EADDRINUSE', code: 'EADDRINUSE', syscall: 'addMembership' })
    expect(results[1].slice(7)).toEqual(['ok', 'ok', expect.objectContaining({ code: 'EADDRNOTAVAIL' })])
  })
})

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: closing', () => {
  it('close() while datagrams arrive: no message after it, then close, and the port is free for node:dgram', async () => {
    const receiver = udp('udp4')
    const port = await bound(receiver, '127.0.0.1')
    const sender = udp('udp4')
    let afterClose = 0
    let closing = false
    let callbackRan = false
    const closeEvent = once(receiver, 'close')
    receiver.on('message', () => {
      if (closing) afterClose++
      else if (sender.getSendQueueCount() >= 0) {
        closing = true
        receiver.close(() => (callbackRan = true))
      }
    })
    for (let i = 0; i < 2000; i++) sender.send(Buffer.alloc(32), port, '127.0.0.1')
    await closeEvent
    expect(closing).toBe(true)
    expect(callbackRan).toBe(true)
    expect(afterClose).toBe(0)
    const next = track(dgram.createSocket('udp4'))
    expect(await bound(next, '127.0.0.1', port)).toBe(port)
  })

  it('close() while bind() waits for a lookup: closed without listening, as node:dgram', async () => {
    const results = []
    for (const [, make] of implementations) {
      const events: string[] = []
      const socket = track(make({ type: 'udp4', lookup: ((_h: string, _f: number, callback: (e: null, a: string, f: number) => void) => setImmediate(callback, null, '127.0.0.1', 4)) as never }))
      socket.on('listening', () => events.push('listening'))
      socket.bind(0, 'somewhere')
      socket.send('queued', 9, '127.0.0.1')
      socket.close(() => events.push('close callback'))
      await once(socket, 'close')
      results.push(events)
    }
    expect(results[1]).toEqual(results[0])
  })

  it('a close() queued behind a bind that fails still closes; the sends queued with it are dropped, as node:dgram drops them', async () => {
    const lookup = (_host: string, _family: number, callback: (err: Error | null, address: string) => void) => setImmediate(callback, Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }), '')
    const socket = udp({ type: 'udp4', lookup })
    let sendCallbacks = 0
    socket.bind(0, 'nowhere')
    socket.send('dropped', 1234, '127.0.0.1', () => sendCallbacks++)
    const closing = new Promise((resolve) => socket.close(() => resolve(undefined)))
    const [err] = await once(socket, 'error')
    expect(err).toMatchObject({ code: 'ENOTFOUND' })
    await closing
    expect(sendCallbacks).toBe(0)
  })

  it('close() while its ring is being disposed: one close event', async () => {
    const ring = new IoUring({ entries: 64 })
    const socket = createSocket({ type: 'udp4', ring })
    await bound(socket, '127.0.0.1')
    let closes = 0
    socket.on('close', () => closes++)
    socket.on('error', () => {})
    const disposal = ring.dispose()
    socket.close()
    await disposal
    await new Promise((resolve) => setImmediate(resolve))
    expect(closes).toBe(1)
  })

  it('an AbortSignal closes the socket, and Symbol.asyncDispose does', async () => {
    const controller = new AbortController()
    const socket = udp({ type: 'udp4', signal: controller.signal })
    await bound(socket, '127.0.0.1')
    const closing = once(socket, 'close')
    controller.abort()
    await closing
    expect(thrown(() => socket.address())).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
    const aborted = AbortSignal.abort()
    const never = udp({ type: 'udp4', signal: aborted })
    await once(never, 'close')
    expect(thrown(() => never.bind())).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
    let disposed: UdpSocket
    {
      await using scoped = udp('udp6')
      await bound(scoped, '::1')
      disposed = scoped
    }
    expect(thrown(() => disposed.address())).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
  })

  it('the ring disposed under a bound socket: ERR_IOURING_CLOSED, then close', async () => {
    const ring = new IoUring({ entries: 64 })
    const socket = createSocket({ type: 'udp4', ring })
    const port = await bound(socket, '127.0.0.1')
    const sender = udp('udp4')
    sender.send('before', port, '127.0.0.1')
    await nextMessage(socket)
    const error = once(socket, 'error')
    const closeEvent = new Promise((resolve) => socket.once('close', resolve))
    await ring.dispose()
    expect((await error)[0]).toMatchObject({ code: 'ERR_IOURING_CLOSED' })
    await closeEvent
    expect(thrown(() => socket.send('x', port, '127.0.0.1'))).toMatchObject({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
    expect(ring.closed).toBe(true)
    // Its port is free again.
    expect(await bound(track(dgram.createSocket('udp4')), '127.0.0.1', port)).toBe(port)
    // A socket made on a disposed ring cannot bind, even implicitly: the error says why, and it still closes.
    const late = createSocket({ type: 'udp4', ring })
    late.bind(0, '127.0.0.1')
    expect((await once(late, 'error'))[0]).toMatchObject({ code: 'ERR_IOURING_CLOSED' })
    for (const implicit of [() => late.connect(port, '127.0.0.1'), () => late.send('x', port, '127.0.0.1')]) {
      const error = once(late, 'error')
      implicit()
      expect((await error)[0]).toMatchObject({ code: 'ERR_IOURING_CLOSED' })
    }
    await closed(late)
  })
})

describe.skipIf(!MULTISHOT_RECVMSG)('UDP: ref and unref', () => {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const run = (module: string, unref: boolean) =>
    execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { createSocket } from '${module}'
      const socket = createSocket('udp4')
      socket.bind(0, '127.0.0.1', () => {
        ${unref ? 'socket.unref()' : ''}
        // Fires only if something else keeps the process alive.
        setTimeout(() => { console.log('kept alive'); socket.close() }, 100).unref()
      })
    `], { cwd: here, encoding: 'utf8', timeout: 20_000 }).trim()

  it('a bound socket keeps the process alive until unref(), as node:dgram', () => {
    for (const module of ['node:dgram', '@iouring/net']) {
      expect([run(module, false), run(module, true)], module).toEqual(['kept alive', ''])
    }
  })
})

/** The socket's descriptor (the class keeps it private), found by the inode /proc/net/udp gives its port. */
function fdOf(socket: UdpSocket): number {
  const { port } = socket.address()
  const inode = readFileSync(socket.type === 'udp4' ? '/proc/net/udp' : '/proc/net/udp6', 'utf8')
    .split('\n')
    .map((row) => row.trim().split(/\s+/))
    .find((fields) => fields[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`))?.[9]
  const fd = readdirSync('/proc/self/fd').map(Number).find((candidate) => {
    try {
      return readlinkSync(`/proc/self/fd/${candidate}`) === `socket:[${inode}]`
    } catch {
      return false
    }
  })
  if (fd === undefined) throw new Error(`no descriptor for port ${port}`)
  return fd
}
