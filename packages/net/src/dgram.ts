// UdpSocket: node:dgram's Socket on io_uring. Receiving is one multishot
// recvmsg into a buffer ring the ring's UDP sockets share; each send() is one
// IORING_OP_SENDMSG, so the datagrams of a tick reach the kernel in one
// io_uring_enter.
import { EventEmitter } from 'node:events'
import { fstatSync } from 'node:fs'
import { isIP } from 'node:net'
import { isatty } from 'node:tty'
import { lookup as dnsLookup } from 'node:dns'
import type { IoUring, Operations } from '@iouring/core'
import type { BufferRing } from '@iouring/buffers'
import * as native from '@iouring/native'
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IORING_CQE_F_BUFFER,
  IORING_CQE_F_MORE,
  IORING_OP_CLOSE,
  IPPROTO_IPV6,
  MSGHDR_SIZE,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SO_TYPE,
  prepClose,
  prepConnect,
  prepRecvmsgMultishot,
  prepSendmsg,
  setBufferSelect,
  writeMsghdr,
} from '@iouring/ops'
import { localAddress, peerAddress, sockaddrOf, type AddressInfo } from './address.js'
import { validateFunction, validatePort, validateSignal } from './args.js'
import { ringOf } from './context.js'
import { requireDatagramKernel } from './fallback.js'
import { closeQuietly, setIntOption } from './system.js'
import { codedError, errnoException, exceptionWithHostPort, invalidArgType, ringDisposed } from './errors.js'
import { NAME_ROOM, datagramGroup, payloadOf, senderOf, type RemoteInfo } from './dgram-receive.js'
import { Destinations, encodeSendHeader, sendHeaders, sendRequest, type SendCallback } from './dgram-send.js'
import * as options from './dgram-options.js'

/** The address family of a UDP socket: 'udp4' (IPv4) or 'udp6' (IPv6). */
export type UdpSocketType = 'udp4' | 'udp6'

/** A lookup function as node:dgram's `lookup` option takes it: called with the host name and the socket's family (4 or 6). */
export type DgramLookupFunction = (hostname: string, family: number, callback: (err: NodeJS.ErrnoException | null, address: string, family?: number) => void) => void

/** Options of createSocket(), as node:dgram's, plus the ring to use. */
export interface UdpSocketOptions {
  /** The socket's family: 'udp4' or 'udp6'. */
  type: UdpSocketType
  /** SO_REUSEADDR: bind() succeeds on an address another socket with it is bound to. */
  reuseAddr?: boolean
  /** SO_REUSEPORT: sockets bound to one address share the datagrams sent to it. */
  reusePort?: boolean
  /** IPV6_V6ONLY on a 'udp6' socket: '::' takes IPv6 datagrams only. */
  ipv6Only?: boolean
  /** SO_RCVBUF, set when the socket binds. */
  recvBufferSize?: number
  /** SO_SNDBUF, set when the socket binds. */
  sendBufferSize?: number
  /** Resolves host names for bind(), connect() and send() (default: dns.lookup). */
  lookup?: DgramLookupFunction
  /** close() when aborted. */
  signal?: AbortSignal
  /** The ring whose operations carry this socket's I/O: default, this thread's defaultRing(). */
  ring?: IoUring
}

/** bind() options, as node:dgram's. */
export interface BindOptions {
  /** The port; 0 or omitted: one the system picks. */
  port?: number
  /** The address to bind to; omitted: every address of the socket's family ('0.0.0.0' or '::'). */
  address?: string
  /** Accepted for compatibility: a socket here is never shared with cluster workers. */
  exclusive?: boolean
  /** An open UDP socket to use instead of a new one. */
  fd?: number
}

export type { RemoteInfo }

const enum BindState {
  Unbound,
  Binding,
  Bound,
}

const enum ConnectState {
  Disconnected,
  Connecting,
  Connected,
}

const ECANCELED = -125
const ENOBUFS = -105
const ENOTCONN = -107

/** The msghdr every multishot receive starts from: room for the sender's address, no ancillary data. The kernel only reads it. */
const RECEIVE_MSGHDR = new DataView(new ArrayBuffer(MSGHDR_SIZE))
writeMsghdr(RECEIVE_MSGHDR, 0, { name: 0, namelen: NAME_ROOM, iov: 0, iovlen: 0, control: 0, controllen: 0, flags: 0 })
/** A sockaddr of family AF_UNSPEC: connect() to it dissolves a UDP socket's association. */
const UNSPECIFIED = new Uint8Array(16)

/**
 * node:dgram's Socket on io_uring: bind() in each of node:dgram's forms,
 * connect()/disconnect(), send() of strings, views, slices and lists of chunks
 * (one datagram), the 'message' event with its `rinfo`, address(),
 * remoteAddress(), close(), ref()/unref(), the socket options (broadcast, TTL,
 * multicast, memberships, buffer sizes), Symbol.asyncDispose, and
 * node:dgram's events ('listening', 'connect', 'message', 'error', 'close')
 * and errors.
 *
 * A bound socket receives through one multishot recvmsg into the buffer ring
 * its ring's UDP sockets share (setDatagramBuffers()); each message is a copy
 * the listener keeps. Each send() is one sendmsg with the destination, whose
 * memory stays alive until its completion.
 */
export class UdpSocket extends EventEmitter {
  /** 'udp4' or 'udp6'. */
  readonly type: UdpSocketType
  readonly #ring: IoUring
  readonly #ops: Operations
  readonly #reuseAddr: boolean
  readonly #reusePort: boolean
  readonly #ipv6Only: boolean
  readonly #recvBufferSize: number
  readonly #sendBufferSize: number
  readonly #lookup: DgramLookupFunction | undefined
  #fd = -1
  #bindState = BindState.Unbound
  #connectState = ConnectState.Disconnected
  #closed = false
  /** What waits for a bind that waits for a host name: sends, connect, close. */
  #queue: (() => void)[] | undefined
  #closeQueued = false
  /** user_data of the armed receive, -1 when none. */
  #receive = -1
  #group: BufferRing | undefined
  #refed = true
  #sendQueueSize = 0
  #sendQueueCount = 0
  readonly #destinations: Destinations

  constructor(type: UdpSocketType | UdpSocketOptions, listener?: (message: Buffer, rinfo: RemoteInfo) => void) {
    super()
    const opts: Partial<UdpSocketOptions> = type !== null && typeof type === 'object' ? type : { type }
    if (opts.lookup !== undefined) validateFunction(opts.lookup, 'lookup')
    if (opts.type !== 'udp4' && opts.type !== 'udp6') throw codedError('ERR_SOCKET_BAD_TYPE', 'Bad socket type specified. Valid types are: udp4, udp6', TypeError)
    this.type = opts.type
    this.#destinations = new Destinations(opts.type === 'udp4' ? 4 : 6)
    this.#lookup = opts.lookup
    this.#reuseAddr = opts.reuseAddr === true
    this.#reusePort = opts.reusePort === true
    this.#ipv6Only = opts.ipv6Only === true
    this.#recvBufferSize = bufferSizeOption(opts.recvBufferSize)
    this.#sendBufferSize = bufferSizeOption(opts.sendBufferSize)
    const signal = validateSignal(opts.signal)
    this.#ring = ringOf(opts.ring)
    requireDatagramKernel()
    this.#ops = this.#ring.operations
    if (typeof listener === 'function') this.on('message', listener)
    if (signal !== undefined) {
      const abort = () => {
        if (!this.#closed) this.close()
      }
      if (signal.aborted) abort()
      else {
        signal.addEventListener('abort', abort, { once: true })
        this.once('close', () => signal.removeEventListener('abort', abort))
      }
    }
  }

  // ------------------------------------------------------------ binding

  /**
   * Binds: bind([port][, address][, callback]) or bind(options[, callback]),
   * as node:dgram's. 'listening' follows (and `callback`), or 'error'
   * ("bind EADDRINUSE 127.0.0.1:1234"). Without an address, the socket takes
   * every address of its family ('0.0.0.0', or '::', which takes IPv4 too
   * unless ipv6Only). Then it receives.
   */
  bind(port?: number, address?: string, callback?: () => void): this
  bind(port?: number, callback?: () => void): this
  bind(callback?: () => void): this
  bind(options: BindOptions, callback?: () => void): this
  bind(...args: unknown[]): this {
    this.#healthCheck()
    if (this.#bindState !== BindState.Unbound) throw codedError('ERR_SOCKET_ALREADY_BOUND', 'Socket is already bound')
    const callback = args.length > 0 ? args[args.length - 1] : undefined
    const [first, second] = args
    let port: unknown
    let address: unknown
    if (first !== null && typeof first === 'object') {
      const bindOptions = first as BindOptions
      if (Number.isInteger(bindOptions.fd) && (bindOptions.fd as number) > 0 && (bindOptions.fd as number) <= 0x7fffffff) {
        this.#adopt(bindOptions.fd as number, callback)
        return this
      }
      port = bindOptions.port
      address = bindOptions.address
    } else {
      port = first
      address = typeof second === 'function' ? undefined : second
    }
    const bindPort = port === undefined || port === null || typeof port === 'function' ? 0 : validatePort(port)
    if (address !== undefined && address !== null && typeof address !== 'string') throw invalidArgType('hostname', 'of type string', address)
    this.#bindState = BindState.Binding
    if (typeof callback === 'function') this.#onceListening(callback as () => void)
    const host = (address as string | null | undefined) || (this.type === 'udp4' ? '0.0.0.0' : '::')
    this.#resolve(host, (err, ip, later) => this.#bindResolved(err, ip, bindPort, later))
    return this
  }

  /** `callback` on 'listening', forgotten on 'error', as node:dgram attaches bind()'s callback. */
  #onceListening(callback: () => void): void {
    const listening = () => {
      this.removeListener('error', failed)
      callback.call(this)
    }
    const failed = () => this.removeListener('listening', listening)
    this.once('listening', listening)
    this.once('error', failed)
  }

  /** The address to bind to is known (or could not be found): the socket is made and bound. `later`: this runs in a later callback, not in bind(). */
  #bindResolved(err: Error | null, ip: string, port: number, later: boolean): void {
    if (this.#closed) return
    let failure = err
    if (failure === null) {
      const res = this.#open(ip, port)
      if (res instanceof Error) failure = res
      else if (res < 0) failure = exceptionWithHostPort(res, 'bind', ip, port)
    }
    if (failure !== null) {
      // What waited for the bind is dropped, as node:dgram drops it; a close() still closes.
      this.#bindState = BindState.Unbound
      this.#queue = undefined
      const error = failure
      this.#emitSoon(later, () => {
        this.emit('error', error)
        if (this.#closeQueued && !this.#closed) this.close()
      })
      return
    }
    this.#listening(later)
  }

  /** socket(2), the options, bind(2): 0, -errno, or an Error when the receive buffers cannot be made. */
  #open(ip: string, port: number): number | Error {
    if (isIP(ip) !== (this.type === 'udp4' ? 4 : 6)) return options.EINVAL
    if (this.#ops.closed) return ringDisposed()
    try {
      this.#group ??= datagramGroup(this.#ring)
    } catch (err) {
      return err as Error
    }
    const fd = native.socket(this.type === 'udp4' ? AF_INET : AF_INET6, SOCK_DGRAM, 0)
    if (fd < 0) return fd
    const res = this.#configure(fd, ip, port)
    if (res < 0) {
      closeQuietly(fd)
      return res
    }
    this.#fd = fd
    return 0
  }

  #configure(fd: number, ip: string, port: number): number {
    if (this.#reuseAddr) {
      const res = setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
      if (res < 0) return res
    }
    if (this.#reusePort) {
      const res = setIntOption(fd, SOL_SOCKET, SO_REUSEPORT, 1)
      if (res < 0) return res
    }
    if (this.#ipv6Only && this.type === 'udp6') {
      const res = setIntOption(fd, IPPROTO_IPV6, options.IPV6_V6ONLY, 1)
      if (res < 0) return res
    }
    return native.bind(fd, sockaddrOf(ip, port))
  }

  /** bind({ fd }): an open UDP socket, used as it is. */
  #adopt(fd: number, callback: unknown): void {
    const kind = handleType(fd)
    if (kind !== 'UDP') throw codedError('ERR_INVALID_FD_TYPE', `Unsupported fd type: ${kind}`, TypeError)
    if (this.#ops.closed) throw ringDisposed()
    this.#group ??= datagramGroup(this.#ring)
    this.#fd = fd
    if (typeof callback === 'function') this.#onceListening(callback as () => void)
    this.#listening(false)
  }

  /** Bound: receive, set the buffer sizes asked for, and say so. */
  #listening(later: boolean): void {
    this.#bindState = BindState.Bound
    this.#startReceiving()
    if (this.#recvBufferSize > 0) options.bufferSize(this.#fd, true, this.#recvBufferSize)
    if (this.#sendBufferSize > 0) options.bufferSize(this.#fd, false, this.#sendBufferSize)
    this.#emitSoon(later, () => {
      if (this.#closed) return
      this.emit('listening')
      this.#runQueue()
    })
  }

  /** Runs `emit` now when in a later callback, else on the next tick (after the call that started it has returned). */
  #emitSoon(later: boolean, emit: () => void): void {
    if (later) emit()
    else process.nextTick(emit)
  }

  /**
   * What send(), connect() and membership changes do on a socket never bound:
   * bind it to every address of its family and any port. False when that
   * failed at once ('error' follows): what called it is dropped, as node:dgram
   * drops what waits for a bind that fails.
   */
  #bindImplicitly(): boolean {
    this.bind({ port: 0, exclusive: true }, null as unknown as () => void)
    return this.#bindState !== BindState.Unbound
  }

  #enqueue(run: () => void): void {
    ;(this.#queue ??= []).push(run)
  }

  #runQueue(): void {
    const queue = this.#queue
    this.#queue = undefined
    if (queue !== undefined) for (const run of queue) run()
  }

  /**
   * Resolves `host` as node:dgram does: with the `lookup` option or
   * dns.lookup for the socket's family. An IP address without a `lookup`
   * option is itself, at once (`later` false); a lookup answers later.
   */
  #resolve(host: string, done: (err: Error | null, ip: string, later: boolean) => void): void {
    const zone = host.indexOf('%')
    if (this.#lookup === undefined && isIP(zone < 0 ? host : host.slice(0, zone)) !== 0) return done(null, host, false)
    const lookup = this.#lookup ?? (dnsLookup as unknown as DgramLookupFunction)
    lookup(host, this.type === 'udp4' ? 4 : 6, (err, ip) => done(err, ip, true))
  }

  // ------------------------------------------------------------ receiving

  #startReceiving(): void {
    const ops = this.#ops
    const group = this.#group as BufferRing
    const at = ops.prepare()
    prepRecvmsgMultishot(ops.sqes, at, this.#fd, native.addressOf(RECEIVE_MSGHDR), 0)
    setBufferSelect(ops.sqes, at, group.groupId)
    this.#receive = ops.startCallback(at, 'recvmsg', RECEIVE_MSGHDR, this.#onReceive)
    if (!this.#refed) ops.refRequest(this.#receive, false)
  }

  readonly #onReceive = (res: number, flags: number): void => {
    let raw: Buffer | undefined
    if (flags & IORING_CQE_F_BUFFER) {
      const group = this.#group as BufferRing
      if (res >= 0 && !this.#closed) raw = group.copy(res, flags)
      else group.discard(res, flags)
    }
    // The socket's state is settled before a listener runs (and may throw).
    const error = flags & IORING_CQE_F_MORE ? undefined : this.#receiveEnded(res)
    const rinfo = raw === undefined ? undefined : senderOf(raw)
    if (rinfo !== undefined && !this.#closed) this.emit('message', payloadOf(raw as Buffer), rinfo)
    if (error !== undefined) this.emit('error', error)
  }

  /** The receive request is over: re-armed, unless the socket or its ring closed. Returns the error to report. */
  #receiveEnded(res: number): Error | undefined {
    this.#receive = -1
    if (this.#closed) {
      this.#release()
      return undefined
    }
    if (this.#ops.closed) {
      this.#closed = true
      this.#release()
      return ringDisposed()
    }
    if (res === ENOBUFS) {
      // Every buffer went back as its datagram was copied: make them the kernel's before the new request can look.
      const group = this.#group as BufferRing
      group.reportExhausted()
      group.flush()
    }
    this.#startReceiving()
    // A connected socket hears of ICMP errors (ECONNREFUSED) here, as node:dgram's does.
    return res < 0 && res !== ENOBUFS && res !== ECANCELED ? errnoException(res, 'recvmsg') : undefined
  }

  // ------------------------------------------------------------ sending

  /**
   * Sends one datagram: send(msg[, offset, length], port[, address][,
   * callback]), or without port and address on a connected socket, as
   * node:dgram's. `msg` is a string, a Buffer, TypedArray or DataView, or an
   * array of them sent together in one datagram. The address defaults to
   * '127.0.0.1' ('::1' for udp6); a socket not bound yet is bound first.
   * `callback(error, bytes)` runs when the kernel has taken the datagram; without one, a
   * failure to send goes unreported, as with node:dgram.
   */
  send(msg: string | ArrayBufferView | readonly (string | ArrayBufferView)[], port?: number, address?: string, callback?: SendCallback): void
  send(msg: string | ArrayBufferView | readonly (string | ArrayBufferView)[], port?: number, callback?: SendCallback): void
  send(msg: string | ArrayBufferView | readonly (string | ArrayBufferView)[], callback?: SendCallback): void
  send(msg: string | ArrayBufferView, offset: number, length: number, port?: number, address?: string, callback?: SendCallback): void
  send(msg: string | ArrayBufferView, offset: number, length: number, port?: number, callback?: SendCallback): void
  send(msg: string | ArrayBufferView, offset: number, length: number, callback?: SendCallback): void
  send(...args: unknown[]): void {
    const connected = this.#connectState === ConnectState.Connected
    const { list, port, address, callback } = sendRequest(connected, args)
    this.#healthCheck()
    if (this.#bindState === BindState.Unbound && !this.#bindImplicitly()) return
    if (list.length === 0) list.push(Buffer.alloc(0))
    if (this.#bindState !== BindState.Bound) return this.#enqueue(() => this.#sendTo(list, port, address, callback))
    this.#sendTo(list, port, address, callback)
  }

  /** Finds the destination (none: the connected peer), then sends. */
  #sendTo(list: ArrayBufferView[], port: number | undefined, address: string | undefined, callback: SendCallback | undefined): void {
    if (port === undefined) return this.#transmit(list, undefined, port, address, callback)
    const host = address || (this.type === 'udp4' ? '127.0.0.1' : '::1')
    // An address sent to before needs no lookup (without a `lookup` option, an IP address is itself).
    const known = this.#lookup === undefined ? this.#destinations.get(host, port) : undefined
    if (known !== undefined) return this.#transmit(list, known, port, address, callback)
    this.#resolve(host, (err, ip) => {
      const to = err === null ? this.#destinations.get(ip, port) : undefined
      // An address of the other family: EINVAL, as libuv's.
      const error = err ?? (to === undefined ? exceptionWithHostPort(options.EINVAL, 'send', address, port) : undefined)
      if (error === undefined) return this.#transmit(list, to, port, address, callback)
      if (callback !== undefined) process.nextTick(callback, error)
      else if (err !== null) process.nextTick(() => this.emit('error', err))
    })
  }

  #transmit(list: ArrayBufferView[], to: Uint8Array | undefined, port: number | undefined, address: string | undefined, callback: SendCallback | undefined): void {
    if (this.#closed) return
    const ops = this.#ops
    if (ops.closed) {
      if (callback !== undefined) process.nextTick(callback, ringDisposed())
      return
    }
    const headers = sendHeaders(this.#ring)
    const slot = headers.acquire(list.length)
    const block = slot < 0 ? encodeSendHeader(list, to) : undefined
    const msghdr = block === undefined ? headers.write(slot, list, to) : native.addressOf(block)
    let bytes = 0
    for (const chunk of list) bytes += chunk.byteLength
    const at = ops.prepare()
    prepSendmsg(ops.sqes, at, this.#fd, msghdr, 0)
    ops.startCallback(at, 'send', [list, to, block], (res) => {
      if (slot >= 0) headers.release(slot)
      this.#sendQueueSize -= bytes
      this.#sendQueueCount--
      if (callback === undefined) return
      if (res >= 0) callback(null, res)
      else callback(res === ECANCELED && ops.closed ? ringDisposed() : exceptionWithHostPort(res, 'send', address, port))
    })
    this.#sendQueueSize += bytes
    this.#sendQueueCount++
  }

  /** Bytes of the datagrams sent and not yet taken by the kernel. */
  getSendQueueSize(): number {
    return this.#sendQueueSize
  }

  /** Datagrams sent and not yet taken by the kernel. */
  getSendQueueCount(): number {
    return this.#sendQueueCount
  }

  // ------------------------------------------------------------ connecting

  /**
   * Associates the socket with one peer: send() then takes no address, and
   * only that peer's datagrams arrive. 'connect' follows (and `callback`), or
   * the error goes to `callback`, else to 'error'. A socket not bound yet is
   * bound first.
   */
  connect(port: number, address?: string, callback?: () => void): void
  connect(port: number, callback: () => void): void
  connect(port: unknown, address?: unknown, callback?: unknown): void {
    const peerPort = validatePort(port, 'Port', false)
    if (typeof address === 'function') [callback, address] = [address, '']
    else if (address === undefined) address = ''
    if (typeof address !== 'string') throw invalidArgType('address', 'of type string', address)
    this.#healthCheck()
    if (this.#connectState !== ConnectState.Disconnected) throw codedError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected')
    if (this.#bindState === BindState.Unbound && !this.#bindImplicitly()) return
    this.#connectState = ConnectState.Connecting
    const run = () => this.#connectTo(peerPort, address as string, callback as ((err?: Error) => void) | undefined)
    if (this.#bindState !== BindState.Bound) this.#enqueue(run)
    else run()
  }

  #connectTo(port: number, address: string, callback: ((err?: Error) => void) | undefined): void {
    if (callback !== undefined) this.once('connect', callback)
    const fail = (error: Error) => {
      this.#connectState = ConnectState.Disconnected
      if (callback === undefined) return void this.emit('error', error)
      this.removeListener('connect', callback)
      callback(error)
    }
    this.#resolve(address || (this.type === 'udp4' ? '127.0.0.1' : '::1'), (err, ip) => {
      if (this.#closed) return
      if (err !== null) return process.nextTick(fail, err)
      if (isIP(ip) !== (this.type === 'udp4' ? 4 : 6)) return process.nextTick(fail, exceptionWithHostPort(options.EINVAL, 'connect', address, port))
      const ops = this.#ops
      if (ops.closed) return process.nextTick(fail, ringDisposed())
      const peer = sockaddrOf(ip, port)
      const at = ops.prepare()
      prepConnect(ops.sqes, at, this.#fd, native.addressOf(peer), peer.byteLength)
      ops.startCallback(at, 'connect', peer, (res) => {
        if (this.#closed) return
        if (res < 0) return fail(res === ECANCELED && ops.closed ? ringDisposed() : exceptionWithHostPort(res, 'connect', address, port))
        this.#connectState = ConnectState.Connected
        this.emit('connect')
      })
    })
  }

  /**
   * Dissolves the association connect() made (a connect to AF_UNSPEC, through
   * the ring, after every send already made): send() takes addresses again at once.
   */
  disconnect(): void {
    if (this.#connectState !== ConnectState.Connected) throw codedError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected')
    this.#healthCheck()
    const ops = this.#ops
    if (ops.closed) throw ringDisposed()
    const at = ops.prepare()
    prepConnect(ops.sqes, at, this.#fd, native.addressOf(UNSPECIFIED), UNSPECIFIED.byteLength)
    ops.startCallback(at, 'connect', undefined, (res) => {
      if (res < 0 && !this.#closed && !ops.closed) this.emit('error', errnoException(res, 'connect'))
    })
    this.#connectState = ConnectState.Disconnected
  }

  // ------------------------------------------------------------ closing

  /**
   * Closes the socket: no 'message' after this. 'close' follows once the
   * receive request has ended and the descriptor is closed, when the port
   * is free again; `callback` runs then.
   */
  close(callback?: () => void): this {
    if (typeof callback === 'function') this.on('close', callback)
    if (this.#queue !== undefined) {
      this.#closeQueued = true
      this.#queue.push(() => this.close())
      return this
    }
    this.#healthCheck()
    this.#closed = true
    // The receive request holds the socket: it goes when the request has ended
    // (a disposed ring ends it itself).
    if (this.#receive < 0) this.#release()
    else if (!this.#ops.closed) this.#ops.cancel(this.#receive)
    return this
  }

  /** The receive request has ended after close(): the descriptor goes, then 'close'. */
  #release(): void {
    const fd = this.#fd
    this.#fd = -1
    const ops = this.#ops
    if (fd >= 0 && !ops.closed && ops.supports(IORING_OP_CLOSE)) {
      // Through the ring, after the sends prepared before it: they hold the socket by then.
      const at = ops.prepare()
      prepClose(ops.sqes, at, fd)
      ops.startCallback(at, 'close', undefined, () => this.emit('close'))
      return
    }
    if (fd >= 0) closeQuietly(fd)
    process.nextTick(() => this.emit('close'))
  }

  /** close(), as a promise; nothing when closed already. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return
    await new Promise<void>((resolve) => this.close(resolve))
  }

  #healthCheck(): void {
    if (this.#closed) throw codedError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running')
  }

  // ------------------------------------------------------------ addresses

  /** The bound address: `{ address, family, port }`. Throws "getsockname EBADF" before bind. */
  address(): AddressInfo {
    this.#healthCheck()
    const local = this.#fd < 0 ? undefined : localAddress(this.#fd)
    if (typeof local !== 'object') throw errnoException(options.EBADF, 'getsockname')
    return local
  }

  /** The connected peer's address; ERR_SOCKET_DGRAM_NOT_CONNECTED when not connected. */
  remoteAddress(): AddressInfo {
    this.#healthCheck()
    if (this.#connectState !== ConnectState.Connected) throw codedError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected')
    const peer = peerAddress(this.#fd)
    if (typeof peer !== 'object') throw errnoException(ENOTCONN, 'getpeername')
    return peer
  }

  // ------------------------------------------------------------ options

  /** Lets the process exit while this socket waits for datagrams. */
  unref(): this {
    return this.#keepAlive(false)
  }

  /** Keeps the process alive while this socket is bound (the default). */
  ref(): this {
    return this.#keepAlive(true)
  }

  /** Whether the receive request (the one a bound socket always has) keeps the event loop alive. */
  #keepAlive(refed: boolean): this {
    this.#refed = refed
    if (this.#receive >= 0) this.#ops.refRequest(this.#receive, refed)
    return this
  }

  /** SO_BROADCAST. */
  setBroadcast(flag: boolean): void {
    this.#set('setBroadcast', options.setBroadcast(this.#openFd(), Boolean(flag)))
  }

  /** IP_TTL (IPV6_UNICAST_HOPS): 1 to 255. */
  setTTL(ttl: number): number {
    if (typeof ttl !== 'number') throw invalidArgType('ttl', 'of type number', ttl)
    this.#set('setTTL', options.setTTL(this.#openFd(), this.type === 'udp6', ttl))
    return ttl
  }

  /** IP_MULTICAST_TTL (IPV6_MULTICAST_HOPS): 0 to 255. */
  setMulticastTTL(ttl: number): number {
    if (typeof ttl !== 'number') throw invalidArgType('ttl', 'of type number', ttl)
    this.#set('setMulticastTTL', options.setMulticastTTL(this.#openFd(), this.type === 'udp6', ttl))
    return ttl
  }

  /** IP_MULTICAST_LOOP (IPV6_MULTICAST_LOOP): whether this host's own sockets hear its multicast datagrams. */
  setMulticastLoopback(flag: boolean): boolean {
    this.#set('setMulticastLoopback', options.setMulticastLoopback(this.#openFd(), this.type === 'udp6', Boolean(flag)))
    return flag
  }

  /** The interface outgoing multicast leaves by: its IPv4 address, or '::%<interface>' for IPv6. */
  setMulticastInterface(interfaceAddress: string): void {
    this.#healthCheck()
    if (typeof interfaceAddress !== 'string') throw invalidArgType('interfaceAddress', 'of type string', interfaceAddress)
    this.#set('setMulticastInterface', options.setMulticastInterface(this.#fd, interfaceAddress))
  }

  /** Joins a multicast group (IP_ADD_MEMBERSHIP / IPV6_ADD_MEMBERSHIP) on the interface with `multicastInterface` as address, or the kernel's choice. */
  addMembership(multicastAddress: string, multicastInterface?: string): void {
    this.#membership('addMembership', true, multicastAddress, multicastInterface)
  }

  /** Leaves a multicast group. */
  dropMembership(multicastAddress: string, multicastInterface?: string): void {
    this.#membership('dropMembership', false, multicastAddress, multicastInterface)
  }

  #membership(syscall: string, join: boolean, group: unknown, iface: unknown): void {
    this.#healthCheck()
    if (!group) throw codedError('ERR_MISSING_ARGS', 'The "multicastAddress" argument must be specified', TypeError)
    if (this.#bindState === BindState.Unbound) this.#bindImplicitly()
    this.#set(syscall, options.setMembership(this.#fd, join, String(group), iface === undefined || iface === null ? undefined : String(iface)))
  }

  /** Joins the source-specific group (`sourceAddress`, `groupAddress`). */
  addSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void {
    this.#sourceMembership('addSourceSpecificMembership', true, sourceAddress, groupAddress, multicastInterface)
  }

  /** Leaves the source-specific group (`sourceAddress`, `groupAddress`). */
  dropSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void {
    this.#sourceMembership('dropSourceSpecificMembership', false, sourceAddress, groupAddress, multicastInterface)
  }

  #sourceMembership(syscall: string, join: boolean, source: unknown, group: unknown, iface: unknown): void {
    this.#healthCheck()
    if (typeof source !== 'string') throw invalidArgType('sourceAddress', 'of type string', source)
    if (typeof group !== 'string') throw invalidArgType('groupAddress', 'of type string', group)
    if (this.#bindState === BindState.Unbound) this.#bindImplicitly()
    this.#set(syscall, options.setSourceMembership(this.#fd, join, source, group, iface === undefined || iface === null ? undefined : String(iface)))
  }

  /** SO_RCVBUF. */
  setRecvBufferSize(size: number): void {
    this.#bufferSize(size, true)
  }

  /** SO_SNDBUF. */
  setSendBufferSize(size: number): void {
    this.#bufferSize(size, false)
  }

  /** SO_RCVBUF as the kernel reports it (twice what was set: the kernel counts its bookkeeping). */
  getRecvBufferSize(): number {
    return this.#bufferSize(0, true)
  }

  /** SO_SNDBUF as the kernel reports it. */
  getSendBufferSize(): number {
    return this.#bufferSize(0, false)
  }

  #bufferSize(size: unknown, receive: boolean): number {
    const valid = bufferSizeOption(size)
    this.#healthCheck()
    if (valid > 0x7fffffff) throw options.bufferSizeError(options.EINVAL, receive)
    const res = options.bufferSize(this.#fd, receive, valid)
    if (res < 0) throw options.bufferSizeError(res, receive)
    return res
  }

  /** The descriptor for a socket option (-1 before bind: the kernel then says EBADF, as node:dgram does). */
  #openFd(): number {
    this.#healthCheck()
    return this.#fd
  }

  #set(syscall: string, res: number): void {
    if (res < 0) throw errnoException(res, syscall)
  }
}

/** A buffer size as node:dgram takes it: an unsigned 32-bit integer. */
function bufferSizeOption(size: unknown): number {
  if (size === undefined) return 0
  if (typeof size !== 'number' || size >>> 0 !== size) throw codedError('ERR_SOCKET_BAD_BUFFER_SIZE', 'Buffer size must be a positive integer', TypeError)
  return size
}

/** What kind of handle `fd` is, in node's words (libuv's uv_guess_handle): 'UDP', 'TCP', 'PIPE', 'TTY', 'FILE' or 'UNKNOWN'. */
function handleType(fd: number): string {
  const type = new Int32Array(1)
  if (native.getsockopt(fd, SOL_SOCKET, SO_TYPE, type) >= 0) {
    const name = new Uint8Array(128)
    const family = native.getsockname(fd, name) < 0 ? -1 : name[0] | (name[1] << 8)
    const ip = family === AF_INET || family === AF_INET6
    if (type[0] === SOCK_DGRAM && ip) return 'UDP'
    if (type[0] === SOCK_STREAM && ip) return 'TCP'
    if (type[0] === SOCK_STREAM && family === AF_UNIX) return 'PIPE'
    return 'UNKNOWN'
  }
  try {
    const stat = fstatSync(fd)
    if (stat.isFIFO()) return 'PIPE'
    if (isatty(fd)) return 'TTY'
    if (stat.isFile() || stat.isCharacterDevice()) return 'FILE'
  } catch {
    // Not open.
  }
  return 'UNKNOWN'
}

/** A new UDP socket, as node:dgram's createSocket(type[, listener]) or createSocket(options[, listener]). */
export function createSocket(type: UdpSocketType | UdpSocketOptions, listener?: (message: Buffer, rinfo: RemoteInfo) => void): UdpSocket {
  return new UdpSocket(type, listener)
}
