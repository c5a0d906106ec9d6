// Socket: node:net's Socket on io_uring. A stream.Duplex whose reads are one
// multishot receive into the ring's shared buffer ring, and whose writes are
// sends (one in flight; what queues meanwhile goes out in one sendmsg).
import { Duplex } from 'node:stream'
import type { LookupOptions } from 'node:dns'
import type { IoUring, Operations } from '@iouring/core'
import type { BufferRing } from '@iouring/buffers'
import * as native from '@iouring/native'
import {
  IORING_CQE_F_BUFFER,
  IORING_CQE_F_MORE,
  IORING_CQE_F_NOTIF,
  IORING_OP_SENDMSG_ZC,
  IORING_OP_SEND_ZC,
  IORING_OP_CLOSE,
  IORING_OP_CONNECT,
  IORING_OP_SOCKET,
  IPPROTO_TCP,
  MSGHDR_SIZE,
  MSG_NOSIGNAL,
  SHUT_WR,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_KEEPALIVE,
  IOVEC_SIZE,
  MSGHDR_IOVLEN,
  prepClose,
  prepConnect,
  prepRecv,
  prepRecvMultishot,
  prepRecvMultishotBundle,
  prepSend,
  prepSendmsg,
  prepSendmsgZc,
  prepSendZc,
  prepSendZcFixed,
  prepSocket,
  setBufferSelect,
  writeIovec,
  writeMsghdr,
} from '@iouring/ops'
import { kernelAtLeast, registrations } from '@iouring/register'
import { getDefaultAutoSelectFamily, getDefaultAutoSelectFamilyAttemptTimeout } from 'node:net'
import { domainOf, interleaveFamilies, localAddress, peerAddress, resolve, sockaddrOf, type AddressInfo, type LookupFunction, type Resolved } from './address.js'
import { normalizeArgs, validateBoolean, validateFunction, validateHost, validateMsecs, validatePort, validateSignal } from './args.js'
import { receiveGroup, receivesBundles, ringOf } from './context.js'
import { requireStreamKernel } from './fallback.js'
import { closeQuietly, setIntOption } from './system.js'
import { abortError, codedError, errnoException, exceptionWithHostPort, ringDisposed } from './errors.js'

const ECANCELED = -125
const ENOBUFS = -105
const ENOTCONN = -107
const ETIMEDOUT = -110
const TCP_NODELAY = 1
const TCP_KEEPIDLE = 4
const SO_LINGER = 13
/** The most iovecs one sendmsg takes (IOV_MAX). */
const IOV_MAX = 1024

// Multishot receive (IORING_RECV_MULTISHOT) is Linux 6.0; before, each
// receive is re-armed after its completion.
const MULTISHOT_RECV = kernelAtLeast('6.0')

/** Options of `new Socket()`, as node:net's, plus the ring to use. */
export interface SocketConstructorOpts {
  /** An open socket fd to wrap (a connected stream socket). */
  fd?: number
  /** Keep the writable side open after the peer ends (default false). */
  allowHalfOpen?: boolean
  /** With `fd`: whether reads are allowed. */
  readable?: boolean
  /** With `fd`: whether writes are allowed. */
  writable?: boolean
  /** Destroys the socket with an AbortError when aborted. */
  signal?: AbortSignal
  /** Set TCP_NODELAY once connected. */
  noDelay?: boolean
  /** Turn on TCP keep-alive once connected. */
  keepAlive?: boolean
  /** Milliseconds of idleness before the first keep-alive probe. */
  keepAliveInitialDelay?: number
  /** The ring whose operations carry this socket's I/O: default, this thread's defaultRing(). */
  ring?: IoUring
  /**
   * Writes of at least this many bytes are zero-copy sends (IORING_OP_SEND_ZC,
   * Linux 6.0): the kernel sends from the written Buffer itself, and the
   * write's callback runs once it is done with it. 0 (the default) turns it
   * off; see the README for when it pays.
   */
  zeroCopyThreshold?: number
}

/** connect() options for TCP, as node:net's. */
export interface TcpSocketConnectOpts {
  /** The port to connect to. */
  port: number | string
  /** The host to connect to (default 'localhost'), looked up with `lookup`. */
  host?: string
  /** The local address to bind to first. */
  localAddress?: string
  /** The local port to bind to first. */
  localPort?: number
  /** The address family to look up: 4, 6, or 0 for either. */
  family?: number
  /** dns.lookup() hints. */
  hints?: number
  /** The lookup function (default dns.lookup). */
  lookup?: LookupFunction
  /** Set TCP_NODELAY once connected. */
  noDelay?: boolean
  /** Turn on TCP keep-alive once connected. */
  keepAlive?: boolean
  /** Milliseconds of idleness before the first keep-alive probe. */
  keepAliveInitialDelay?: number
  /** setTimeout(timeout) on the socket. */
  timeout?: number
  /** Destroys the socket with an AbortError when aborted. */
  signal?: AbortSignal
  /** Try every address a name resolves to, families alternating (node:net's default: net.getDefaultAutoSelectFamily()). */
  autoSelectFamily?: boolean
  /** How long each of those attempts gets before the next starts (default net.getDefaultAutoSelectFamilyAttemptTimeout(), at least 10). */
  autoSelectFamilyAttemptTimeout?: number
}

/** connect() options for a Unix socket: a path, or '\0name' in the abstract namespace. */
export interface IpcSocketConnectOpts {
  /** The socket's path, or '\0name' in the abstract namespace. */
  path: string
  /** setTimeout(timeout) on the socket. */
  timeout?: number
  /** Destroys the socket with an AbortError when aborted. */
  signal?: AbortSignal
}

/** connect() options: TCP or a Unix socket, as node:net's. */
export type SocketConnectOpts = TcpSocketConnectOpts | IpcSocketConnectOpts

type ReadyState = 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed'

/** What a Server tells a Socket it accepted. @internal */
export interface ServerLink {
  removeConnection(socket: Socket): void
}

const kServer = Symbol('server')

/**
 * node:net's Socket on io_uring: connect() (TCP with dns.lookup, or a Unix
 * path), a stream.Duplex with backpressure, half-open ends, setTimeout,
 * setNoDelay, setKeepAlive, ref/unref, addresses, and node:net's events
 * ('lookup', 'connect', 'ready', 'data', 'end', 'timeout', 'error', 'close').
 *
 * Received data arrives through one multishot receive into a buffer ring the
 * socket's ring shares among its sockets; each 'data' chunk is a copy the
 * caller keeps. A socket whose reader falls behind (paused, or slower than
 * the peer) has its receive cancelled in the kernel when data keeps arriving
 * while it holds readableHighWaterMark bytes, as node:net stops reading
 * then; it is re-armed when reading resumes. Writes are sends; writes queued while one is in flight
 * (or while corked) go out together in one sendmsg.
 */
export class Socket extends Duplex {
  /** Bytes received. */
  bytesRead = 0
  /** The Server that accepted this socket, if any. */
  server: unknown
  readonly #ring: IoUring
  readonly #ops: Operations
  #fd = -1
  #connecting = false
  /** user_data of the armed receive, -1 when none. */
  #receive = -1
  #cancelling = false
  /** The reader wants more data (Readable called _read since the last push that returned false). */
  #wanted = false
  #ended = false
  #group: BufferRing | undefined
  /** Whether receives take several buffers per completion (IORING_RECVSEND_BUNDLE). */
  #bundles: boolean | undefined
  /** Writes, shutdown and reads that wait for the connection. */
  #queued: (() => void)[] = []
  #dispatched = 0
  /** The write in flight: its chunk (or chunks, gathered), bytes of it sent, its callback. */
  #writing: Buffer | Buffer[] | undefined
  #written = 0
  #writeCallback: ((error?: Error | null) => void) | undefined
  #zeroCopyResult = 0
  /** The msghdr and iovecs of gathered writes, made at the first. */
  #gather: Gather | undefined
  /** Bytes of the write in flight not sent yet. */
  #inFlight = 0
  #refed = true
  #timer: NodeJS.Timeout | undefined
  #timeoutMs: number | undefined
  #noDelay: boolean | undefined
  #keepAlive: [boolean, number] | undefined
  /** Bytes from which a send is zero-copy; Infinity when off. */
  readonly #zeroCopyThreshold: number
  /** Whether a gathered write of that many bytes can be zero-copy too (IORING_OP_SENDMSG_ZC, 6.1). */
  readonly #zeroCopyMessages: boolean
  #attempted: string[] | undefined
  #remote: AddressInfo | string | undefined
  #local: AddressInfo | string | undefined
  [kServer]: ServerLink | undefined

  constructor(options: SocketConstructorOpts = {}) {
    if (options === null || typeof options !== 'object') throw codedError('ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object.', TypeError)
    super({ allowHalfOpen: options.allowHalfOpen === true, emitClose: true, autoDestroy: true, decodeStrings: true })
    this.#ring = ringOf(options.ring)
    requireStreamKernel()
    this.#ops = this.#ring.operations
    const threshold = validateThreshold(options.zeroCopyThreshold)
    this.#zeroCopyThreshold = threshold > 0 && this.#ops.supports(IORING_OP_SEND_ZC) ? threshold : Infinity
    this.#zeroCopyMessages = this.#ops.supports(IORING_OP_SENDMSG_ZC)
    if (options.fd !== undefined) {
      if (typeof options.fd !== 'number' || !Number.isInteger(options.fd) || options.fd < 0) throw codedError('ERR_OUT_OF_RANGE', `The value of "options.fd" is out of range. It must be >= 0 && <= 2147483647. Received ${String(options.fd)}`, RangeError)
      this.#fd = options.fd
    }
    if (options.noDelay !== undefined) this.setNoDelay(options.noDelay)
    if (options.keepAlive === true) this.setKeepAlive(true, options.keepAliveInitialDelay)
    const signal = validateSignal(options.signal)
    if (signal !== undefined) this.#watch(signal)
    if (this.#fd >= 0) this.#opened()
  }

  // ------------------------------------------------------------ connecting

  /**
   * Connects: connect(options[, listener]), connect(path[, listener]),
   * connect(port[, host][, listener]), as node:net's socket.connect().
   */
  connect(options: SocketConnectOpts, connectionListener?: () => void): this
  connect(port: number, host?: string, connectionListener?: () => void): this
  connect(path: string, connectionListener?: () => void): this
  connect(...args: unknown[]): this {
    const [options, cb] = normalizeArgs(args)
    // node:http's agents pass `path: null` for TCP: only a path that is there makes a Unix connection.
    const path = options.path ?? undefined
    if (options.port === undefined && path === undefined) {
      throw codedError('ERR_MISSING_ARGS', 'The "options" or "port" or "path" argument must be specified', TypeError)
    }
    if (this.#connecting || this.#fd >= 0) throw codedError('ERR_SOCKET_CONNECTING', 'Socket is already connecting or connected', Error)
    const signal = validateSignal(options.signal)
    if (options.timeout !== undefined) this.setTimeout(validateMsecs(options.timeout, 'options.timeout'))
    if (cb !== undefined) this.once('connect', cb)
    this.#connecting = true
    if (signal !== undefined) this.#watch(signal)
    if (path !== undefined) {
      if (typeof path !== 'string') throw codedError('ERR_INVALID_ARG_TYPE', 'The "options.path" property must be of type string.', TypeError)
      this.#connectTo({ path }, undefined, undefined, 0)
      return this
    }
    if (typeof options.port !== 'number' && typeof options.port !== 'string') {
      throw codedError('ERR_INVALID_ARG_TYPE', `The "options.port" property must be one of type number or string. Received ${options.port === null ? 'null' : typeof options.port === 'object' ? 'an instance of Object' : typeof options.port}`, TypeError)
    }
    const port = validatePort(options.port)
    const host = validateHost(options.host) ?? 'localhost'
    const localAddressOption = validateHost(options.localAddress, 'options.localAddress')
    const localPort = options.localPort === undefined ? undefined : validatePort(options.localPort, 'options.localPort')
    if (options.noDelay !== undefined) this.setNoDelay(validateBoolean(options.noDelay, 'options.noDelay'))
    if (options.keepAlive === true) this.setKeepAlive(true, options.keepAliveInitialDelay as number | undefined)
    const lookup = options.lookup as LookupFunction | undefined
    if (lookup !== undefined) validateFunction(lookup, 'options.lookup')
    const family = (options.family as number | undefined) ?? 0
    // node:net's autoSelectFamily (happy eyeballs): a name that resolves to
    // several addresses is tried address by address, families alternating,
    // the next after a failure or after autoSelectFamilyAttemptTimeout ms.
    const autoSelect = validateBoolean(options.autoSelectFamily, 'options.autoSelectFamily') ?? getDefaultAutoSelectFamily()
    const attemptTimeout = options.autoSelectFamilyAttemptTimeout === undefined ? getDefaultAutoSelectFamilyAttemptTimeout() : Math.max(10, validateMsecs(options.autoSelectFamilyAttemptTimeout, 'options.autoSelectFamilyAttemptTimeout'))
    const all = autoSelect && family === 0
    const lookupOptions: LookupOptions = { family, hints: (options.hints as number | undefined) ?? 0 }
    resolve(host, lookupOptions, lookup, all).then(
      (addresses) => {
        if (!this.#connecting) return
        const [first] = addresses
        if (lookup !== undefined || first.address !== host) this.emit('lookup', null, first.address, first.family, host)
        const local = localAddressOption === undefined && localPort === undefined ? undefined : { address: localAddressOption, port: localPort ?? 0 }
        this.#attempt(interleaveFamilies(addresses), 0, port, local, attemptTimeout)
      },
      (err: NodeJS.ErrnoException) => {
        if (!this.#connecting) return
        this.emit('lookup', err, undefined, undefined, host)
        this.destroy(err)
      },
    )
    return this
  }

  /** The addresses connect() tried, as node:net lists them ('127.0.0.1:80'), with autoSelectFamily. */
  get autoSelectFamilyAttemptedAddresses(): string[] | undefined {
    return this.#attempted
  }

  /**
   * Connects to `addresses[i]`; when that fails, or times out with more to
   * try, closes its socket and tries the next. The last failure is the
   * connect's error.
   */
  #attempt(addresses: readonly Resolved[], i: number, port: number, local: { address: string | undefined; port: number } | undefined, attemptTimeout: number): void {
    const { address, family } = addresses[i]
    const last = i === addresses.length - 1
    if (addresses.length > 1) (this.#attempted ??= []).push(`${address}:${port}`)
    const bind = local === undefined ? undefined : sockaddrOf(local.address ?? (family === 6 ? '::' : '0.0.0.0'), local.port)
    this.#connectTo(address, port, bind, last ? 0 : attemptTimeout, (errno, syscall) => {
      if (!this.#connecting) return
      if (last) return void this.destroy(exceptionWithHostPort(errno, syscall, address, port))
      if (this.#fd >= 0) closeQuietly(this.#fd)
      this.#fd = -1
      this.#attempt(addresses, i + 1, port, local, attemptTimeout)
    })
  }

  /**
   * Makes the socket and connects it: `target` is an IP address (with `port`)
   * or a Unix path. `fail(errno, syscall)` is told of a failure; with
   * `timeout`, the connect is cancelled after that many ms and fails with ETIMEDOUT.
   */
  #connectTo(target: string | { path: string }, port: number | undefined, local: Uint8Array | undefined, timeout: number, fail?: (errno: number, syscall: string) => void): void {
    const address = typeof target === 'string' ? sockaddrOf(target, port as number) : sockaddrOf(target)
    const name = typeof target === 'string' ? target : target.path
    const failed = fail ?? ((errno: number, syscall: string) => {
      if (this.#connecting) this.destroy(exceptionWithHostPort(errno, syscall, name, port))
    })
    if (this.#ops.closed) return void this.destroy(ringDisposed())
    this.#socket(domainOf(target), (fd) => {
      if (fd < 0) return failed(fd, 'socket')
      if (!this.#connecting) return closeQuietly(fd)
      this.#fd = fd
      if (this.#ops.closed) return void this.destroy(ringDisposed())
      if (local !== undefined) {
        const bound = native.bind(fd, local)
        if (bound < 0) return failed(bound, 'bind')
      }
      const ops = this.#ops
      ops.require(IORING_OP_CONNECT)
      const at = ops.prepare()
      prepConnect(ops.sqes, at, fd, native.addressOf(address), address.byteLength)
      let timedOut = false
      const request = ops.startCallback(at, 'connect', address, (res) => {
        clearTimeout(timer)
        if (res < 0) return failed(timedOut ? ETIMEDOUT : res, 'connect')
        if (!this.#connecting) return
        this.#connecting = false
        this.#opened()
        this.emit('connect')
        this.emit('ready')
        // Start receiving now, as node:net does, so that an end or a reset is seen even without a reader.
        if (!this.isPaused()) this.read(0)
      })
      const timer = timeout > 0 ? setTimeout(() => {
        timedOut = true
        ops.cancel(request)
      }, timeout) : undefined
    })
  }

  /** A new stream socket of `domain`: through the ring where the kernel has IORING_OP_SOCKET (5.19), else socket(2). */
  #socket(domain: number, done: (fd: number) => void): void {
    const ops = this.#ops
    if (!ops.supports(IORING_OP_SOCKET)) return done(native.socket(domain, SOCK_STREAM, 0))
    const at = ops.prepare()
    prepSocket(ops.sqes, at, domain, SOCK_STREAM, 0, 0)
    ops.startCallback(at, 'socket', undefined, done)
  }

  /** The socket is connected (or was given connected): options that waited, queued work, reading. */
  #opened(): void {
    if (this.#noDelay !== undefined) this.setNoDelay(this.#noDelay)
    if (this.#keepAlive !== undefined) this.setKeepAlive(...this.#keepAlive)
    this.#active()
    const queued = this.#queued
    this.#queued = []
    for (const run of queued) run()
    if (this.#wanted) this.#startReceiving()
  }

  #watch(signal: AbortSignal): void {
    const abort = () => this.destroy(abortError(signal.reason))
    if (signal.aborted) process.nextTick(abort)
    else signal.addEventListener('abort', abort, { once: true })
  }

  // ------------------------------------------------------------ reading

  override _read(): void {
    this.#wanted = true
    if (this.#fd >= 0 && !this.#connecting && this.#receive < 0 && !this.#ended) this.#startReceiving()
  }

  #startReceiving(): void {
    const ops = this.#ops
    if (ops.closed) {
      this.destroy(ringDisposed())
      return
    }
    const group = (this.#group ??= receiveGroup(this.#ring))
    this.#bundles ??= MULTISHOT_RECV && receivesBundles(this.#ring)
    const at = ops.prepare()
    if (this.#bundles) prepRecvMultishotBundle(ops.sqes, at, this.#fd, 0)
    else if (MULTISHOT_RECV) prepRecvMultishot(ops.sqes, at, this.#fd, 0, 0, 0)
    else prepRecv(ops.sqes, at, this.#fd, 0, 0, 0)
    setBufferSelect(ops.sqes, at, group.groupId)
    this.#receive = ops.startCallback(at, 'read', undefined, this.#onReceive)
    if (!this.#refed) ops.refRequest(this.#receive, false)
  }

  #stopReceiving(): void {
    if (this.#receive < 0 || this.#cancelling) return
    this.#cancelling = true
    this.#ops.cancel(this.#receive)
  }

  readonly #onReceive = (res: number, flags: number): void => {
    const group = this.#group as BufferRing
    if (res > 0) {
      const chunk = this.#bundles ? group.copyBundle(res, flags) : group.copy(res, flags)
      this.bytesRead += res
      this.#active()
      // A reader a highWaterMark behind is let be: it often catches up before
      // more arrives (a pipe's 'drain'). More data while it is still behind
      // stops the receive in the kernel, until _read asks again.
      const behind = !this.#wanted
      if (!this.push(chunk)) {
        this.#wanted = false
        if (behind && flags & IORING_CQE_F_MORE) this.#stopReceiving()
      }
    } else if (flags & IORING_CQE_F_BUFFER && !this.#bundles) group.discard(res, flags) // a bundle of no bytes took no buffer
    if (flags & IORING_CQE_F_MORE) return
    // The request is over: the peer ended, an error, a cancel, or the buffers ran out.
    this.#receive = -1
    this.#cancelling = false
    if (res === 0) {
      this.#ended = true
      this.push(null)
      // With nothing buffered, 'end' comes without a reader, as node:net's does.
      this.read(0)
      return
    }
    if (res === ECANCELED && this.#ops.closed) {
      this.destroy(ringDisposed())
      return
    }
    if (res < 0 && res !== ECANCELED) {
      if (res !== ENOBUFS) {
        this.destroy(errnoException(res, 'read'))
        return
      }
      group.reportExhausted()
    }
    if (this.#wanted && this.#fd >= 0 && !this.destroyed) this.#startReceiving()
  }

  // ------------------------------------------------------------ writing

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#connecting) {
      this.#queued.push(() => this._write(chunk, _encoding, callback))
      return
    }
    const unusable = this.#unusable()
    if (unusable !== undefined) return callback(unusable)
    this.#writing = chunk
    this.#written = 0
    this.#inFlight = chunk.byteLength
    this.#writeCallback = callback
    this.#send()
  }

  override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    if (this.#connecting) {
      this.#queued.push(() => this._writev(chunks, callback))
      return
    }
    const unusable = this.#unusable()
    if (unusable !== undefined) return callback(unusable)
    const buffers = chunks.map((entry) => entry.chunk)
    this.#writing = buffers
    this.#inFlight = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0)
    this.#writeCallback = callback
    this.#sendv(buffers)
  }

  /**
   * Sends the chunk being written from where the last send stopped. From
   * zeroCopyThreshold bytes on, a zero-copy send (IORING_OP_SEND_ZC), from a
   * registered buffer when the chunk lies in one: the chunk is kept, and the
   * write's callback runs, until the kernel's notification that it is done
   * with the memory. (stream.Writable hands over one write at a time, so its
   * state lives here, and the completion callbacks are made once.)
   */
  #send(): void {
    const chunk = this.#writing as Buffer
    const ops = this.#ops
    const at = ops.prepare()
    const address = native.addressOf(chunk) + this.#written
    const length = chunk.byteLength - this.#written
    const zeroCopy = length >= this.#zeroCopyThreshold
    if (!zeroCopy) prepSend(ops.sqes, at, this.#fd, address, length, MSG_NOSIGNAL)
    else {
      const index = registeredBuffer(this.#ring, address, length)
      if (index < 0) prepSendZc(ops.sqes, at, this.#fd, address, length, MSG_NOSIGNAL, 0)
      else prepSendZcFixed(ops.sqes, at, this.#fd, address, length, MSG_NOSIGNAL, 0, index)
    }
    ops.startCallback(at, 'write', chunk, zeroCopy ? this.#onZeroCopySent : this.#onSent)
  }

  readonly #onSent = (res: number): void => {
    if (res < 0) return this.#writeFailed(res)
    this.#sent(res)
    this.#written += res
    if (this.#written === (this.#writing as Buffer).byteLength) return this.#writeDone()
    const unusable = this.#unusable()
    if (unusable !== undefined) this.#writeFailed(unusable)
    else this.#send()
  }

  /**
   * Sends `buffers` in one sendmsg (at most IOV_MAX at a time); what a
   * partial send left goes next. The msghdr and iovecs are written into the
   * socket's gather buffer, reused by every gathered write (one is in flight
   * at a time), so a write allocates nothing for them.
   */
  #sendv(buffers: Buffer[]): void {
    const count = Math.min(buffers.length, IOV_MAX)
    const gather = count <= GATHER_IOVECS ? (this.#gather ??= newGather(GATHER_IOVECS)) : newGather(count)
    for (let i = 0; i < count; i++) writeIovec(gather.view, GATHER_IOV + i * IOVEC_SIZE, native.addressOf(buffers[i]), buffers[i].byteLength)
    gather.view.setUint32(MSGHDR_IOVLEN, count, true)
    const ops = this.#ops
    const at = ops.prepare()
    const zeroCopy = this.#inFlight >= this.#zeroCopyThreshold && this.#zeroCopyMessages
    if (zeroCopy) prepSendmsgZc(ops.sqes, at, this.#fd, gather.address, MSG_NOSIGNAL)
    else prepSendmsg(ops.sqes, at, this.#fd, gather.address, MSG_NOSIGNAL)
    this.#writing = buffers
    // The kernel reads the buffers (and, until it has copied them, the msghdr and iovecs) until the CQE.
    ops.startCallback(at, 'write', gather === this.#gather ? buffers : [buffers, gather], zeroCopy ? this.#onZeroCopySentv : this.#onSentv)
  }

  readonly #onSentv = (res: number): void => {
    if (res < 0) return this.#writeFailed(res)
    this.#sent(res)
    const rest = remainder(this.#writing as Buffer[], res)
    if (rest.length === 0) return this.#writeDone()
    const unusable = this.#unusable()
    if (unusable !== undefined) this.#writeFailed(unusable)
    else this.#sendv(rest)
  }

  // A zero-copy send's first CQE says how many bytes went (IORING_CQE_F_MORE:
  // a notification follows), the notification (IORING_CQE_F_NOTIF) that the
  // kernel no longer reads the memory: the write goes on after the last.
  readonly #onZeroCopySent = (res: number, flags: number): void => {
    if (!(flags & IORING_CQE_F_NOTIF)) this.#zeroCopyResult = res
    if (!(flags & IORING_CQE_F_MORE)) this.#onSent(this.#zeroCopyResult)
  }

  readonly #onZeroCopySentv = (res: number, flags: number): void => {
    if (!(flags & IORING_CQE_F_NOTIF)) this.#zeroCopyResult = res
    if (!(flags & IORING_CQE_F_MORE)) this.#onSentv(this.#zeroCopyResult)
  }

  #sent(bytes: number): void {
    this.#dispatched += bytes
    this.#inFlight -= bytes
    this.#active()
  }

  #writeDone(): void {
    const callback = this.#endWrite()
    callback()
  }

  #writeFailed(failure: number | Error): void {
    const callback = this.#endWrite()
    if (typeof failure === 'number') failure = failure === ECANCELED && this.#ops.closed ? ringDisposed() : errnoException(failure, 'write')
    callback(failure)
  }

  /** The write in flight is over: its callback, to call now. */
  #endWrite(): (error?: Error | null) => void {
    const callback = this.#writeCallback as (error?: Error | null) => void
    this.#writeCallback = undefined
    this.#writing = undefined
    this.#inFlight = 0
    return callback
  }

  /** Why no more I/O can start on this socket (closed, or its ring disposed), or undefined when it can. */
  #unusable(): Error | undefined {
    if (this.#ops.closed) return ringDisposed()
    if (this.#fd < 0) return codedError('ERR_SOCKET_CLOSED', 'Socket is closed', Error)
    return undefined
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#connecting) {
      this.#queued.push(() => this._final(callback))
      return
    }
    if (this.#fd < 0) return callback()
    if (this.#ops.closed) return callback(ringDisposed())
    // The system call, not IORING_OP_SHUTDOWN: the kernel runs that one in an
    // io-wq worker, which looks the fd up only when it runs, by which time a
    // destroy() may have closed it and a new socket taken its number.
    callback(shutdownResult(native.shutdown(this.#fd, SHUT_WR)))
  }

  // ------------------------------------------------------------ closing

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer)
    this.#connecting = false
    this.#queued = []
    const fd = this.#fd
    this.#fd = -1
    if (this.#receive >= 0 && !this.#cancelling) this.#ops.cancel(this.#receive)
    const done = () => {
      this[kServer]?.removeConnection(this)
      callback(error)
    }
    if (fd < 0) return done()
    const ops = this.#ops
    if (ops.closed || !ops.supports(IORING_OP_CLOSE)) {
      closeQuietly(fd)
      return done()
    }
    // Requests in flight hold the file; the socket closes when the last ends.
    const at = ops.prepare()
    prepClose(ops.sqes, at, fd)
    ops.startCallback(at, 'close', undefined, done)
  }

  /** Ends the writable side, then destroys the socket once it has finished. */
  destroySoon(): void {
    if (this.writable) this.end()
    if (this.writableFinished) this.destroy()
    else this.once('finish', () => this.destroy())
  }

  /** Closes with a TCP RST (SO_LINGER 0) instead of a FIN, as node:net's resetAndDestroy(). */
  resetAndDestroy(): this {
    if (this.#fd >= 0) native.setsockopt(this.#fd, SOL_SOCKET, SO_LINGER, new Int32Array([1, 0]))
    return this.destroy()
  }

  // ------------------------------------------------------------ options and state

  /** Emits 'timeout' after `timeout` ms without activity (0: never). */
  setTimeout(timeout: number, callback?: () => void): this {
    const ms = validateMsecs(timeout, 'msecs')
    if (callback !== undefined) {
      validateFunction(callback, 'callback')
      if (ms === 0) this.removeListener('timeout', callback)
      else this.once('timeout', callback)
    }
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timeoutMs = ms === 0 ? undefined : ms
    if (ms !== 0 && !this.destroyed) this.#timer = setTimeout(() => this.emit('timeout'), ms).unref()
    return this
  }

  /** The idle timeout set with setTimeout(), in ms; undefined when none. */
  get timeout(): number | undefined {
    return this.#timeoutMs
  }

  #active(): void {
    this.#timer?.refresh()
  }

  /** TCP_NODELAY: send small writes at once (no Nagle). */
  setNoDelay(noDelay = true): this {
    this.#noDelay = noDelay
    if (this.#fd >= 0 && !this.#connecting) setIntOption(this.#fd, IPPROTO_TCP, TCP_NODELAY, noDelay ? 1 : 0)
    return this
  }

  /** SO_KEEPALIVE, with the first probe after `initialDelay` ms of idleness (TCP_KEEPIDLE). */
  setKeepAlive(enable = false, initialDelay = 0): this {
    this.#keepAlive = [enable, initialDelay]
    if (this.#fd < 0 || this.#connecting) return this
    setIntOption(this.#fd, SOL_SOCKET, SO_KEEPALIVE, enable ? 1 : 0)
    if (enable && initialDelay > 0) setIntOption(this.#fd, IPPROTO_TCP, TCP_KEEPIDLE, Math.max(1, Math.floor(initialDelay / 1000)))
    return this
  }

  /** Lets the process exit while this socket waits for data. */
  unref(): this {
    this.#refed = false
    if (this.#receive >= 0) this.#ops.refRequest(this.#receive, false)
    return this
  }

  /** Keeps the process alive while this socket waits for data (the default). */
  ref(): this {
    this.#refed = true
    if (this.#receive >= 0) this.#ops.refRequest(this.#receive, true)
    return this
  }

  /** The socket's own address: `{ address, family, port }` (a path for a Unix socket). */
  address(): AddressInfo | string | Record<string, never> {
    if (this.#local === undefined && this.#fd >= 0) this.#local = localAddress(this.#fd)
    return this.#local ?? {}
  }

  get remoteAddress(): string | undefined {
    const peer = this.#peer()
    return typeof peer === 'object' ? peer.address : undefined
  }

  get remoteFamily(): string | undefined {
    const peer = this.#peer()
    return typeof peer === 'object' ? peer.family : undefined
  }

  get remotePort(): number | undefined {
    const peer = this.#peer()
    return typeof peer === 'object' ? peer.port : undefined
  }

  get localAddress(): string | undefined {
    return this.#localInfo()?.address
  }

  get localPort(): number | undefined {
    return this.#localInfo()?.port
  }

  get localFamily(): string | undefined {
    return this.#localInfo()?.family
  }

  #localInfo(): AddressInfo | undefined {
    const local = this.address()
    return typeof local === 'object' && 'port' in local ? (local as AddressInfo) : undefined
  }

  #peer(): AddressInfo | string | undefined {
    if (this.#remote === undefined && this.#fd >= 0 && !this.#connecting) this.#remote = peerAddress(this.#fd)
    return this.#remote
  }

  /** Bytes sent, plus those still queued, as node:net counts them. */
  get bytesWritten(): number {
    return this.#dispatched + this.writableLength - Math.max(this.#inFlight, 0)
  }

  get connecting(): boolean {
    return this.#connecting
  }

  /** Whether the socket is not connected yet (connect() not called, or not done). */
  get pending(): boolean {
    return this.#fd < 0 || this.#connecting
  }

  get readyState(): ReadyState {
    if (this.#connecting) return 'opening'
    if (this.readable && this.writable) return 'open'
    if (this.readable) return 'readOnly'
    if (this.writable) return 'writeOnly'
    return 'closed'
  }

  /** The socket's fd (-1 before it has one and after it closed). */
  get fd(): number {
    return this.#fd
  }
}

/** Iovecs a socket's reused gather buffer has room for; a longer gathered write gets a buffer of its own. */
const GATHER_IOVECS = 64
/** Where the iovecs start in a gather buffer, after the msghdr. */
const GATHER_IOV = MSGHDR_SIZE

/** A msghdr for sendmsg followed by room for `iovecs` iovecs, its address, and a view of it. */
interface Gather {
  view: DataView
  address: number
}

function newGather(iovecs: number): Gather {
  const view = new DataView(new ArrayBuffer(GATHER_IOV + iovecs * IOVEC_SIZE))
  const address = native.addressOf(view)
  writeMsghdr(view, 0, { name: 0, namelen: 0, iov: address + GATHER_IOV, iovlen: 0, control: 0, controllen: 0, flags: 0 })
  return { view, address }
}

/** The index of the registered buffer of `ring` that holds [address, address + length), or -1. */
function registeredBuffer(ring: IoUring, address: number, length: number): number {
  const { buffers, bufferAddresses } = registrations(ring)
  for (let i = 0; i < buffers.length; i++) {
    const base = bufferAddresses[i]
    const view = buffers[i]
    if (view !== undefined && address >= base && address + length <= base + view.byteLength) return i
  }
  return -1
}

/** What is left of `buffers` after the first `sent` bytes went out. */
function remainder(buffers: Buffer[], sent: number): Buffer[] {
  let i = 0
  while (i < buffers.length && sent >= buffers[i].byteLength) sent -= buffers[i++].byteLength
  if (i === buffers.length) return []
  const rest = buffers.slice(i)
  if (sent > 0) rest[0] = rest[0].subarray(sent)
  return rest
}

/** options.zeroCopyThreshold, validated: 0 when not given. */
export function validateThreshold(threshold: unknown): number {
  if (threshold === undefined) return 0
  if (typeof threshold !== 'number') throw codedError('ERR_INVALID_ARG_TYPE', `The "options.zeroCopyThreshold" property must be of type number. Received type ${typeof threshold}`, TypeError)
  if (!Number.isInteger(threshold) || threshold < 0) throw codedError('ERR_OUT_OF_RANGE', `The value of "options.zeroCopyThreshold" is out of range. It must be an integer >= 0. Received ${threshold}`, RangeError)
  return threshold
}

function shutdownResult(res: number): Error | undefined {
  return res < 0 && res !== ENOTCONN ? errnoException(res, 'shutdown') : undefined
}



/** @internal Links an accepted socket to its server. */
export function linkServer(socket: Socket, server: ServerLink): void {
  socket[kServer] = server
  socket.server = server
}
