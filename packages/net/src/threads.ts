// A server on worker threads: each thread has its own ring and event loop and
// runs the connection handler (a module) on its share of the connections of
// one listening address. Connections reach the threads through a
// SO_REUSEPORT listener of their own, or from one acceptor on this thread
// that hands each to a thread's ring (msgRingFd, or msgRing with the fd).
import { EventEmitter } from 'node:events'
import { isAbsolute, resolve as resolvePath } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { IoUring } from '@iouring/core'
import { IORING_OP_FIXED_FD_INSTALL } from '@iouring/ops'
import { registerFilesSparse } from '@iouring/register'
import { resolve, type AddressInfo } from './address.js'
import { normalizeArgs, validateBoolean, validateHost, validatePort } from './args.js'
import { codedError, invalidArgType, invalidArgValue } from './errors.js'
import { fallsBack } from './fallback.js'
import { workerEntry } from './location.cjs'
import { Server, backlogOf, type ListenOptions, type ServerOpts } from './server.js'
import type { Arrival, ErrorRecord, FromWorker, ToWorker, WorkerSetup } from './worker.js'

/** How connections are spread over the threads. */
export type Balance = 'reusePort' | 'msgRingFd' | 'msgRing'

const BALANCES: readonly Balance[] = ['reusePort', 'msgRingFd', 'msgRing']

/** Options of createServer({ threads }): node:net's server options, the threads and the handler they run. */
export interface ThreadedServerOpts extends Omit<ServerOpts, 'ring'> {
  /** How many worker threads serve connections, each with its own ring and event loop. */
  threads: number
  /** The module (an absolute path, a path relative to the working directory, or a file: URL) whose export each thread calls with every connection it serves. */
  handler: string | URL
  /** The name of the handler's export. Default 'default'. */
  handlerExport?: string
  /**
   * How connections reach the threads: 'reusePort' (default), a SO_REUSEPORT
   * listener per thread; 'msgRingFd', one acceptor on this thread handing
   * each connection to a thread's ring as a registered file (Linux 6.8;
   * before, as 'msgRing'); 'msgRing', the same handing over the fd number.
   */
  balance?: Balance
}

/** Registered file slots of the acceptor's ring: connections stay there only until handed over. */
const ACCEPTOR_SLOTS = 1024

/** A worker thread and what this thread knows of it. */
interface Thread {
  worker: Worker
  /** Its ring's fd once it takes connections from the acceptor; -1 before, and once it is out of the rotation. */
  ringFd: number
  /** Connections handed to it whose hand-over has not completed. */
  inFlight: number
  /** It had started serving (it is replaced if it fails). */
  served: boolean
  /** It was told to close, or is to be once nothing is in flight to it. */
  closing: boolean
  failed: boolean
}

type State = 'idle' | 'starting' | 'listening' | 'closing'

/**
 * A server whose connections are served by `threads` worker threads. It
 * listens as node:net's Server does (port, host, backlog, or a Unix path with
 * the 'msgRing*' balances), emits 'listening' once every thread takes
 * connections, 'error' when listening fails, 'close' once close() has stopped
 * accepting, every connection has ended and the threads have exited,
 * 'workerListening' (threadId) each time a thread starts taking connections,
 * and 'workerError' (error, threadId) when a thread's code throws: that
 * thread ends its connections and is replaced; the others go on.
 */
export class ThreadedServer extends EventEmitter {
  readonly #threads: number
  readonly #setup: Omit<WorkerSetup, 'arrival'>
  readonly #balance: Balance
  readonly #workers = new Set<Thread>()
  #state: State = 'idle'
  #refed = true
  #address: AddressInfo | string | null = null
  /** What a replacement listener (SO_REUSEPORT) listens on. */
  #listen: Extract<ToWorker, { type: 'listen' }> | undefined
  #arrival: Arrival = 'listener'
  #acceptorRing: IoUring | undefined
  #acceptor: Server | undefined
  /** The threads taking connections from the acceptor, in turn. */
  #rotation: Thread[] = []
  #turn = 0
  /** 'close' is emitted when the threads have gone (close() was called). */
  #emitClose = false
  /** listen() failed ('error'); the threads are going. */
  #listenFailed = false

  constructor(options: ThreadedServerOpts, connectionListener?: unknown) {
    super()
    if (connectionListener !== undefined) {
      throw invalidArgValue('connectionListener', 'cannot be given with options.threads: the connections are served in worker threads, by options.handler')
    }
    if (fallsBack) {
      throw codedError('ERR_IOURING_UNAVAILABLE', 'Servers on worker threads need io_uring, and @iouring/net runs on node:net here (the IOURING_NET_FALLBACK warning says why)', Error)
    }
    const { threads, handler, handlerExport = 'default', balance = 'reusePort', ...server } = options
    if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
      throw codedError('ERR_OUT_OF_RANGE', `The value of "options.threads" is out of range. It must be an integer >= 1. Received ${String(threads)}`, RangeError)
    }
    if (typeof handlerExport !== 'string') throw invalidArgType('options.handlerExport', 'of type string', handlerExport)
    if (!BALANCES.includes(balance)) throw invalidArgValue('options.balance', `must be one of ${BALANCES.map((b) => `'${b}'`).join(', ')}. Received ${JSON.stringify(balance)}`)
    for (const name of ['allowHalfOpen', 'pauseOnConnect', 'noDelay', 'keepAlive'] as const) validateBoolean(server[name], `options.${name}`)
    this.#threads = threads
    this.#balance = balance
    this.#setup = { handler: handlerUrl(handler), handlerExport, server }
  }

  /** Whether the server is listening: every thread started and listens. */
  get listening(): boolean {
    return this.#state === 'listening'
  }

  /**
   * Starts the threads and listens: listen(port[, host][, backlog][, callback]),
   * listen(path[, backlog][, callback]) (not with 'reusePort': one Unix
   * socket path has one listener), listen(options[, callback]), as node:net's.
   */
  listen(port?: number, hostname?: string, backlog?: number, listeningListener?: () => void): this
  listen(port?: number, backlog?: number, listeningListener?: () => void): this
  listen(port?: number, listeningListener?: () => void): this
  listen(path: string, backlog?: number, listeningListener?: () => void): this
  listen(path: string, listeningListener?: () => void): this
  listen(options: ListenOptions, listeningListener?: () => void): this
  listen(...args: unknown[]): this {
    if (this.#state !== 'idle') throw codedError('ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.', Error)
    const [normalized, cb] = normalizeArgs(args)
    const options = normalized as ListenOptions
    if (args.length === 0 || typeof args[0] === 'function') options.port = 0
    if (options.port === undefined && options.path === undefined) {
      throw invalidArgValue('options', `must have the property "port" or "path". Received ${JSON.stringify(options)}`)
    }
    if (this.#balance === 'reusePort') {
      if (options.path !== undefined) throw invalidArgValue('options.path', "cannot be served with balance 'reusePort' (SO_REUSEPORT is for TCP); use 'msgRingFd'")
      const port = validatePort(options.port, 'options.port')
      const host = validateHost(options.host, 'options.host')
      const ipv6Only = validateBoolean(options.ipv6Only, 'options.ipv6Only')
      const backlog = backlogOf(args, options)
      this.#start(cb)
      if (host === undefined) this.#listenFirst({ type: 'listen', host, port, backlog, ipv6Only })
      else {
        resolve(host, { family: 0 }, undefined, false).then(
          ([{ address }]) => this.#listenFirst({ type: 'listen', host: address, port, backlog, ipv6Only }),
          (err: Error) => this.#startFailed(err),
        )
      }
      return this
    }
    const ring = new IoUring()
    const direct = this.#balance === 'msgRingFd' && ring.operations.supports(IORING_OP_FIXED_FD_INSTALL)
    const acceptor = new Server({ ring })
    try {
      if (direct) registerFilesSparse(ring, ACCEPTOR_SLOTS)
      acceptor.handOffConnections(direct ? this.#handOffSlot : this.#handOffFd, direct)
      ;(acceptor.listen as (...a: unknown[]) => Server)(...args.filter((arg) => typeof arg !== 'function'))
    } catch (err) {
      void ring.dispose()
      throw err
    }
    acceptor.on('error', (err: Error) => (this.#state === 'starting' ? this.#startFailed(err) : this.emit('error', err)))
    acceptor.once('listening', () => {
      this.#address = acceptor.address()
      this.#listeningIfReady()
    })
    if (!this.#refed) acceptor.unref()
    this.#acceptorRing = ring
    this.#acceptor = acceptor
    this.#arrival = direct ? 'direct' : 'fd'
    this.#start(cb)
    return this
  }

  #start(cb: ((...args: unknown[]) => void) | undefined): void {
    if (cb !== undefined) this.once('listening', cb as () => void)
    this.#state = 'starting'
    for (let i = 0; i < this.#threads; i++) this.#spawn()
  }

  #spawn(): Thread {
    const setup: WorkerSetup = { ...this.#setup, arrival: this.#arrival }
    // Sockets here are made and closed by system calls and the ring, not fs.open(); Node's
    // tracking of a worker's fds would warn at each fs.closeSync() of one (a listener's).
    const worker = new Worker(workerEntry, { workerData: setup, trackUnmanagedFds: false })
    const thread: Thread = { worker, ringFd: -1, inFlight: 0, served: false, closing: false, failed: false }
    this.#workers.add(thread)
    if (!this.#refed) worker.unref()
    worker.on('message', (message: FromWorker) => this.#onMessage(thread, message))
    // Only what escapes the thread's own handling arrives here (it failed while failing).
    worker.on('error', (err: Error) => this.#failed(thread, err))
    worker.on('exit', () => this.#exited(thread))
    return thread
  }

  #onMessage(thread: Thread, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        thread.served = true
        thread.ringFd = message.ringFd
        if (!thread.closing) this.#rotation.push(thread)
        this.emit('workerListening', thread.worker.threadId)
        return this.#listeningIfReady()
      case 'listening':
        thread.served = true
        if (this.#address === null && this.#listen !== undefined && this.#state === 'starting') {
          // The first listener chose the port (0: any); the others share it.
          this.#address = message.address
          this.#listen = { ...this.#listen, port: message.address.port }
          for (const other of this.#workers) if (other !== thread) other.worker.postMessage(this.#listen)
        }
        this.emit('workerListening', thread.worker.threadId)
        return this.#listeningIfReady()
      case 'failed':
        return this.#failed(thread, errorOf(message.error), message.serving)
      case 'closed':
        void thread.worker.terminate()
    }
  }

  /** SO_REUSEPORT: the first thread listens (choosing the port when it is 0), then the others. */
  #listenFirst(listen: Extract<ToWorker, { type: 'listen' }>): void {
    if (this.#state !== 'starting') return
    this.#listen = listen
    const first = this.#workers.values().next().value as Thread
    first.worker.postMessage(listen)
  }

  /** 'listening' once every thread takes connections (and the acceptor listens). */
  #listeningIfReady(): void {
    if (this.#state !== 'starting' || this.#address === null) return
    for (const thread of this.#workers) if (!thread.served) return
    this.#state = 'listening'
    this.emit('listening')
  }

  #startFailed(err: Error): void {
    if (this.#state !== 'starting') return
    this.#listenFailed = true
    this.#shutDown(false)
    this.emit('error', err)
  }

  /** A thread failed: out of the rotation, told to close once nothing is in flight to it, and replaced if it had served. */
  #failed(thread: Thread, err: Error, serving = thread.served): void {
    if (thread.failed) return
    thread.failed = true
    if (this.#state === 'starting' && !serving) return this.#startFailed(err)
    this.#closeThread(thread)
    // Another thread failing to start after listen() failed: the 'error' said it.
    if (this.#listenFailed && !serving) return
    if (this.listenerCount('workerError') > 0) this.emit('workerError', err, thread.worker.threadId)
    else process.emitWarning(`A worker thread of a threaded server failed; it ends its connections and is replaced. ${err.stack ?? err.message}`, 'ThreadedServerWarning')
  }

  #exited(thread: Thread): void {
    this.#workers.delete(thread)
    this.#leaveRotation(thread)
    if (this.#state === 'closing') return this.#closedIfDone()
    // A thread that served and ended (it failed, or left by itself) is replaced.
    if (thread.served) {
      const replacement = this.#spawn()
      if (this.#address !== null && this.#listen !== undefined) replacement.worker.postMessage(this.#listen)
    }
  }

  // ------------------------------------------------------------ handing connections over

  /**
   * A direct descriptor the acceptor took: to the next thread's ring with
   * msgRingFd (into a free slot of its table), then out of this ring's table.
   */
  readonly #handOffSlot = (slot: number, attempt = 0): void => {
    const ring = this.#acceptorRing as IoUring
    const thread = this.#next(attempt)
    if (thread === undefined) return void ring.closeDirect(slot).catch(ignore)
    thread.inFlight++
    ring.msgRingFd(thread.ringFd, slot, 'alloc').then(
      () => {
        this.#handedOver(thread)
        ring.closeDirect(slot).catch(ignore)
      },
      (err: NodeJS.ErrnoException) => {
        this.#handedOver(thread, err)
        this.#handOffSlot(slot, attempt + 1)
      },
    )
  }

  /** An fd the acceptor took: its number to the next thread's ring with msgRing (the threads share the fd table). */
  readonly #handOffFd = (fd: number, attempt = 0): void => {
    const ring = this.#acceptorRing as IoUring
    const thread = this.#next(attempt)
    if (thread === undefined) return void ring.close(fd).catch(ignore)
    thread.inFlight++
    ring.msgRing(thread.ringFd, fd).then(
      () => this.#handedOver(thread),
      (err: NodeJS.ErrnoException) => {
        this.#handedOver(thread, err)
        this.#handOffFd(fd, attempt + 1)
      },
    )
  }

  /** The next thread in turn; none when no thread takes connections, or every one refused this one. */
  #next(attempt: number): Thread | undefined {
    const rotation = this.#rotation
    if (rotation.length === 0 || attempt >= rotation.length) return undefined
    this.#turn = (this.#turn + 1) % rotation.length
    return rotation[this.#turn]
  }

  /** A hand-over completed, or failed (a thread whose ring is gone takes no more). */
  #handedOver(thread: Thread, err?: NodeJS.ErrnoException): void {
    thread.inFlight--
    if (err?.code === 'EBADF' || err?.code === 'EBADFD') this.#leaveRotation(thread)
    if (thread.closing && thread.inFlight === 0) thread.worker.postMessage({ type: 'close' } satisfies ToWorker)
  }

  #leaveRotation(thread: Thread): void {
    const at = this.#rotation.indexOf(thread)
    if (at >= 0) this.#rotation.splice(at, 1)
  }

  /** Tells `thread` to close: at once, or once the connections in flight to it have arrived. */
  #closeThread(thread: Thread): void {
    if (thread.closing) return
    thread.closing = true
    this.#leaveRotation(thread)
    if (thread.inFlight === 0) thread.worker.postMessage({ type: 'close' } satisfies ToWorker)
  }

  // ------------------------------------------------------------ closing

  /** The address listened on: `{ address, family, port }` or a Unix path; null when not listening. */
  address(): AddressInfo | string | null {
    return this.#state === 'listening' ? this.#address : null
  }

  /**
   * Stops accepting on every thread, waits for every connection to end, ends
   * the threads, then emits 'close'. `callback` gets ERR_SERVER_NOT_RUNNING
   * when the server was not listening.
   */
  close(callback?: (err?: Error) => void): this {
    if (typeof callback === 'function') {
      if (this.#state !== 'listening') this.once('close', () => callback(codedError('ERR_SERVER_NOT_RUNNING', 'Server is not running.', Error)))
      else this.once('close', callback)
    }
    if (this.#state === 'idle') process.nextTick(() => this.emit('close'))
    else if (this.#state !== 'closing') this.#shutDown(true)
    else this.#emitClose = true
    return this
  }

  /** Stops accepting and closes every thread; 'close' follows when `emitClose` (close(), not a failed listen). */
  #shutDown(emitClose: boolean): void {
    this.#state = 'closing'
    this.#emitClose = emitClose
    const acceptor = this.#acceptor
    // Connections the acceptor took before its accept request ended still go to a thread.
    if (acceptor?.listening) acceptor.once('close', () => this.#closeThreads()).close()
    else this.#closeThreads()
  }

  #closeThreads(): void {
    for (const thread of this.#workers) this.#closeThread(thread)
  }

  #closedIfDone(): void {
    if (this.#workers.size > 0 || this.#state !== 'closing') return
    this.#state = 'idle'
    this.#listenFailed = false
    this.#address = null
    this.#listen = undefined
    this.#rotation = []
    this.#acceptor = undefined
    const ring = this.#acceptorRing
    this.#acceptorRing = undefined
    const closed = () => {
      if (this.#emitClose) this.emit('close')
    }
    if (ring === undefined) closed()
    else void ring.dispose().then(closed)
  }

  /** Lets the process exit while the threads wait for connections. */
  unref(): this {
    this.#refed = false
    for (const thread of this.#workers) thread.worker.unref()
    this.#acceptor?.unref()
    return this
  }

  /** Keeps the process alive while the server listens (the default). */
  ref(): this {
    this.#refed = true
    for (const thread of this.#workers) thread.worker.ref()
    this.#acceptor?.ref()
    return this
  }

  /** close(), as a promise; nothing when not listening. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.listening) return
    await new Promise<void>((resolve, reject) => this.close((err) => (err ? reject(err) : resolve())))
  }
}

/** The handler module as a URL import() takes (relative paths from the working directory, as Worker takes them). */
function handlerUrl(handler: unknown): string {
  if (handler instanceof URL) return handler.href
  if (typeof handler !== 'string') throw invalidArgType('options.handler', 'of type string or an instance of URL', handler)
  if (/^(file|data):/.test(handler)) return handler
  return pathToFileURL(isAbsolute(handler) ? handler : resolvePath(handler)).href
}

function errorOf(record: ErrorRecord): Error {
  const err = new Error(record.message)
  err.name = record.name
  if (record.stack !== undefined) err.stack = record.stack
  return Object.assign(err, record.fields)
}

function ignore(): void {}
