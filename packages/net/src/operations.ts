// The socket operations as promises (and multishot streams) on a ring,
// written against the ring's public extension interface (ring.operations).
import type { CompletionStream, IoUring, OpOptions, Operations, StreamOptions } from '@iouring/core'
import { BufferRing, type BufferGroup, type BufferLease } from '@iouring/buffers'
import { release } from 'node:os'
import * as native from '@iouring/native'
import {
  ACCEPT_FLAGS,
  IORING_ACCEPT_MULTISHOT,
  IORING_CQE_F_BUFFER,
  IORING_CQE_F_MORE,
  IORING_CQE_F_NOTIF,
  IORING_OP_ACCEPT,
  IORING_OP_BIND,
  IORING_OP_CONNECT,
  IORING_OP_LISTEN,
  IORING_OP_RECV,
  IORING_OP_RECVMSG,
  IORING_OP_SEND,
  IORING_OP_SENDMSG,
  IORING_OP_SENDMSG_ZC,
  IORING_OP_SEND_ZC,
  IORING_OP_SHUTDOWN,
  IORING_OP_SOCKET,
  IORING_OP_URING_CMD,
  IORING_RECV_MULTISHOT,
  RECVSEND_FLAGS,
  MSGHDR_SIZE,
  MSG_NOSIGNAL,
  SOCKET_URING_OP_GETSOCKOPT,
  SOCKET_URING_OP_SETSOCKOPT,
  SOCK_CLOEXEC,
  SOL_SOCKET,
  decodeControlMessages,
  decodeMsghdr,
  decodeRecvmsgOut,
  decodeSockaddr,
  encodeControlMessages,
  encodeIovecs,
  prepAccept,
  prepAcceptDirect,
  prepBind,
  prepCmdSock,
  prepConnect,
  prepListen,
  prepMultishotAccept,
  prepMultishotAcceptDirect,
  prepRecv,
  prepRecvMultishot,
  prepRecvMultishotBundle,
  prepRecvmsg,
  prepRecvmsgMultishot,
  prepSend,
  prepSendZc,
  prepSendmsg,
  prepSendmsgZc,
  prepShutdown,
  prepSocket,
  setBufferSelect,
  writeMsghdr,
  IORING_FILE_INDEX_ALLOC,
  type ControlMessage,
} from '@iouring/ops'
import { kernelAtLeast, requireFlags, unsupported } from '@iouring/register'
import { localAddress, peerAddress, sockaddrOf, type AddressInfo } from './address.js'
import { abortError, invalidArgType, invalidArgValue } from './errors.js'
import { ringOf } from './context.js'
import { validateBoolean } from './args.js'

/** Where a socket operation sends or binds: an IP address and port, or a Unix path ('\0name': abstract). */
export type SocketTarget = { address: string; port: number } | { path: string }

/** Options of send-side operations. */
export interface SendOptions extends OpOptions {
  /** MSG_* flags; MSG_NOSIGNAL is always added (a closed peer is EPIPE, not SIGPIPE). */
  flags?: number
}

/** Options of receive-side operations. */
export interface RecvOptions extends OpOptions {
  /** MSG_* flags (MSG_PEEK, MSG_WAITALL, ...). */
  flags?: number
}

/** Options of recvMultishot. */
export interface RecvMultishotOptions extends StreamOptions {
  /** MSG_* flags. */
  flags?: number
  /** Take as many buffers per completion as the waiting data fills (IORING_RECVSEND_BUNDLE, 6.10). Default false. */
  bundle?: boolean
}

/** Options of accept and acceptMultishot. */
export interface AcceptOptions extends OpOptions {
  /** Install the socket in the ring's registered file table (a free slot) instead of the fd table: the result is the slot. */
  direct?: boolean
}

/** What accept() resolves to: the new socket's fd (or registered slot) and its peer. */
export interface Accepted {
  /** The accepted socket's fd, or its registered file slot when accepted direct. */
  fd: number
  /** The peer's address; a path (often '') for a Unix socket. */
  address: AddressInfo | string | undefined
}

/** A message to sendmsg: data in pieces, an optional destination and ancillary data (SCM_RIGHTS passes fds). */
export interface OutgoingMessage {
  /** The data, in pieces (one iovec each). */
  buffers: readonly ArrayBufferView[]
  /** The destination, for an unconnected datagram socket. */
  to?: SocketTarget
  /** Ancillary data to send (`{ kind: 'rights', fds }` passes fds). */
  control?: readonly ControlMessage[]
}

/** What recvmsg resolves to. */
export interface IncomingMessage {
  /** Bytes received into the buffers. */
  bytes: number
  /** The sender (datagram sockets), when any. */
  from: AddressInfo | string | undefined
  /** Ancillary data: `{ kind: 'rights', fds }` for SCM_RIGHTS, ... */
  control: ControlMessage[]
  /** MSG_* flags the kernel set (MSG_TRUNC, MSG_CTRUNC, ...). */
  flags: number
}

/** One datagram or chunk of recvmsgMultishot. */
export interface IncomingChunk {
  /** The bytes received: a copy the caller keeps. */
  data: Buffer
  /** The sender (datagram sockets), when any. */
  from: AddressInfo | string | undefined
  /** Ancillary data received with it. */
  control: ControlMessage[]
  /** MSG_* flags the kernel set (MSG_TRUNC, MSG_CTRUNC, ...). */
  flags: number
}

/** How a receive hands out the bytes a buffer group holds: a copy to keep (default), or a lease to release(). */
export type Take = 'copy' | 'lend'

const SOCKADDR_MAX = 128
const SHUT = { read: 0, write: 1, both: 2 } as const

/**
 * The socket operations of one ring, as promises: `sockets(ring).accept(fd)`.
 * Each accepts `{ signal, timeout }` and rejects with a system error naming
 * the operation. socket, bind and listen use the ring where the kernel has the
 * operation (5.19, 6.11) and the system call otherwise; getsockopt and
 * setsockopt use IORING_OP_URING_CMD (6.7) for SOL_SOCKET options (the only
 * level the kernel takes there) and the system call for the others.
 */
export class SocketOperations {
  /** The ring these operations run on. */
  readonly ring: IoUring
  readonly #ops: Operations

  constructor(ring?: IoUring) {
    this.ring = ringOf(ring)
    this.#ops = this.ring.operations
  }

  /** socket(domain, type, protocol) (AF_*, SOCK_*): the new fd, close-on-exec. */
  socket(domain: number, type: number, protocol = 0, options?: OpOptions): Promise<number> {
    const ops = this.#ops
    if (!ops.supports(IORING_OP_SOCKET)) return settled(native.socket(domain, type, protocol), 'socket')
    const at = ops.prepare()
    prepSocket(ops.sqes, at, domain, type | SOCK_CLOEXEC, protocol, 0)
    return ops.start(at, 'socket', undefined, options)
  }

  /** bind(fd, target). */
  bind(fd: number, target: SocketTarget, options?: OpOptions): Promise<number> {
    const address = encodeTarget(target)
    const ops = this.#ops
    if (!ops.supports(IORING_OP_BIND)) return settled(native.bind(fd, address), 'bind')
    const at = ops.prepare()
    prepBind(ops.sqes, at, fd, native.addressOf(address), address.byteLength)
    return ops.start(at, 'bind', address, options)
  }

  /** listen(fd, backlog). */
  listen(fd: number, backlog = 511, options?: OpOptions): Promise<number> {
    const ops = this.#ops
    if (!ops.supports(IORING_OP_LISTEN)) return settled(native.listen(fd, backlog), 'listen')
    const at = ops.prepare()
    prepListen(ops.sqes, at, fd, backlog)
    return ops.start(at, 'listen', undefined, options)
  }

  /** accept(fd): the next connection and its peer's address. */
  accept(fd: number, options?: AcceptOptions): Promise<Accepted> {
    const ops = this.#ops
    ops.require(IORING_OP_ACCEPT)
    const name = new Uint8Array(SOCKADDR_MAX + 4)
    const view = new DataView(name.buffer)
    view.setUint32(SOCKADDR_MAX, SOCKADDR_MAX, true)
    const base = native.addressOf(name)
    const at = ops.prepare()
    // A direct descriptor has no close-on-exec flag: the kernel refuses SOCK_CLOEXEC there (EINVAL).
    if (options?.direct === true) prepAcceptDirect(ops.sqes, at, fd, base, base + SOCKADDR_MAX, 0, IORING_FILE_INDEX_ALLOC)
    else prepAccept(ops.sqes, at, fd, base, base + SOCKADDR_MAX, SOCK_CLOEXEC)
    return ops.startWithResult(at, 'accept', name, options, (res: number, data: DataView) => ({ fd: res, address: decodeAddress(data, 0, data.getUint32(SOCKADDR_MAX, true)) }), undefined, view)
  }

  /** Multishot accept (5.19): every connection's fd (or registered slot, with `direct`) as it comes. */
  acceptMultishot(fd: number, options?: StreamOptions & { direct?: boolean }): CompletionStream<number> {
    const ops = this.#ops
    ops.require(IORING_OP_ACCEPT)
    requireFlags(ACCEPT_FLAGS, 'IORING_ACCEPT_', IORING_ACCEPT_MULTISHOT)
    const at = ops.prepare()
    if (options?.direct === true) prepMultishotAcceptDirect(ops.sqes, at, fd, 0, 0, 0)
    else prepMultishotAccept(ops.sqes, at, fd, 0, 0, SOCK_CLOEXEC)
    return ops.startMultishot(at, 'accept', undefined, options, identity)
  }

  /** connect(fd, target). */
  connect(fd: number, target: SocketTarget, options?: OpOptions): Promise<number> {
    const address = encodeTarget(target)
    const ops = this.#ops
    ops.require(IORING_OP_CONNECT)
    const at = ops.prepare()
    prepConnect(ops.sqes, at, fd, native.addressOf(address), address.byteLength)
    return ops.start(at, 'connect', address, options)
  }

  /** send(fd, buffer): the bytes sent. */
  send(fd: number, buffer: ArrayBufferView, options?: SendOptions): Promise<number> {
    validateView(buffer)
    const ops = this.#ops
    ops.require(IORING_OP_SEND)
    const at = ops.prepare()
    prepSend(ops.sqes, at, fd, native.addressOf(buffer), buffer.byteLength, sendFlags(options))
    return ops.start(at, 'send', buffer, options)
  }

  /** sendmsg(fd, message): the bytes sent. SCM_RIGHTS in `control` passes fds over a Unix socket. */
  sendmsg(fd: number, message: OutgoingMessage, options?: SendOptions): Promise<number> {
    const ops = this.#ops
    ops.require(IORING_OP_SENDMSG)
    const { msg, keep } = encodeMessage(message)
    const at = ops.prepare()
    prepSendmsg(ops.sqes, at, fd, native.addressOf(msg), sendFlags(options))
    return ops.start(at, 'sendmsg', keep, options)
  }

  /**
   * Zero-copy send (6.0): the kernel sends from `buffer` itself. Resolves to
   * the bytes sent once the kernel no longer needs `buffer` (its notification
   * completion), which stays alive until then.
   */
  sendZc(fd: number, buffer: ArrayBufferView, options?: SendOptions): Promise<number> {
    validateView(buffer)
    const ops = this.#ops
    ops.require(IORING_OP_SEND_ZC)
    const at = ops.prepare()
    prepSendZc(ops.sqes, at, fd, native.addressOf(buffer), buffer.byteLength, sendFlags(options), 0)
    return zeroCopy(ops, at, 'send', buffer, options)
  }

  /** Zero-copy sendmsg (6.1): as sendZc, for a message. */
  sendmsgZc(fd: number, message: OutgoingMessage, options?: SendOptions): Promise<number> {
    const ops = this.#ops
    ops.require(IORING_OP_SENDMSG_ZC)
    const { msg, keep } = encodeMessage(message)
    const at = ops.prepare()
    prepSendmsgZc(ops.sqes, at, fd, native.addressOf(msg), sendFlags(options))
    return zeroCopy(ops, at, 'sendmsg', keep, options)
  }

  /** recv(fd, buffer): the bytes received (0: the peer ended). */
  recv(fd: number, buffer: ArrayBufferView, options?: RecvOptions): Promise<number> {
    validateView(buffer)
    const ops = this.#ops
    ops.require(IORING_OP_RECV)
    const at = ops.prepare()
    prepRecv(ops.sqes, at, fd, native.addressOf(buffer), buffer.byteLength, options?.flags ?? 0)
    return ops.start(at, 'recv', buffer, options)
  }

  /**
   * Multishot receive (6.0) into `group` (a BufferRing): each chunk as it
   * arrives, copied (default) or lent; the stream ends when the peer does.
   * It ends with ENOBUFS when the group ran dry (the group's 'exhausted'
   * event fires too): give buffers back and start another.
   *
   * With `bundle: true` (IORING_RECVSEND_BUNDLE, where the kernel reports
   * IORING_FEAT_RECVSEND_BUNDLE, 6.10) one completion takes as many buffers
   * as the data waiting in the socket fills: a chunk is then one copy of
   * all of them, or (lent) one lease per buffer.
   */
  recvMultishot(fd: number, group: BufferGroup, options?: RecvMultishotOptions & { take?: 'copy' }): CompletionStream<Buffer>
  recvMultishot(fd: number, group: BufferGroup, options: RecvMultishotOptions & { take: 'lend'; bundle?: false }): CompletionStream<BufferLease>
  recvMultishot(fd: number, group: BufferGroup, options: RecvMultishotOptions & { take: 'lend'; bundle: true }): CompletionStream<BufferLease[]>
  recvMultishot(fd: number, group: BufferGroup, options?: RecvMultishotOptions & { take?: Take }): CompletionStream<Buffer | BufferLease | BufferLease[]> {
    const ops = this.#ops
    ops.require(IORING_OP_RECV)
    requireFlags(RECVSEND_FLAGS, 'IORING_', IORING_RECV_MULTISHOT)
    const bundle = validateBoolean(options?.bundle, 'options.bundle') === true
    if (bundle) requireBundles(this.ring, group)
    const take = bundle ? takeBundleOf(group, options?.take) : takeOf(group, options?.take)
    const at = ops.prepare()
    if (bundle) prepRecvMultishotBundle(ops.sqes, at, fd, options?.flags ?? 0)
    else prepRecvMultishot(ops.sqes, at, fd, 0, 0, options?.flags ?? 0)
    setBufferSelect(ops.sqes, at, group.groupId)
    const settle = (res: number, flags: number) => {
      if (res > 0) return take(res, flags)
      // The peer ended: a buffer picked for its completion goes back (a bundle picks none).
      if (flags & IORING_CQE_F_BUFFER && !bundle) group.discard(res, flags)
      return undefined
    }
    return ops.startMultishot(at, 'recv', group, options, settle, 0, exhausted(group))
  }

  /** recvmsg(fd): data into `buffers`, the sender, and up to `controlLength` bytes of ancillary data (fds passed with SCM_RIGHTS). */
  recvmsg(fd: number, buffers: readonly ArrayBufferView[], options?: RecvOptions & { controlLength?: number }): Promise<IncomingMessage> {
    const ops = this.#ops
    ops.require(IORING_OP_RECVMSG)
    const controlLength = options?.controlLength ?? 0
    const name = new Uint8Array(SOCKADDR_MAX)
    const control = new Uint8Array(controlLength)
    const iov = iovecsOf(buffers)
    const msg = new DataView(new ArrayBuffer(MSGHDR_SIZE))
    writeMsghdr(msg, 0, { name: native.addressOf(name), namelen: SOCKADDR_MAX, iov: native.addressOf(iov), iovlen: buffers.length, control: controlLength === 0 ? 0 : native.addressOf(control), controllen: controlLength, flags: 0 })
    const at = ops.prepare()
    prepRecvmsg(ops.sqes, at, fd, native.addressOf(msg), options?.flags ?? 0)
    const keep = [name, control, iov, msg, buffers.slice()]
    return ops.startWithResult(at, 'recvmsg', keep, options, (bytes: number) => {
      const header = decodeMsghdr(msg, 0)
      return {
        bytes,
        from: decodeAddress(new DataView(name.buffer), 0, header.namelen),
        control: decodeControlMessages(new DataView(control.buffer), 0, header.controllen),
        flags: header.flags,
      }
    }, undefined, undefined)
  }

  /**
   * Multishot recvmsg (6.0) into `group`: each datagram (or chunk) with its
   * sender and ancillary data; the kernel writes them at the start of each
   * buffer (`controlLength` bytes of room for ancillary data).
   */
  recvmsgMultishot(fd: number, group: BufferGroup, options?: StreamOptions & { flags?: number; controlLength?: number }): CompletionStream<IncomingChunk> {
    const ops = this.#ops
    ops.require(IORING_OP_RECVMSG)
    const controlLength = options?.controlLength ?? 0
    const msg = new DataView(new ArrayBuffer(MSGHDR_SIZE))
    writeMsghdr(msg, 0, { name: 0, namelen: SOCKADDR_MAX, iov: 0, iovlen: 0, control: 0, controllen: controlLength, flags: 0 })
    const at = ops.prepare()
    prepRecvmsgMultishot(ops.sqes, at, fd, native.addressOf(msg), options?.flags ?? 0)
    setBufferSelect(ops.sqes, at, group.groupId)
    return ops.startMultishot(at, 'recvmsg', [msg, group], options, (res, flags) => {
      const raw = group.copy(res, flags)
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
      const out = decodeRecvmsgOut(view, 0, raw.byteLength, SOCKADDR_MAX, controlLength)
      if (out === null) return undefined
      return {
        data: raw.subarray(out.payloadOffset, out.payloadOffset + Math.min(out.payloadlen, out.payloadLength)),
        from: decodeAddress(view, out.nameOffset, out.namelen),
        control: decodeControlMessages(view, out.controlOffset, Math.min(out.controllen, controlLength)),
        flags: out.flags,
      }
    }, 0, exhausted(group))
  }

  /**
   * shutdown(fd, how): 'read', 'write' or 'both'. The kernel runs it in an
   * io-wq worker, which looks `fd` up when it runs: close `fd` only after
   * this has settled, or the number may name another socket by then.
   */
  shutdown(fd: number, how: keyof typeof SHUT, options?: OpOptions): Promise<number> {
    const code = SHUT[how]
    if (code === undefined) throw invalidArgValue('how', "must be 'read', 'write' or 'both'")
    const ops = this.#ops
    if (!ops.supports(IORING_OP_SHUTDOWN)) return settled(native.shutdown(fd, code), 'shutdown')
    const at = ops.prepare()
    prepShutdown(ops.sqes, at, fd, code)
    return ops.start(at, 'shutdown', undefined, options)
  }

  /** close(fd), through the ring. */
  close(fd: number, options?: OpOptions): Promise<number> {
    return this.ring.close(fd, options)
  }

  /** getsockname(fd): the socket's own address, in node:net's shape (a path for a Unix socket); undefined when it has none. */
  getsockname(fd: number): AddressInfo | string | undefined {
    return localAddress(fd)
  }

  /** getpeername(fd): the connected peer's address; undefined when not connected. */
  getpeername(fd: number): AddressInfo | string | undefined {
    return peerAddress(fd)
  }

  /** getsockopt(fd, level, name) of an int option. */
  getsockopt(fd: number, level: number, name: number, options?: OpOptions): Promise<number> {
    const value = new Int32Array(1)
    const ops = this.#ops
    if (!socketCommand(ops, level)) return settled(native.getsockopt(fd, level, name, value), 'getsockopt').then(() => value[0])
    const at = ops.prepare()
    prepCmdSock(ops.sqes, at, SOCKET_URING_OP_GETSOCKOPT, fd, level, name, native.addressOf(value), 4)
    return ops.startWithResult(at, 'getsockopt', value, options, () => value[0], undefined, undefined)
  }

  /** setsockopt(fd, level, name, value): an int (or boolean), or the option's bytes. */
  setsockopt(fd: number, level: number, name: number, value: number | boolean | ArrayBufferView, options?: OpOptions): Promise<number> {
    const bytes = ArrayBuffer.isView(value) ? value : new Int32Array([Number(value)])
    const ops = this.#ops
    if (!socketCommand(ops, level)) return settled(native.setsockopt(fd, level, name, bytes), 'setsockopt')
    const at = ops.prepare()
    prepCmdSock(ops.sqes, at, SOCKET_URING_OP_SETSOCKOPT, fd, level, name, native.addressOf(bytes), bytes.byteLength)
    return ops.start(at, 'setsockopt', bytes, options)
  }
}

const byRing = new WeakMap<IoUring, SocketOperations>()

/** The socket operations of `ring` (default: this thread's ring). */
export function sockets(ring?: IoUring): SocketOperations {
  const target = ringOf(ring)
  let operations = byRing.get(target)
  if (operations === undefined) byRing.set(target, (operations = new SocketOperations(target)))
  return operations
}

/** Whether a socket option goes through IORING_OP_URING_CMD: the kernel (6.7) takes SOL_SOCKET options there, and no other level. */
function socketCommand(ops: Operations, level: number): boolean {
  return level === SOL_SOCKET && ops.supports(IORING_OP_URING_CMD) && kernelAtLeast('6.7')
}

function identity(res: number): number {
  return res
}

/** A system call's result (the fallback before the kernel had the ring operation) as the promise the operation returns. */
function settled(res: number, syscall: string): Promise<number> {
  return res < 0 ? Promise.reject(native.systemError(res, syscall)) : Promise.resolve(res)
}

function validateView(buffer: unknown): void {
  if (!ArrayBuffer.isView(buffer)) throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer)
}

function sendFlags(options: SendOptions | undefined): number {
  return (options?.flags ?? 0) | MSG_NOSIGNAL
}

function encodeTarget(target: SocketTarget): Uint8Array {
  if (target === null || typeof target !== 'object') throw invalidArgType('target', 'an object ({ address, port } or { path })', target)
  return 'path' in target ? sockaddrOf({ path: target.path }) : sockaddrOf(target.address, target.port)
}

function decodeAddress(view: DataView, at: number, length: number): AddressInfo | string | undefined {
  const decoded = decodeSockaddr(view, at, length)
  if (decoded === null) return undefined
  return 'path' in decoded ? decoded.path : { address: decoded.address, family: decoded.family, port: decoded.port }
}

function iovecsOf(buffers: readonly ArrayBufferView[]): Uint8Array {
  if (!Array.isArray(buffers)) throw invalidArgType('buffers', 'an array of ArrayBufferViews', buffers)
  for (const buffer of buffers) validateView(buffer)
  return encodeIovecs(buffers.map((buffer) => ({ addr: native.addressOf(buffer), len: buffer.byteLength })))
}

/** A struct msghdr for `message` and everything it points at (kept until the CQE). */
function encodeMessage(message: OutgoingMessage): { msg: DataView; keep: unknown[] } {
  if (message === null || typeof message !== 'object') throw invalidArgType('message', 'an object ({ buffers, to?, control? })', message)
  const iov = iovecsOf(message.buffers)
  const name = message.to === undefined ? undefined : encodeTarget(message.to)
  const control = message.control === undefined || message.control.length === 0 ? undefined : encodeControlMessages(message.control)
  const msg = new DataView(new ArrayBuffer(MSGHDR_SIZE))
  writeMsghdr(msg, 0, {
    name: name === undefined ? 0 : native.addressOf(name),
    namelen: name?.byteLength ?? 0,
    iov: native.addressOf(iov),
    iovlen: message.buffers.length,
    control: control === undefined ? 0 : native.addressOf(control),
    controllen: control?.byteLength ?? 0,
    flags: 0,
  })
  return { msg, keep: [msg, iov, name, control, message.buffers.slice()] }
}

/**
 * A zero-copy send as a promise: the first CQE says how many bytes went
 * (IORING_CQE_F_MORE set: a notification follows); the notification CQE
 * (IORING_CQE_F_NOTIF) says the kernel is done with the memory. `keep` stays
 * alive until then.
 */
function zeroCopy(ops: Operations, at: number, syscall: string, keep: unknown, options: OpOptions | undefined): Promise<number> {
  const signal = options?.signal
  if (signal?.aborted) return Promise.reject(abortError(signal.reason))
  return new Promise((resolve, reject) => {
    let aborted = false
    let result: number | undefined
    const userData = ops.startCallback(at, syscall, keep, (res, flags) => {
      if (!(flags & IORING_CQE_F_NOTIF)) result = res
      if (flags & IORING_CQE_F_MORE) return
      signal?.removeEventListener('abort', abort)
      if ((result as number) >= 0) resolve(result as number)
      else reject(aborted ? abortError(signal!.reason) : native.systemError(result as number, syscall))
    })
    const abort = () => {
      aborted = true
      ops.cancel(userData)
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}

function takeOf(group: BufferGroup, take: Take | undefined): (res: number, flags: number) => Buffer | BufferLease {
  if (take === undefined || take === 'copy') return (res, flags) => group.copy(res, flags)
  if (take === 'lend') return (res, flags) => group.lend(res, flags)
  throw invalidArgValue('options.take', "must be 'copy' or 'lend'")
}

function takeBundleOf(group: BufferGroup, take: Take | undefined): (res: number, flags: number) => Buffer | BufferLease[] {
  if (take === undefined || take === 'copy') return (res, flags) => group.copyBundle(res, flags)
  if (take === 'lend') return (res, flags) => group.lendBundle(res, flags)
  throw invalidArgValue('options.take', "must be 'copy' or 'lend'")
}

/** Bundles need the kernel's IORING_FEAT_RECVSEND_BUNDLE and a group whose buffers are consumed whole. */
function requireBundles(ring: IoUring, group: BufferGroup): void {
  if (!ring.features.has('RECVSEND_BUNDLE')) throw unsupported('IORING_RECVSEND_BUNDLE', '6.10', release())
  if (!(group instanceof BufferRing)) throw invalidArgValue('options.bundle', 'needs a BufferRing: the kernel does not say which legacy provided buffers a bundle took')
  if (group.incremental) throw invalidArgValue('options.bundle', 'cannot be used with a group that consumes its buffers incrementally')
}

const ENOBUFS = -105

function exhausted(group: BufferGroup): (res: number) => void {
  return (res) => {
    if (res === ENOBUFS) group.reportExhausted()
  }
}
