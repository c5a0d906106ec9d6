// The entry of a worker thread of a threaded server (threads.ts): loads the
// connection handler, then serves connections on this thread's ring, taken
// from its own SO_REUSEPORT listener or handed over by the accepting thread
// through the ring (msgRingFd or msgRing).
import { parentPort, workerData } from 'node:worker_threads'
import { defaultRing } from '@iouring/core'
import { prepFixedFdInstall } from '@iouring/ops'
import { registerFilesSparse, registeredFiles } from '@iouring/register'
import { Server, type ServerOpts } from './server.js'
import type { Socket } from './socket.js'
import { closeQuietly } from './system.js'
import type { AddressInfo } from './address.js'

/** How connections reach a worker: its own listener, or handed over as direct descriptors or as fds. */
export type Arrival = 'listener' | 'direct' | 'fd'

/** What a worker is started with. */
export interface WorkerSetup {
  handler: string
  handlerExport: string
  arrival: Arrival
  server: Omit<ServerOpts, 'ring'>
}

/** An error as it crosses to the main thread (structured clone keeps no `code`, `errno`, ...). */
export interface ErrorRecord {
  name: string
  message: string
  stack: string | undefined
  /** Its own properties whose values are primitives: code, errno, syscall, address, port, ... */
  fields: Record<string, string | number | boolean>
}

/** Messages from the main thread. */
export type ToWorker =
  | { type: 'listen'; host: string | undefined; port: number; backlog: number; ipv6Only: boolean | undefined }
  | { type: 'close' }

/** Messages to the main thread. */
export type FromWorker =
  | { type: 'ready'; ringFd: number }
  | { type: 'listening'; address: AddressInfo }
  | { type: 'failed'; error: ErrorRecord; serving: boolean }
  | { type: 'closed' }

/** Registered file slots a worker's ring keeps for connections handed over as direct descriptors. */
export const ARRIVAL_SLOTS = 1024

const port = parentPort as NonNullable<typeof parentPort>
const setup = workerData as WorkerSetup
const post = (message: FromWorker) => port.postMessage(message)
const ring = defaultRing()
const ops = ring.operations
const sockets = new Set<Socket>()
let server: Server | undefined
let serving = false
let failing = false
let closeRequested = false
/** Connections handed over whose fd is still being installed. */
let arriving = 0
/** This thread's SO_REUSEPORT listener is open (listen() called, its 'close' not yet seen). */
let listenerOpen = false
let closedPosted = false

process.on('uncaughtException', fail)
// process.exit() ends this thread at once, with its ring, and fds are process-wide: its
// connections would stay open, their peers waiting, and its SO_REUSEPORT listener would keep
// taking a share of the new ones.
process.on('exit', () => {
  for (const socket of sockets) closeQuietly(socket.fd)
  if (server !== undefined) closeQuietly(server.listenerFd)
})
// Messages wait for the handler to load; after a failed start there is nothing to listen with.
const started = start().catch(fail)
port.on('message', (message: ToWorker) => {
  void started.then(() => {
    if (message.type === 'close') close()
    else if (server !== undefined && !failing && !closeRequested) listen(message)
  })
})

async function start(): Promise<void> {
  const module = (await import(setup.handler)) as Record<string, unknown>
  const handler = module[setup.handlerExport]
  if (typeof handler !== 'function') {
    throw Object.assign(new TypeError(`The connection handler module ${setup.handler} has no function export "${setup.handlerExport}"`), { code: 'ERR_INVALID_ARG_VALUE' })
  }
  const created = new Server(setup.server)
  // Tracked before the handler sees it: a handler that throws leaves no connection behind.
  created.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      finishIfDone()
    })
  })
  created.on('connection', handler as (socket: Socket) => void)
  server = created
  if (setup.arrival === 'listener') return
  if (setup.arrival === 'direct' && registeredFiles(ring) === 0) registerFilesSparse(ring, ARRIVAL_SLOTS)
  ring.onMessage = arrived
  serving = true
  post({ type: 'ready', ringFd: ring.params.fd })
}

/** SO_REUSEPORT: this thread's own listener on the shared address. */
function listen({ host, port: listenPort, backlog, ipv6Only }: Extract<ToWorker, { type: 'listen' }>): void {
  const listener = server as Server
  const failed = (err: Error) => {
    listenerOpen = false
    fail(err)
  }
  listener.once('error', failed)
  // 'close' comes once the listener is let go of and this thread's connections have ended.
  listener.once('close', () => {
    listenerOpen = false
    finishIfDone()
  })
  listenerOpen = true
  listener.listen({ host, port: listenPort, backlog, ipv6Only, reusePort: true }, () => {
    listener.removeListener('error', failed)
    serving = true
    post({ type: 'listening', address: listener.address() as AddressInfo })
  })
}

/** A connection handed over by the accepting thread: a slot of this ring's file table, or an fd. */
function arrived(value: number): void {
  if (setup.arrival === 'fd') return serveOrClose(value)
  // A direct descriptor becomes an fd (IORING_OP_FIXED_FD_INSTALL, 6.8): Socket makes system calls on it.
  arriving++
  const at = ops.prepare()
  prepFixedFdInstall(ops.sqes, at, value, 0)
  ops.startCallback(at, 'fixed_fd_install', undefined, (fd) => {
    arriving--
    ring.closeDirect(value).catch(fail)
    if (fd >= 0) serveOrClose(fd)
    else finishIfDone()
  })
}

function serveOrClose(fd: number): void {
  if (failing) ring.close(fd).catch(fail)
  else (server as Server).addConnection(fd)
}

/**
 * The handler (or anything on this thread) threw: tell the main thread, stop
 * taking connections and end this thread's own; it goes when the main thread
 * has stopped handing it any (close()).
 */
function fail(err: unknown): void {
  if (failing) {
    // Failing again while cleaning up: nothing here can be trusted to finish.
    process.exit(1)
  }
  failing = true
  post({ type: 'failed', error: record(err), serving })
  if (server?.listening) server.close()
  for (const socket of sockets) socket.destroy()
  finishIfDone()
}

function close(): void {
  closeRequested = true
  if (server?.listening) server.close()
  finishIfDone()
}

/** Once asked to close, with no connection left and the listener gone: the main thread may end this thread. */
function finishIfDone(): void {
  if (!closeRequested || closedPosted || arriving > 0 || sockets.size > 0 || listenerOpen) return
  closedPosted = true
  post({ type: 'closed' })
}

function record(err: unknown): ErrorRecord {
  if (!(err instanceof Error)) return { name: 'Error', message: `A value that is not an Error was thrown: ${String(err)}`, stack: undefined, fields: {} }
  const fields: ErrorRecord['fields'] = {}
  for (const [key, value] of Object.entries(err)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value
  }
  return { name: err.name, message: err.message, stack: err.stack, fields }
}
