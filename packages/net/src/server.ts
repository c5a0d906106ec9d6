// Server: node:net's Server on io_uring. One multishot accept delivers every
// connection; each becomes a Socket on the same ring.
import { EventEmitter } from 'node:events'
import { chmodSync, closeSync, unlinkSync } from 'node:fs'
import type { IoUring, Operations } from '@iouring/core'
import * as native from '@iouring/native'
import {
  AF_INET6,
  IORING_CQE_F_MORE,
  IPPROTO_IPV6,
  SOCK_CLOEXEC,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_REUSEADDR,
  SO_REUSEPORT,
  prepMultishotAccept,
  prepMultishotAcceptDirect,
} from '@iouring/ops'
import { domainOf, localAddress, peerAddress, resolve, sockaddrOf, type AddressInfo } from './address.js'
import { normalizeArgs, validateBoolean, validateHost, validatePort, validateSignal, type Callback } from './args.js'
import { ringOf } from './context.js'
import { requireStreamKernel } from './fallback.js'
import { setIntOption } from './system.js'
import { codedError, errnoException, invalidArgValue, ringDisposed, uvExceptionWithHostPort } from './errors.js'
import { Socket, linkServer, validateThreshold, type ServerLink } from './socket.js'

const ECANCELED = -125
const EAFNOSUPPORT = -97
const IPV6_V6ONLY = 26
// Transient accept failures: the connection went away before it was taken, or a signal.
const TRANSIENT = new Set([-103 /* ECONNABORTED */, -11 /* EAGAIN */, -4 /* EINTR */, -71 /* EPROTO */])

/** Options of createServer(), as node:net's, plus the ring to use. */
export interface ServerOpts {
  /** Keep an accepted socket's writable side open after its peer ends (default false). */
  allowHalfOpen?: boolean
  /** Accepted sockets start paused: nothing is received until resume(). */
  pauseOnConnect?: boolean
  /** Set TCP_NODELAY on accepted sockets. */
  noDelay?: boolean
  /** Turn on TCP keep-alive on accepted sockets. */
  keepAlive?: boolean
  /** Milliseconds of idleness before the first keep-alive probe. */
  keepAliveInitialDelay?: number
  /** The ring whose operations carry the server's and its sockets' I/O: default, this thread's defaultRing(). */
  ring?: IoUring
  /** The accepted sockets' zeroCopyThreshold (see Socket): 0, the default, turns zero-copy sends off. */
  zeroCopyThreshold?: number
}

/** listen() options, as node:net's. */
export interface ListenOptions {
  /** The TCP port; 0 or omitted: one the system picks. */
  port?: number | string
  /** The address to listen on; omitted: :: (or 0.0.0.0 where IPv6 is not available). */
  host?: string
  /** A Unix socket path, or '\0name' in the abstract namespace. */
  path?: string
  /** The listen(2) backlog (default 511). */
  backlog?: number
  /** Accepted for compatibility: a server here is never shared with cluster workers. */
  exclusive?: boolean
  /** Make a Unix socket's file readable by all users. */
  readableAll?: boolean
  /** Make a Unix socket's file writable by all users. */
  writableAll?: boolean
  /** On '::', accept IPv6 only (IPV6_V6ONLY). */
  ipv6Only?: boolean
  /** SO_REUSEPORT: several listeners (processes, threads) on one port share its connections. */
  reusePort?: boolean
  /** Closes the server when aborted. */
  signal?: AbortSignal
}

/** What the 'drop' event carries about a connection refused by maxConnections. */
export interface DropArgument {
  /** The address the connection came in on. */
  localAddress?: string
  /** The port it came in on. */
  localPort?: number
  /** 'IPv4' or 'IPv6'. */
  localFamily?: string
  /** The peer's address. */
  remoteAddress?: string
  /** The peer's port. */
  remotePort?: number
  /** 'IPv4' or 'IPv6'. */
  remoteFamily?: string
}

/**
 * node:net's Server on io_uring: listen() in each of node:net's forms (port,
 * host, backlog; options; Unix paths), 'listening', 'connection', 'close',
 * 'error' and 'drop', maxConnections, getConnections(), close() that waits
 * for the connections to end, ref/unref, and Symbol.asyncDispose. Accepting
 * is one multishot request; the accepted sockets share the server's ring.
 */
export class Server extends EventEmitter implements ServerLink {
  /** Connections beyond this many are closed at once ('drop'). */
  maxConnections: number | undefined
  readonly #ring: IoUring
  readonly #ops: Operations
  readonly #options: ServerOpts
  #fd = -1
  /** The listening socket close() let go of, until its accept request has ended. */
  #closing = -1
  #accept = -1
  #refed = true
  #path: string | undefined
  readonly #connections = new Set<Socket>()
  /** Where accepted connections go instead of becoming Sockets here (handOffConnections). */
  #handOff: ((fd: number) => void) | undefined
  #direct = false

  constructor(connectionListener?: (socket: Socket) => void)
  constructor(options?: ServerOpts, connectionListener?: (socket: Socket) => void)
  constructor(options?: ServerOpts | ((socket: Socket) => void), connectionListener?: (socket: Socket) => void) {
    super()
    if (typeof options === 'function') {
      connectionListener = options
      options = {}
    } else if (options === undefined || options === null) options = {}
    else if (typeof options !== 'object') throw codedError('ERR_INVALID_ARG_TYPE', `The "options" argument must be of type object. Received type ${typeof options}`, TypeError)
    validateThreshold(options.zeroCopyThreshold)
    this.#options = options
    this.#ring = ringOf(options.ring)
    requireStreamKernel()
    this.#ops = this.#ring.operations
    if (connectionListener !== undefined) this.on('connection', connectionListener)
  }

  get listening(): boolean {
    return this.#fd >= 0
  }

  /**
   * Starts listening: listen(port[, host][, backlog][, callback]),
   * listen(path[, backlog][, callback]), listen(options[, callback]), as
   * node:net's. 'listening' follows, or 'error' (EADDRINUSE, EACCES, ...).
   */
  listen(port?: number, hostname?: string, backlog?: number, listeningListener?: () => void): this
  listen(port?: number, hostname?: string, listeningListener?: () => void): this
  listen(port?: number, backlog?: number, listeningListener?: () => void): this
  listen(port?: number, listeningListener?: () => void): this
  listen(path: string, backlog?: number, listeningListener?: () => void): this
  listen(path: string, listeningListener?: () => void): this
  listen(options: ListenOptions, listeningListener?: () => void): this
  listen(...args: unknown[]): this {
    const [normalized, cb] = normalizeArgs(args)
    const options = normalized as ListenOptions
    if (args.length === 0 || typeof args[0] === 'function') options.port = 0
    if (this.listening) throw codedError('ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.', Error)
    if (options.port === undefined && options.path === undefined) {
      throw invalidArgValue('options', `must have the property "port" or "path". Received ${JSON.stringify(options)}`)
    }
    const backlog = backlogOf(args, options)
    const signal = validateSignal(options.signal)
    if (cb !== undefined) this.once('listening', cb as () => void)
    if (signal !== undefined) {
      if (signal.aborted) {
        process.nextTick(() => this.close())
        return this
      }
      signal.addEventListener('abort', () => this.close(), { once: true })
    }
    if (options.path !== undefined) {
      if (typeof options.path !== 'string') throw codedError('ERR_INVALID_ARG_TYPE', 'The "options.path" property must be of type string.', TypeError)
      this.#listenOn({ path: options.path }, undefined, backlog, options)
      return this
    }
    const port = validatePort(options.port, 'options.port')
    const host = validateHost(options.host, 'options.host')
    validateBoolean(options.ipv6Only, 'options.ipv6Only')
    validateBoolean(options.reusePort, 'options.reusePort')
    if (host === undefined) {
      this.#listenOn(undefined, port, backlog, options)
      return this
    }
    resolve(host, { family: 0 }, undefined, false).then(
      ([{ address }]) => this.#listenOn(address, port, backlog, options),
      (err: Error) => process.nextTick(() => this.emit('error', err)),
    )
    return this
  }

  /**
   * socket, bind, listen (system calls: they answer at once, as node:net's
   * listen does), then the first accept. With no address: '::' (both
   * families) where IPv6 works, else '0.0.0.0', as node:net does.
   */
  #listenOn(target: string | { path: string } | undefined, port: number | undefined, backlog: number, options: ListenOptions): void {
    const address = target ?? '::'
    const fail = (errno: number) => process.nextTick(() => this.emit('error', uvExceptionWithHostPort(errno, 'listen', typeof address === 'string' ? address : address.path, port)))
    const fd = native.socket(domainOf(address), SOCK_STREAM, 0)
    if (fd === EAFNOSUPPORT && target === undefined) return this.#listenOn('0.0.0.0', port, backlog, options)
    if (fd < 0) return fail(fd)
    const setup = () => {
      if (typeof address === 'string') {
        setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        if (domainOf(address) === AF_INET6 && options.ipv6Only === true) setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)
      }
      if (options.reusePort === true) {
        const ret = setIntOption(fd, SOL_SOCKET, SO_REUSEPORT, 1)
        if (ret < 0) return ret
      }
      const bound = native.bind(fd, typeof address === 'string' ? sockaddrOf(address, port as number) : sockaddrOf(address))
      if (bound < 0) return bound
      return native.listen(fd, backlog)
    }
    const ret = setup()
    if (ret < 0) {
      closeSync(fd)
      return fail(ret)
    }
    if (typeof address === 'object') {
      this.#path = address.path
      const mode = (options.readableAll ? 0o444 : 0) | (options.writableAll ? 0o222 : 0)
      if (mode !== 0 && !address.path.startsWith('\0')) chmodSync(address.path, 0o600 | mode)
    }
    this.#fd = fd
    this.#startAccepting()
    process.nextTick(() => {
      if (this.#fd === fd) this.emit('listening')
    })
  }

  #startAccepting(): void {
    const ops = this.#ops
    const at = ops.prepare()
    // A direct descriptor has no close-on-exec flag to ask for (the kernel refuses SOCK_CLOEXEC there).
    if (this.#direct) prepMultishotAcceptDirect(ops.sqes, at, this.#fd, 0, 0, 0)
    else prepMultishotAccept(ops.sqes, at, this.#fd, 0, 0, SOCK_CLOEXEC)
    this.#accept = ops.startCallback(at, 'accept', undefined, this.#onAccept)
    if (!this.#refed) ops.refRequest(this.#accept, false)
  }

  readonly #onAccept = (res: number, flags: number): void => {
    if (res >= 0) {
      if (this.#handOff !== undefined) this.#handOff(res)
      else this.#accepted(res)
    } else if (res !== ECANCELED && !TRANSIENT.has(res) && this.#fd >= 0 && !this.#ops.closed) this.emit('error', errnoException(res, 'accept'))
    if (flags & IORING_CQE_F_MORE) return
    this.#accept = -1
    if (this.#fd < 0) return this.#release()
    if (!this.#ops.closed) return this.#startAccepting()
    this.emit('error', ringDisposed())
    this.close()
  }

  #accepted(fd: number): void {
    if (this.maxConnections !== undefined && this.#connections.size >= this.maxConnections) {
      const local = localAddress(fd)
      const remote = peerAddress(fd)
      closeSync(fd)
      const drop: DropArgument = {}
      if (typeof local === 'object') Object.assign(drop, { localAddress: local.address, localPort: local.port, localFamily: local.family })
      if (typeof remote === 'object') Object.assign(drop, { remoteAddress: remote.address, remotePort: remote.port, remoteFamily: remote.family })
      this.emit('drop', drop)
      return
    }
    const options = this.#options
    const socket = new Socket({
      fd,
      ring: this.#ring,
      allowHalfOpen: options.allowHalfOpen,
      noDelay: options.noDelay,
      keepAlive: options.keepAlive,
      keepAliveInitialDelay: options.keepAliveInitialDelay,
      zeroCopyThreshold: options.zeroCopyThreshold,
    })
    linkServer(socket, this)
    this.#connections.add(socket)
    if (options.pauseOnConnect === true) socket.pause()
    else socket.read(0)
    this.emit('connection', socket)
  }

  /**
   * @internal Hands every connection accepted from now on to `take` instead
   * of serving it here; with `direct`, they are accepted into the ring's
   * registered file table and `take` gets the slot (the acceptor of a
   * server on worker threads). Call before listen().
   */
  handOffConnections(take: (fd: number) => void, direct: boolean): void {
    this.#handOff = take
    this.#direct = direct
  }

  /** @internal The listening socket's fd, also while close() lets go of it; -1 when none. */
  get listenerFd(): number {
    return this.#fd >= 0 ? this.#fd : this.#closing
  }

  /** @internal Serves a connection accepted elsewhere (a worker thread's share of a threaded server). */
  addConnection(fd: number): void {
    this.#accepted(fd)
  }

  /** @internal An accepted socket closed. */
  removeConnection(socket: Socket): void {
    if (this.#connections.delete(socket)) this.#emitCloseIfDrained()
  }

  /** The bound address: `{ address, family, port }`, the path of a Unix socket, or null when not listening. */
  address(): AddressInfo | string | null {
    if (this.#fd < 0) return null
    if (this.#path !== undefined) return this.#path
    const local = localAddress(this.#fd)
    return typeof local === 'object' ? local : null
  }

  /**
   * Stops accepting, closes the listening socket, and emits 'close' once
   * every connection has ended. `callback` gets ERR_SERVER_NOT_RUNNING when
   * the server was not listening.
   */
  close(callback?: (err?: Error) => void): this {
    if (typeof callback === 'function') {
      if (!this.listening) this.once('close', () => callback(codedError('ERR_SERVER_NOT_RUNNING', 'Server is not running.', Error)))
      else this.once('close', callback)
    }
    if (this.#fd >= 0) {
      this.#closing = this.#fd
      this.#fd = -1
      // The accept request holds the listening socket: it is closed once the request has ended.
      if (this.#accept >= 0 && !this.#ops.closed) this.#ops.cancel(this.#accept)
      else this.#release()
    } else this.#emitCloseIfDrained()
    return this
  }

  /** The accept request has ended after close(): the listening socket goes. */
  #release(): void {
    if (this.#closing < 0) return
    closeSync(this.#closing)
    this.#closing = -1
    if (this.#path !== undefined && !this.#path.startsWith('\0')) unlinkQuietly(this.#path)
    this.#path = undefined
    this.#emitCloseIfDrained()
  }

  #emitCloseIfDrained(): void {
    if (this.#fd >= 0 || this.#closing >= 0 || this.#connections.size > 0) return
    process.nextTick(() => {
      if (this.#fd < 0 && this.#closing < 0 && this.#connections.size === 0) this.emit('close')
    })
  }

  /** Calls back with the number of open connections. */
  getConnections(callback: (err: Error | null, count: number) => void): this {
    const count = this.#connections.size
    process.nextTick(() => callback(null, count))
    return this
  }

  /** Lets the process exit while the server waits for connections. */
  unref(): this {
    this.#refed = false
    if (this.#accept >= 0) this.#ops.refRequest(this.#accept, false)
    return this
  }

  /** Keeps the process alive while the server listens (the default). */
  ref(): this {
    this.#refed = true
    if (this.#accept >= 0) this.#ops.refRequest(this.#accept, true)
    return this
  }

  /** close(), as a promise; nothing when not listening. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.listening) return
    await new Promise<void>((resolve, reject) => this.close((err) => (err ? reject(err) : resolve())))
  }
}

export function backlogOf(args: readonly unknown[], options: ListenOptions): number {
  let backlog = options.backlog
  if (backlog === undefined) {
    // listen(port, [host,] backlog, cb) and listen(path, backlog, cb)
    const numbers = args.slice(1).filter((arg) => typeof arg === 'number')
    backlog = numbers[0] as number | undefined
  }
  if (backlog === undefined) return 511
  if (typeof backlog !== 'number' || !Number.isInteger(backlog)) throw codedError('ERR_INVALID_ARG_TYPE', 'The "backlog" argument must be of type number.', TypeError)
  return backlog < 0 ? 511 : backlog
}


function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // Gone already.
  }
}

export type { Callback }
